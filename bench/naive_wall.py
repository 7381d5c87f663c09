"""The naive Dash way, for comparison only: dcc.Interval every second re-sends the whole
figure (a Plotly choropleth map of every micro-grid plus the incident markers).

    python -m bench.naive_wall   (REDIS_URL, DATABASE_URL, PORT from the environment)
"""

from __future__ import annotations

import json
from typing import Any

import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html

from feeds import store
from feeds.clock import now_ms
from feeds.connections import redis_client
from feeds.live import Live
from feeds.settings import Settings
from layers.geojson import feature_collection


def offline_style(port: int) -> dict[str, Any]:
    """A map style with no remote sources: nothing leaves the machine (glyphs are local)."""
    return {
        "version": 8,
        "glyphs": f"http://127.0.0.1:{port}/glyphs/{{fontstack}}/{{range}}.pbf",
        "sources": {},
        "layers": [{"id": "bg", "type": "background", "paint": {"background-color": "#0a1426"}}],
    }


SLA = {"green": "#2ecc71", "amber": "#f5b041", "red": "#ff4d4f"}


def create(settings: Settings) -> Dash:
    live = Live(redis_client(settings.redis_url or ""), settings)
    with store.make_engine(settings).connect() as conn:
        rows = store.areas_of_level(conn, "micro_grid")
    codes = [r["code"] for r in rows]
    geojson = json.loads(feature_collection((r["geometry"], {"code": r["code"]}) for r in rows))
    lon = sum(r["lon"] for r in rows) / len(rows)
    lat = sum(r["lat"] for r in rows) / len(rows)

    app = Dash(__name__)
    app.layout = html.Div(
        [
            dcc.Graph(id="map", style={"height": "90vh"}),
            html.Div(id="ids", style={"display": "none"}),
            dcc.Interval(id="tick", interval=1000),
        ]
    )

    @app.callback(Output("map", "figure"), Output("ids", "children"), Input("tick", "n_intervals"))
    def refresh(_n: Any) -> tuple[go.Figure, str]:
        now = now_ms()
        snap = live.snapshot(now)
        grids = snap["grids"]
        incidents = list(snap["incidents"].values())

        def colour(i: dict[str, Any]) -> str:
            return (
                SLA["red"]
                if i["due"] and now >= i["due"]
                else SLA["amber"]
                if i["amber"] and now >= i["amber"]
                else SLA["green"]
            )

        fig = go.Figure(
            [
                go.Choroplethmap(
                    geojson=geojson,
                    locations=codes,
                    featureidkey="properties.code",
                    z=[grids.get(c, [0, 0])[0] for c in codes],
                    colorscale="YlOrRd",
                    marker_line_width=0.3,
                    showscale=False,
                ),
                go.Scattermap(
                    lon=[i["lon"] for i in incidents],
                    lat=[i["lat"] for i in incidents],
                    mode="markers",
                    marker={"size": 10, "color": [colour(i) for i in incidents]},
                ),
            ]
        )
        fig.update_layout(
            map={
                "style": offline_style(settings.port),
                "center": {"lon": lon, "lat": lat},
                "zoom": 11.5,
            },
            margin={"l": 0, "r": 0, "t": 0, "b": 0},
            paper_bgcolor="#0b1220",
        )
        ids = " ".join(i["id"] for i in incidents if i["id"].startswith("probe-"))
        return fig, ids

    return app


def main() -> None:
    settings = Settings.from_env()
    create(settings).run(host="127.0.0.1", port=settings.port, debug=False)


if __name__ == "__main__":
    main()
