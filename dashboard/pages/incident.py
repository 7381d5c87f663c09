"""One incident: where, what, who has it, its whole trail and stage clocks, and the actions.

The parts are in dashboard/incident/ (report and map, state, actions)."""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from dashboard import console, ids
from dashboard.incident.actions import action_panel, register
from dashboard.incident.data import load
from dashboard.incident.report import report_part
from dashboard.incident.state import state_part
from dashboard.services import current
from feeds import numbering

dash.register_page(
    __name__, path_template="/incident/<incident_id>", title="watchfloor · 事件 Incident"
)
register()


def layout(incident_id: str = "", **_kw: Any) -> html.Div:
    if not console.can_view():
        return console.forbidden()
    data = load(incident_id[:120], with_map=True)
    if data is None:
        return html.Div(
            [
                console.header(("事件", "Incident")),
                html.P(f"未找到事件 No incident {incident_id}", id="inc-missing"),
            ],
            className="wf-console",
        )
    tz = current().settings.timezone
    acting = console.can_act()
    return html.Div(
        [
            console.header(("事件详情", "Incident")),
            dcc.Store(id=ids.BUMP, data=0),
            dcc.Store(id=ids.INCIDENT, data=incident_id),
            html.Div(
                className="wf-live-scope",
                **{"data-scope": "incident", "data-incident": incident_id},
            ),
            html.H2(
                [
                    html.Span(console.bi(("编号", "No.")), className="wf-inc-no-label"),
                    " ",
                    html.Span(numbering.shown(data["row"]), id="inc-number"),
                ],
                className="wf-inc-id",
            ),
            report_part(data, tz, acting),
            html.Div(
                [
                    html.Div(state_part(data, tz, acting), id=ids.DETAIL, className="wf-detail"),
                    action_panel(data) if acting else None,
                ],
                className="wf-detail-row",
            ),
        ],
        className="wf-console",
    )
