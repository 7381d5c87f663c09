"""The wall: the screen a command room leaves running all day.

Everything live is drawn by assets/wall*.js from the /ws/live stream; this module only
lays out the page. URL parameters: lang=en, w=/h= (wall size in pixels, for spliced
walls of any shape), rotate=<seconds> (kiosk rotation of views), view=overview|crowd|
pipeline, layers=cells,heat,incidents,sensors, metric=hour|day; replay=FROM,TO (with
speed=, at=, session=): the wall replays that period instead (assets/replay.js);
render=svg|canvas: how the micro-grid cells are drawn (by default canvas from
dashboard/wall_look.CANVAS_FROM cells on, as an imported district's 10,000 are; SVG
below, each cell its own element).
"""

from __future__ import annotations

import json
from typing import Any

import dash
import dash_leaflet as dl
from dash import html

from dashboard.auth import current_user
from dashboard.i18n import lang_of, table
from dashboard.replay import replay_config
from dashboard.services import current
from dashboard.wall_look import district_name, renderer

dash.register_page(__name__, path="/", title="watchfloor · 指挥中心大屏")

TILES = ("events_today", "open", "late", "crowd_peak", "sensors_online", "satisfaction")
COLUMNS = ("accept", "dispatch", "arrive")
LAYERS = ("cells", "heat", "incidents", "sensors", "fresh")
# building freshness (assets/fresh.js) is drawn on demand: off unless asked for
DEFAULT_LAYERS = ("cells", "heat", "incidents", "sensors")


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


def fresh_legend(t: dict[str, str]) -> html.Div:
    """The freshness layer's key, its counts filled in by assets/fresh.js."""
    return html.Div(
        [
            html.Div(t["fresh_title"], className="wf-legend-title"),
            *(
                html.Div(
                    [
                        html.I(className=f"wf-fresh-{c}"),
                        html.Span(t[f"fresh_{c}"]),
                        html.B("–", id=f"wf-fresh-n-{c}"),
                    ]
                )
                for c in ("green", "yellow", "red")
            ),
        ],
        id="wf-fresh-legend",
        className="wf-fresh-legend",
    )


def _is_kiosk() -> bool:
    user = current_user()
    return user is None or user.role == "wall"


def layout(**query: Any) -> html.Div:
    lang = lang_of(query.get("lang"))
    t = table(lang)
    geo = dash.get_app().server.state.geo
    west, south, east, north = geo.bounds
    asked = str(query.get("layers", ",".join(DEFAULT_LAYERS)))
    layers = [x for x in asked.split(",") if x in LAYERS]
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
        "render": renderer(query.get("render"), geo.cells),
        "district": district_name(geo.district, lang),
        "zones": geo.zone_info,
        "heat": geo.heat_legend,
        "tz": current().settings.timezone,
        # a wall-role screen (kiosk token) may not open incidents: clicks show information in place
        "kiosk": _is_kiosk(),
        "replay": replay_config(query.get("replay"), current().settings.timezone),
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
                *(
                    [html.Div(className="wf-tile-where", id="wf-where-crowd_peak")]
                    if k == "crowd_peak"
                    else []
                ),
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
                        html.Div(
                            [
                                html.Div([html.Span(t[label]), html.B("–", id=f"wf-{x}-{c}")])
                                for label, x in (("on_time", "share"), ("p90", "p90"))
                            ],
                            className="wf-col-figures",
                        ),
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
                            html.Span(t["title"], className="wf-title"),
                            html.Span(t["demo"], className="wf-demo"),
                        ],
                        className="wf-heading",
                    ),
                    # the district is named once, as the first step of the path drilled
                    # down (assets/wall_focus.js redraws it; here so it is there before the script)
                    html.Nav(
                        html.Button(config["district"], className="wf-crumb wf-here"),
                        id="wf-crumbs",
                        className="wf-crumbs",
                    ),
                    html.Div(id="wf-view-name", className="wf-view-name"),
                    # in the header, so it never covers a figure
                    html.Div(t["connecting"], id="wf-banner", className="wf-banner wf-show"),
                    html.Div(
                        [
                            html.Span(id="wf-date", className="wf-date"),
                            html.Span("--:--:--", id="wf-time", className="wf-time"),
                        ],
                        id="wf-clock",
                        className="wf-clock",
                    ),
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
                            fresh_legend(t),
                        ],
                        className="wf-mapbox",
                    ),
                    html.Aside(
                        [
                            html.H2(t["board"], className="wf-board-title"),
                            html.Div(columns, className="wf-board"),
                            # the crowd view's panel: zones against capacity, last hour, when full
                            html.Section(
                                [
                                    html.H2(t["crowd_panel"], className="wf-board-title"),
                                    html.Div(id="wf-crowd-zones", className="wf-crowd-zones"),
                                ],
                                id="wf-crowd-panel",
                                className="wf-crowd-panel",
                            ),
                        ],
                        className="wf-side",
                    ),
                ],
                className="wf-main",
            ),
            html.Div(id="wf-replay", className="wf-replay-bar") if config["replay"] else None,
            html.Div(id="wf-config", **{"data-config": json.dumps(config, ensure_ascii=False)}),
        ],
        id="wf-wall",
        className="wf-wall wf-replay" if config["replay"] else "wf-wall",
        lang="zh-CN" if lang == "zh" else "en",
    )
