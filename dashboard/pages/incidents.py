"""The incidents console: a live list with filters, late first, and a small map of the list."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, callback, dcc, html

from dashboard import console, ids
from dashboard.auth import VIEW, require
from dashboard.services import current
from feeds import queries
from feeds.clock import day_start, now_ms
from feeds.pipeline import ALL_STATES
from feeds.vocab import CATEGORIES, SOURCES, STATES

dash.register_page(__name__, path="/incidents", title="watchfloor · 事件 Incidents")

SINCE = {
    "1h": ("近1小时", "Last hour"),
    "today": ("今日", "Today"),
    "24h": ("近24小时", "Last 24 h"),
    "7d": ("近7天", "Last 7 days"),
    "all": ("全部", "All"),
}
STATE_ORDER = [s for s in STATES if s in ALL_STATES]


def _options(
    table: dict[str, tuple[str, str]], codes: list[str] | None = None
) -> list[dict[str, str]]:
    return [{"label": f"{table[c][0]} {table[c][1]}", "value": c} for c in (codes or list(table))]


def since_ms(choice: str | None, now: int, tz: str) -> int | None:
    return {
        "1h": now - 3_600_000,
        "today": day_start(now, tz),
        "24h": now - 86_400_000,
        "7d": now - 7 * 86_400_000,
    }.get(choice or "all")


def filters_of(
    states: list[str] | None,
    sla: str | None,
    category: str | None,
    source: str | None,
    street: str | None,
    community: str | None,
    grid: str | None,
    text: str | None,
    since: int | None,
) -> queries.Filters:
    return queries.Filters(
        states=tuple(s for s in states or [] if s in ALL_STATES),
        sla=sla if sla in queries.SLA_COLOURS else "",
        category=category or "",
        source=source or "",
        street=street or "",
        community=community or "",
        grid=(grid or "").strip()[:64],
        text=(text or "").strip()[:100],
        since=since,
    )


def _field(label: tuple[str, str], control: Any) -> html.Label:
    return html.Label(
        [html.Span(console.bi(label), className="wf-field-label"), control], className="wf-field"
    )


def layout(**q: Any) -> html.Div:
    if not console.can_view():
        return console.forbidden()
    s = current()
    with s.engine.connect() as conn:
        streets = queries.area_options(conn, "street")
        communities = queries.area_options(conn, "community", q.get("street") or None)
    states = [v for v in str(q.get("state", "")).split(",") if v in ALL_STATES]
    filters = html.Div(
        [
            _field(
                ("状态", "State"),
                dcc.Dropdown(
                    id=ids.F_STATE, options=_options(STATES, STATE_ORDER), value=states, multi=True
                ),
            ),
            _field(
                ("时限", "SLA"),
                dcc.Dropdown(
                    id=ids.F_SLA,
                    value=q.get("sla") or None,
                    options=[
                        {"label": f"{v[0]} {v[1]}", "value": k}
                        for k, v in console.SLA_LABELS.items()
                    ],
                ),
            ),
            _field(
                ("分类", "Category"),
                dcc.Dropdown(
                    id=ids.F_CATEGORY, options=_options(CATEGORIES), value=q.get("category") or None
                ),
            ),
            _field(
                ("来源", "Source"),
                dcc.Dropdown(
                    id=ids.F_SOURCE, options=_options(SOURCES), value=q.get("source") or None
                ),
            ),
            _field(
                ("街道", "Street"),
                dcc.Dropdown(
                    id=ids.F_STREET,
                    value=q.get("street") or None,
                    options=[
                        {"label": f"{a['name']} {a['name_en']}", "value": a["code"]}
                        for a in streets
                    ],
                ),
            ),
            _field(
                ("社区", "Community"),
                dcc.Dropdown(
                    id=ids.F_COMMUNITY,
                    value=q.get("community") or None,
                    options=[{"label": a["name"], "value": a["code"]} for a in communities],
                ),
            ),
            _field(
                ("网格", "Grid"),
                dcc.Input(
                    id=ids.F_GRID,
                    value=q.get("grid", ""),
                    debounce=True,
                    placeholder="网格编码 grid code",
                ),
            ),
            _field(
                ("时间", "Time"),
                dcc.Dropdown(
                    id=ids.F_SINCE,
                    options=_options(SINCE),
                    value=q.get("since") or "all",
                    clearable=False,
                ),
            ),
            _field(
                ("搜索", "Search"),
                dcc.Input(
                    id=ids.F_TEXT,
                    value=q.get("q", ""),
                    debounce=True,
                    placeholder="编号 / 内容 / 地址码 id, text, address",
                ),
            ),
        ],
        className="wf-filters",
    )
    return html.Div(
        [
            console.header(("事件列表", "Incidents")),
            dcc.Store(id=ids.BUMP, data=0),
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
                        console.small_map(ids.LIST_MAP, [], (30.2, 120.2)), className="wf-map-col"
                    ),
                ],
                className="wf-list-layout",
            ),
        ],
        className="wf-console",
    )


def _row(row: dict[str, Any], names: dict[str, str], colour: str | None, tz: str) -> html.Tr:
    sla = console.SLA_LABELS.get(colour or "", ("–", ""))
    return html.Tr(
        [
            html.Td(dcc.Link(row["id"], href=f"/incident/{row['id']}", className="wf-id")),
            html.Td(console.lab(STATES, row["state"])),
            html.Td(html.Span(sla[0], className=f"wf-sla wf-sla-{colour or 'none'}")),
            html.Td(console.lab(CATEGORIES, row["category"])),
            html.Td(console.lab(SOURCES, row["source"])),
            html.Td(
                " / ".join(
                    names.get(c, c) for c in (row["street"], row["community"], row["grid"]) if c
                )
            ),
            html.Td(console.when(row["reported_at"], tz)),
            html.Td(row["unit"] or "–"),
            html.Td(console.mask_phone(row["contact"]), className="wf-phone"),
            html.Td(row["text"][:80], className="wf-text"),
        ],
        className=f"wf-row wf-row-{colour or 'none'}",
        **{"data-id": row["id"]},
    )


HEAD = [
    ("编号", "No."),
    ("状态", "State"),
    ("时限", "SLA"),
    ("分类", "Category"),
    ("来源", "Source"),
    ("位置", "Where"),
    ("上报时间", "Reported"),
    ("处置单位", "Unit"),
    ("联系电话", "Phone"),
    ("内容", "Text"),
]


@callback(  # type: ignore[untyped-decorator]
    Output(ids.LIST, "children"),
    Output(ids.LIST_COUNT, "children"),
    Output(f"{ids.LIST_MAP}-markers", "children"),
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
) -> tuple[Any, Any, Any]:
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
    with s.engine.connect() as conn:
        rows = queries.list_incidents(conn, f, now)
        names = queries.area_names(
            conn, [c for r in rows for c in (r["street"], r["community"], r["grid"])]
        )
    colours = [queries.sla_colour(r, now) for r in rows]
    table = html.Table(
        [
            html.Thead(html.Tr([html.Th(console.bi(h)) for h in HEAD])),
            html.Tbody(
                [_row(r, names, c, s.settings.timezone) for r, c in zip(rows, colours, strict=True)]
            ),
        ],
        className="wf-table wf-incidents",
    )
    count = f"共 {len(rows)} 条 · {len(rows)} listed" + (
        " (最多 max 300)" if len(rows) >= queries.LIST_LIMIT else ""
    )
    markers = [
        console.marker(r, c, console.lab(CATEGORIES, r["category"]))
        for r, c in zip(rows, colours, strict=True)
        if r["lon"] is not None and r["lat"] is not None
    ]
    return table, count, markers


@callback(  # type: ignore[untyped-decorator]
    Output(ids.F_COMMUNITY, "options"), Input(ids.F_STREET, "value"), prevent_initial_call=True
)
def communities(street: str | None) -> list[dict[str, str]]:
    require(*VIEW)
    with current().engine.connect() as conn:
        rows = queries.area_options(conn, "community", street or None)
    return [{"label": a["name"], "value": a["code"]} for a in rows]
