"""The incidents console: a live list with filters, late first, and a small map of the list.

The filters and rows are in dashboard/incidents/."""

from __future__ import annotations

import json
from typing import Any

import dash
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard import console, ids
from dashboard.auth import VIEW, require
from dashboard.incidents.filters import controls, filters_of, since_ms
from dashboard.incidents.rows import HEAD, row
from dashboard.services import current
from feeds import queries
from feeds.clock import now_ms
from feeds.stats import links
from feeds.vocab import CATEGORIES
from layers.geojson import bounds_of

dash.register_page(__name__, path="/incidents", title="watchfloor · 事件 Incidents")

# Filters the figures link with that have no control on the page: kept from the URL,
# shown above the list, and cleared by opening /incidents plainly.
EXTRA = links.EXTRA
LIST_BOUNDS = "inc-list-bounds"  # store: the district's west, south, east, north


def layout(**q: Any) -> html.Div:
    if not console.can_view():
        return console.forbidden()
    s = current()
    with s.engine.connect() as conn:
        streets = queries.area_options(conn, "street")
        communities = queries.area_options(conn, "community", q.get("street") or None)
        outline = queries.district_outline(conn)
    # the whole district in view, whatever the panel's shape (a fixed zoom cut off its west)
    bounds = bounds_of(json.loads(outline)) if outline else None
    filters = controls(q, streets, communities)
    extra = {k: str(q[k]) for k in EXTRA if q.get(k)}
    note = (
        html.Div(
            [
                html.Span([console.bi(("另有筛选条件", "Also filtered by")), ": "]),
                html.Span(" · ".join(f"{k}={v}" for k, v in extra.items()), id="inc-extra-text"),
                " ",
                dcc.Link(console.bi(("清除", "Clear")), href="/incidents"),
            ],
            className="wf-filters-extra",
        )
        if extra
        else None
    )
    return html.Div(
        [
            console.header(("事件列表", "Incidents")),
            dcc.Store(id=ids.BUMP, data=0),
            dcc.Store(id=ids.F_EXTRA, data=extra),
            dcc.Store(id=LIST_BOUNDS, data=bounds),
            note,
            html.Div(id="inc-list-page", className="wf-live-scope", **{"data-scope": "list"}),
            filters,
            html.Div(
                [
                    html.Div(
                        [
                            html.Div(id=ids.LIST_COUNT, className="wf-count"),
                            html.Div(id=ids.LIST, className="wf-list-wrap"),
                        ],
                        className="wf-list-col",
                    ),
                    html.Div(
                        console.small_map(ids.LIST_MAP, [], (30.2, 120.2), bounds=bounds),
                        className="wf-map-col",
                    ),
                ],
                className="wf-list-layout",
            ),
        ],
        className="wf-console",
    )


@callback(  # type: ignore[untyped-decorator]
    Output(ids.LIST, "children"),
    Output(ids.LIST_COUNT, "children"),
    Output(f"{ids.LIST_MAP}-markers", "children"),
    Output(ids.LIST_MAP, "viewport"),
    Input(ids.F_STATE, "value"),
    Input(ids.F_SLA, "value"),
    Input(ids.F_CATEGORY, "value"),
    Input(ids.F_SOURCE, "value"),
    Input(ids.F_STREET, "value"),
    Input(ids.F_COMMUNITY, "value"),
    Input(ids.F_GRID, "value"),
    Input(ids.F_TEXT, "value"),
    Input(ids.F_SINCE, "value"),
    Input(ids.BUMP, "data"),
    Input(ids.F_EXTRA, "data"),
    State(LIST_BOUNDS, "data"),
)
def refresh(
    states: list[str] | None,
    sla: str | None,
    category: str | None,
    source: str | None,
    street: str | None,
    community: str | None,
    grid: str | None,
    text: str | None,
    since: str | None,
    _bump: Any,
    extra: dict[str, str] | None = None,
    bounds: list[float] | None = None,
) -> tuple[Any, Any, Any, Any]:
    require(*VIEW)
    s = current()
    now = now_ms()
    f = filters_of(
        states,
        sla,
        category,
        source,
        street,
        community,
        grid,
        text,
        since_ms(since, now, s.settings.timezone),
    )
    f = links.narrow(f, extra, s.settings.timezone)
    with s.engine.connect() as conn:
        rows = queries.list_incidents(conn, f, now)
        total = (
            queries.count_incidents(conn, f, now) if len(rows) >= queries.LIST_LIMIT else len(rows)
        )
        names = queries.area_names(
            conn, [c for r in rows for c in (r["street"], r["community"], r["grid"])]
        )
        units = {u["id"]: u["name"] for u in queries.unit_rows(conn)}
    colours = [queries.sla_colour(r, now) for r in rows]
    table = html.Table(
        [
            html.Thead(html.Tr([html.Th(console.bi(h)) for h in HEAD])),
            html.Tbody(
                [
                    row(r, names, units, c, s.settings.timezone)
                    for r, c in zip(rows, colours, strict=True)
                ]
            ),
        ],
        className="wf-table wf-incidents",
    )
    count = f"共 {total} 条 · {total} found" + (
        f" (列出前 {len(rows)} 条 · first {len(rows)} listed)" if total > len(rows) else ""
    )
    markers = [
        console.marker(r, c, console.lab(CATEGORIES, r["category"]))
        for r, c in zip(rows, colours, strict=True)
        if r["lon"] is not None and r["lat"] is not None
    ]
    # Framed again once the list has drawn: a map made while the page was still laying
    # itself out (a phone's stacked columns) fitted the district into the wrong size.
    # Only then: later refreshes leave the officer's own pan and zoom alone.
    first = ctx.triggered_id is None
    view = (
        {"bounds": [[bounds[1], bounds[0]], [bounds[3], bounds[2]]], "transition": "fitBounds"}
        if first and bounds
        else no_update
    )
    return table, count, markers, view


@callback(  # type: ignore[untyped-decorator]
    Output(ids.F_COMMUNITY, "options"), Input(ids.F_STREET, "value"), prevent_initial_call=True
)
def communities(street: str | None) -> list[dict[str, str]]:
    require(*VIEW)
    with current().engine.connect() as conn:
        rows = queries.area_options(conn, "community", street or None)
    return [{"label": a["name"], "value": a["code"]} for a in rows]
