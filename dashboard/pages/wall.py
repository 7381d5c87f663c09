"""The wall: the screen a command room leaves running all day.

Everything live is drawn by assets/wall.js from the /ws/live stream; this module only
lays out the page. URL parameters: lang=en, w=/h= (wall size in pixels, for spliced
walls of any shape), rotate=<seconds> (kiosk rotation of views), view=overview|crowd|
pipeline, layers=cells,heat,incidents,sensors, metric=hour|day.
"""

from __future__ import annotations

import json
from typing import Any

import dash
import dash_leaflet as dl
from dash import html

from dashboard.i18n import lang_of, table
from dashboard.services import current

dash.register_page(__name__, path="/", title="watchfloor · 指挥中心大屏")

TILES = ("events_today", "open", "late", "crowd_peak", "sensors_online", "satisfaction")
COLUMNS = ("accept", "dispatch", "arrive")
LAYERS = ("cells", "heat", "incidents", "sensors")


def _int(value: Any, low: int, high: int) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if low <= n <= high else None


def _geo(layer: str, **kw: Any) -> dl.GeoJSON:
    return dl.GeoJSON(id=f"wf-geo-{layer}", url=f"/api/geo/{layer}.json", **kw)


def _fn(name: str) -> dict[str, str]:
    return {"variable": f"wf.wall.{name}"}


def layout(**query: Any) -> html.Div:
    lang = lang_of(query.get("lang"))
    t = table(lang)
    geo = dash.get_app().server.state.geo
    west, south, east, north = geo.bounds
    layers = [x for x in str(query.get("layers", ",".join(LAYERS))).split(",") if x in LAYERS]
    config = {
        "lang": lang,
        "t": t,
        "bounds": [[south, west], [north, east]],
        "width": _int(query.get("w"), 320, 20000),
        "height": _int(query.get("h"), 240, 20000),
        "rotate": _int(query.get("rotate"), 5, 3600),
        "view": query.get("view")
        if query.get("view") in ("overview", "crowd", "pipeline")
        else None,
        "layers": layers,
        "metric": "day" if query.get("metric") == "day" else "hour",
        "zones": geo.zone_info,
        "tz": current().settings.timezone,
    }
    heat_url = "/api/heat.png?seq=0"
    the_map = dl.MapContainer(
        id="wf-map",
        center=[(south + north) / 2, (west + east) / 2],
        zoom=13,
        zoomSnap=0.25,
        zoomControl=False,
        attributionControl=False,
        preferCanvas=False,
        className="wf-map",
        children=[
            _geo("water", style=_fn("waterStyle"), interactive=False),
            _geo("micro_grid", style=_fn("cellStyle"), onEachFeature=_fn("onEachCell")),
            *(
                _geo(
                    level,
                    style=_fn(f"{level}Style"),
                    onEachFeature=_fn("onEachArea"),
                    interactive=False,
                )
                for level in ("grid", "community", "street", "district")
            ),
            _geo(
                "zones", style=_fn("zoneStyle"), onEachFeature=_fn("onEachZone"), interactive=False
            ),
            dl.ImageOverlay(
                id="wf-heat",
                url=heat_url,
                bounds=[[south, west], [north, east]],
                opacity=0.85,
                interactive=False,
                className="wf-heat",
            ),
        ],
    )
    tiles = [
        html.Div(
            [
                html.Div("–", className="wf-tile-value", id=f"wf-tile-{k}"),
                html.Div(t[k], className="wf-tile-label", id=f"wf-label-{k}"),
            ],
            className=f"wf-tile wf-tile-{k}",
        )
        for k in TILES
    ]
    columns = [
        html.Div(
            [
                html.Div(t[c], className="wf-col-title"),
                html.Div(
                    [
                        html.Span("–", className="wf-col-n", id=f"wf-n-{c}"),
                        html.Span(t["waiting"], className="wf-col-unit"),
                    ],
                    className="wf-col-count",
                ),
                html.Div(
                    [
                        html.Span(className=f"wf-bar-{x}", id=f"wf-bar-{c}-{x}")
                        for x in ("green", "amber", "red")
                    ],
                    className="wf-bar",
                ),
                html.Div(
                    [
                        html.Div([html.Span(t["on_time"]), html.B("–", id=f"wf-share-{c}")]),
                        html.Div([html.Span(t["p90"]), html.B("–", id=f"wf-p90-{c}")]),
                    ],
                    className="wf-col-figures",
                ),
                html.Ol(id=f"wf-oldest-{c}", className="wf-oldest"),
            ],
            className="wf-col",
            id=f"wf-col-{c}",
        )
        for c in COLUMNS
    ]
    toggles = [
        html.Button(
            t[f"layer_{x}"],
            className="wf-toggle" + (" wf-on" if x in layers else ""),
            **{"data-layer": x},
        )
        for x in LAYERS
    ]
    return html.Div(
        [
            html.Header(
                [
                    html.Div(
                        [
                            html.Span(
                                "滨江区" if lang == "zh" else "Binjiang", className="wf-district"
                            ),
                            html.Span(t["title"], className="wf-title"),
                            html.Span(t["demo"], className="wf-demo"),
                        ],
                        className="wf-heading",
                    ),
                    html.Nav(id="wf-crumbs", className="wf-crumbs"),
                    html.Div(id="wf-view-name", className="wf-view-name"),
                    html.Div("--:--:--", id="wf-clock", className="wf-clock"),
                ],
                className="wf-header",
            ),
            html.Section(tiles, className="wf-tiles"),
            html.Main(
                [
                    html.Div(
                        [
                            the_map,
                            html.Div(id="wf-legend", className="wf-legend"),
                            html.Div(toggles, className="wf-toggles"),
                        ],
                        className="wf-mapbox",
                    ),
                    html.Aside(
                        [
                            html.H2(t["board"], className="wf-board-title"),
                            html.Div(columns, className="wf-board"),
                        ],
                        className="wf-side",
                    ),
                ],
                className="wf-main",
            ),
            html.Div(t["connecting"], id="wf-banner", className="wf-banner wf-show"),
            html.Div(id="wf-config", **{"data-config": json.dumps(config, ensure_ascii=False)}),
        ],
        id="wf-wall",
        className="wf-wall",
        lang="zh-CN" if lang == "zh" else "en",
    )
