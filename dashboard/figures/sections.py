"""The figures page's sections as Dash components, from each section's data.

Every card says what it counts and over which period; every chart and table row links to
the /incidents list it counts; every table has its CSV and Excel download.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import dash_leaflet as dl
from dash import dcc, html
from dash_extensions import Purify

from dashboard.figures import catalog, graphs, markup
from dashboard.figures.tables import href
from dashboard.figures.words import SECTIONS, pick, w
from feeds.stats.headline import BETTER
from layers.choropleth import classify
from layers.compare import Better, Change, change
from layers.tabular import Kind, Table, format_value

Data = dict[str, Any]
GRAPH_CONFIG = {"displayModeBar": False, "responsive": False}
# headline figure -> (words key, kind, is a share); which way is better: the API's BETTER
HEADLINE: tuple[tuple[str, str, Kind, bool], ...] = (
    ("n", "events", "int", False),
    ("late", "late_period", "int", False),
    ("accept", "", "share", True),
    ("dispatch", "", "share", True),
    ("arrive", "", "share", True),
    ("closure_urgent", "closure_urgent", "share", True),
    ("closure_ordinary", "closure_ordinary", "share", True),
    ("satisfaction", "rating", "rating", False),
    ("share_rated", "rated", "share", True),
    ("sensor_alarms", "alarms", "int", False),
)
STAGE_WORDS = {
    "accept": ("1分钟受理率", "Accepted in 1 min"),
    "dispatch": ("3分钟流转率", "Routed in 3 min"),
    "arrive": ("5分钟到场率", "On site in 5 min"),
}


class Ctx:
    """What every section needs to draw: period text, language, time zone, export query."""

    def __init__(self, period_text: str, label: str, lang: str, tz: str) -> None:
        self.period_text = period_text
        self.label = label
        self.lang = lang
        self.tz = tz

    def export(self, key: str, ext: str) -> str:
        q = urlencode({"period": self.period_text, "lang": self.lang})
        return f"/api/figures/table/{key}.{ext}?{q}"


def card(ctx: Ctx, section: str, body: list[Any]) -> html.Div:
    title, what = SECTIONS[section]
    return html.Div(
        [
            html.H2(pick(title, ctx.lang)),
            html.P(f"{pick(what, ctx.lang)} · {ctx.label}", className="wf-fig-caption"),
            *body,
        ],
        className=f"wf-fig-card wf-fig-{section}",
    )


def block(title: str, child: Any, wide: bool = False) -> html.Div:
    return html.Div(
        [html.H3(title), child], className="wf-fig-block" + (" wf-fig-wide" if wide else "")
    )


def graph(key: str, figure: dict[str, Any]) -> dcc.Graph:
    return dcc.Graph(
        id={"type": "fig-graph", "key": key},
        figure=figure,
        config=GRAPH_CONFIG,
        className="wf-fig-graph",
    )


def raw(markup_html: str, class_name: str = "") -> Purify:
    """Server-made HTML (escaped in dashboard.figures.markup) as one component."""
    return Purify(html=markup_html, className=class_name)


def table_view(ctx: Ctx, table: Table) -> Purify:
    """The table as the page shows it (first rows), with its CSV and Excel downloads."""
    downloads = [("CSV", ctx.export(table.key, "csv")), ("Excel", ctx.export(table.key, "xlsx"))]
    return raw(markup.table(table, ctx.lang, downloads))


def _changes(ctx: Ctx, key: str, share: bool, d: Data) -> list[tuple[str, str, str, str]]:
    value = d["now"].get(key)
    better: Better = BETTER.get(key) or "none"  # type: ignore[assignment]
    out: list[tuple[str, str, str, str]] = []
    for side, word in (("previous", "previous"), ("last_year", "last_year")):
        c: Change = change(value, d[side].get(key), better, share)
        out.append((c.arrow, c.text, c.tone, w(word, ctx.lang)))
    return out


def headline(ctx: Ctx, d: Data) -> html.Div:
    lang = ctx.lang
    tiles = [
        markup.tile(
            pick(STAGE_WORDS[key], lang) if key in STAGE_WORDS else w(word, lang),
            format_value(d["now"].get(key), kind, lang),
            _changes(ctx, key, share, d),
            key=key,
            link=href(d["filter"]) if key == "n" else None,
        )
        for key, word, kind, share in HEADLINE
    ]
    tiles.append(
        markup.tile(
            w("late_now", lang),
            format_value(d["late_now"], "int"),
            key="late_now",
            link=href(d["late_now_filter"]),
            tone="wf-red",
        )
    )
    return card(ctx, "headline", [raw("".join(tiles), "wf-fig-tiles")])


def counts(ctx: Ctx, d: Data) -> html.Div:
    tabs = catalog.tables("counts", d, ctx.label, ctx.lang, ctx.tz)
    blocks = [
        block(
            t.title[1 if ctx.lang == "en" else 0],
            graph(f"counts-{dim}", graphs.counts(d, dim, ctx.lang)),
        )
        for t, dim in zip(tabs, ("source", "kind", "category"), strict=True)
    ]
    return card(
        ctx, "counts", [html.Div(blocks, className="wf-fig-row3"), table_view(ctx, tabs[2])]
    )


def areas(ctx: Ctx, d: Data, bounds: tuple[float, float, float, float]) -> html.Div:
    lang = ctx.lang
    tabs = catalog.tables("areas", d, ctx.label, lang, ctx.tz)
    grid_counts = {r["code"]: r["n"] for r in d["grid"]["rows"]}
    classes = classify(grid_counts)
    base = dict(d["grid"]["rows"][0]["filter"]) if d["grid"]["rows"] else {}
    base.pop("grid", None)
    west, south, east, north = bounds
    the_map = dl.MapContainer(
        id="fig-map",
        bounds=[[south, west], [north, east]],
        attributionControl=False,
        className="wf-fig-map",
        children=[
            dl.GeoJSON(
                id="fig-map-grids",
                url="/api/geo/grid.json",
                style={"variable": "wf.figures.gridStyle"},
                onEachFeature={"variable": "wf.figures.onEachGrid"},
                hideout={
                    "colours": classes.colours,
                    "counts": grid_counts,
                    "link": "/incidents?" + urlencode(base),
                    "lang": lang,
                },
            ),
            dl.GeoJSON(
                url="/api/geo/street.json",
                style={"color": "#9fb0c8", "weight": 2, "fill": False},
                interactive=False,
            ),
        ],
    )
    legend = html.Div(
        [html.Span([html.I(style={"background": c}), t]) for c, t in classes.legend],
        className="wf-fig-legend",
    )
    rankings = [
        block(
            f"{t.title[1 if lang == 'en' else 0]} · {w(which, lang)}",
            graph(f"rank-{level}-{which}", graphs.ranking(d, level, lang, fewest=which == "best")),
        )
        for t, level in zip(tabs, ("street", "community", "grid"), strict=True)
        for which in (("worst", "best") if level != "street" else ("worst",))
    ]
    return card(
        ctx,
        "areas",
        [
            html.Div(
                [block(w("map", lang), html.Div([the_map, legend]), wide=True), *rankings],
                className="wf-fig-row3",
            ),
            table_view(ctx, tabs[0]),
            table_view(ctx, tabs[2]),
        ],
    )


def time(ctx: Ctx, d: Data) -> html.Div:
    lang = ctx.lang
    per = "per_month" if d["trend"]["unit"] == "month" else "per_day"
    return card(
        ctx,
        "time",
        [
            html.Div(
                [
                    block(w("hourly", lang), graph("hourly", graphs.hourly(d, lang))),
                    block(w(per, lang), graph("trend", graphs.trend(d, lang)), wide=True),
                ],
                className="wf-fig-row2",
            )
        ],
    )


def simple(
    ctx: Ctx, section: str, d: Data, charts: list[tuple[str, str, dict[str, Any]]]
) -> html.Div:
    """A card of charts (title, graph key, figure) and then every table of the section."""
    tabs = catalog.tables(section, d, ctx.label, ctx.lang, ctx.tz)
    blocks = [block(title, graph(key, fig)) for title, key, fig in charts]
    body: list[Any] = [html.Div(blocks, className="wf-fig-row2")] if blocks else []
    body.extend(table_view(ctx, t) for t in tabs)
    return card(ctx, section, body)


def render(section: str, ctx: Ctx, d: Data, bounds: tuple[float, float, float, float]) -> html.Div:
    lang = ctx.lang
    if section == "headline":
        return headline(ctx, d)
    if section == "counts":
        return counts(ctx, d)
    if section == "areas":
        return areas(ctx, d, bounds)
    if section == "time":
        return time(ctx, d)
    charts: list[tuple[str, str, dict[str, Any]]] = []
    if section == "compliance":
        charts = [(pick(SECTIONS["compliance"][0], lang), "compliance", graphs.compliance(d, lang))]
    elif section == "satisfaction":
        charts = [(w("distribution", lang), "ratings", graphs.ratings(d, lang))]
    elif section == "sensors":
        charts = [
            (w("alarms_per_day", lang), "alarms", graphs.alarms(d, lang)),
            (w("crowd_peaks", lang), "crowd", graphs.crowd(d, lang)),
        ]
    elif section == "patrols" and len(d["days"]) > 1:
        charts = [
            (
                w("no_patrol", lang) + " · " + w("per_day", lang),
                "patrols",
                graphs.patrol_days(d, lang),
            )
        ]
    return simple(ctx, section, d, charts)
