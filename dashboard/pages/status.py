"""System status: the feed loop end to end, for whoever runs the system."""

from __future__ import annotations

import json
from typing import Any

import dash
from dash import html

from dashboard import ops
from dashboard.services import current

dash.register_page(__name__, path="/status", title="watchfloor · status")

HEADLINE = [
    ("reports", "今日事件 Events today"),
    ("open", "在办 Open"),
    ("late", "超时 Late now"),
    ("sensors_online", "在线感知设备 Sensors online"),
]


def _table(rows: list[dict[str, Any]], cols: list[str]) -> html.Table:
    return html.Table(
        [html.Tr([html.Th(c) for c in cols])]
        + [html.Tr([html.Td(str(row.get(c, ""))) for c in cols]) for row in rows],
        className="wf-table",
    )


def layout(**_kw: Any) -> html.Div:
    s = current()
    dead = ops.recent_dead_letters(s.redis, s.settings)
    return html.Div(
        [
            html.H1("watchfloor · 系统状态 System status"),
            html.Div(
                [
                    html.Div(
                        [
                            html.Div(
                                "–", className="wf-figure", **{"data-live": f"headline.{key}"}
                            ),
                            html.Div(label, className="wf-label"),
                        ],
                        className="wf-tile",
                    )
                    for key, label in HEADLINE
                ],
                className="wf-tiles",
            ),
            html.Div(id="wf-feed-state", className="wf-feed-state", children="connecting…"),
            html.H2("Streams"),
            _table(ops.stream_status(s.redis, s.settings), ["stream", "length", "pending", "lag"]),
            html.H2("Ingest workers"),
            _table(ops.workers(s.redis, s.settings), ["consumer", "age_s"]),
            html.H2("Recent dead letters"),
            _table(
                [{**d, "fields": json.dumps(d["fields"], ensure_ascii=False)[:160]} for d in dead],
                ["id", "stream", "reason", "fields"],
            ),
        ],
        className="wf-status",
    )
