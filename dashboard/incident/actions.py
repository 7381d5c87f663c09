"""The officer's actions on one incident: the panel, its buttons kept to what the state
allows, sending the action, revealing the phone number, redrawing on a live delta."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import console, ids
from dashboard.acting import ROUTED, Refused, fields_for
from dashboard.auth import ACT, VIEW, require
from dashboard.incident.data import load
from dashboard.incident.state import state_part
from dashboard.services import current
from feeds import numbering, producer, queries
from feeds.pipeline import ALLOWED
from feeds.schemas import InvalidEntry
from feeds.vocab import ACTIONS

# The buttons, in the order a case moves; "dispatch" becomes a reassign once someone has it.
BUTTONS = ("accept", "dispatch", "arrive", "resolve", "close", "reject", "escalate", "comment")
# states a button is live in: the actions it may send (dispatch also covers reassign)
_LIVE = {a: ALLOWED[a] for a in BUTTONS} | {"dispatch": ALLOWED["dispatch"] | ALLOWED["reassign"]}
ALL_BUTTONS = (*BUTTONS, "merge")


def action_panel(data: dict[str, Any]) -> html.Div:
    row = data["row"]
    suggested = row["suggested_unit"]
    units = sorted(data["units"], key=lambda u: (u["id"] != suggested, u["id"]))
    options = [
        {
            "label": ("★ 建议 " if u["id"] == suggested else "") + f"{u['name']} ({u['id']})",
            "value": u["id"],
        }
        for u in units
    ]
    return html.Div(
        [
            html.H2(console.bi(("处置", "Act"))),
            html.Label(
                [
                    console.bi(("派遣单位", "Unit to route to")),
                    dcc.Dropdown(
                        id=ids.ACT_UNIT, options=options, value=suggested or None, clearable=False
                    ),
                ],
                className="wf-field",
            ),
            html.Label(
                [
                    console.bi(("联动单位", "Joint units")),
                    dcc.Dropdown(id=ids.ACT_UNITS, options=options, multi=True),
                ],
                className="wf-field",
            ),
            html.Label(
                [
                    console.bi(("说明 / 备注", "Note or comment")),
                    dcc.Textarea(id=ids.ACT_NOTE, maxLength=2000),
                ],
                className="wf-field",
            ),
            html.Label(
                [
                    console.bi(("退回原因", "Reason to reject")),
                    dcc.Input(id=ids.ACT_REASON, maxLength=200),
                ],
                className="wf-field",
            ),
            html.Div(
                [
                    html.Button(
                        _dispatch_label(row["state"])
                        if a == "dispatch"
                        else console.bi(ACTIONS[a]),
                        id=ids.act_button(a),
                        className=f"wf-btn wf-act-{a}",
                        # only what the state machine allows now; the worker would refuse the rest
                        disabled=row["state"] not in _LIVE[a],
                    )
                    for a in BUTTONS
                ],
                className="wf-buttons",
            ),
            html.Div(
                [
                    dcc.Input(
                        id=ids.ACT_INTO, placeholder="合并至编号 merge into (No.)", maxLength=80
                    ),
                    html.Button(
                        console.bi(ACTIONS["merge"]),
                        id=ids.act_button("merge"),
                        className="wf-btn wf-act-merge",
                        disabled=row["state"] not in ALLOWED["merge"],
                    ),
                ],
                className="wf-merge",
            ),
            html.Div(id=ids.ACT_RESULT, className="wf-act-result", role="status"),
        ],
        className="wf-actions",
    )


def redraw(_bump: Any, iid: str) -> list[Any]:
    require(*VIEW)
    data = load(iid)
    if data is None:
        raise PreventUpdate
    return state_part(data, current().settings.timezone, console.can_act())


def live_buttons(_bump: Any, iid: str) -> tuple[Any, ...]:
    """Keep the buttons to what the incident's state allows as it moves (officers only)."""
    require(*ACT)
    data = load(iid)
    if data is None:
        raise PreventUpdate
    state = data["row"]["state"]
    return (
        *[state not in _LIVE[a] for a in BUTTONS],
        state not in ALLOWED["merge"],
        _dispatch_label(state),
    )


def _dispatch_label(state: str) -> html.Span:
    """Dispatch says what it will do: once routed, it reassigns."""
    return console.bi(ACTIONS["reassign" if state in ROUTED else "dispatch"])


def act(
    clicks: list[int | None],
    merges: list[int | None],
    iid: str,
    unit: str | None,
    units: list[str] | None,
    note: str | None,
    reason: str | None,
    into: str | None,
) -> tuple[str, Any]:
    """Send the button's action; the note box is emptied once it is sent, so a note written
    for one step is never carried onto the next."""
    user = require(*ACT)
    trig = ctx.triggered_id
    # Buttons drawn afresh (a redraw of the nearby list) trigger with no clicks: not a press.
    if not trig or not ctx.triggered[0]["value"]:
        raise PreventUpdate
    if isinstance(trig, dict):  # a nearby incident's own merge button
        button, into = "merge", str(trig["into"])
    else:
        button = str(trig).removeprefix("act-")
    s = current()
    with s.engine.connect() as conn:
        row = queries.incident(conn, iid)
        names = {u["id"]: u["name"] for u in queries.unit_rows(conn)} if row else {}
        if into and into.strip():  # typed by its short number (or its id)
            into = numbering.id_of(conn, into) or into
    if row is None:
        return "未找到事件 No such incident", no_update
    try:
        kind, fields = fields_for(button, row, unit, units, note, reason, into, names)
    except Refused as exc:
        return str(exc), no_update  # the note stays: the officer fixes the form
    label = ACTIONS[kind]
    if row["state"] not in ALLOWED[kind]:
        return (
            f"当前状态不能{label[0]} · cannot {label[1].lower()} an incident that is {row['state']}"
        ), no_update
    try:
        action = producer.action(iid, kind, user.display_name, **fields)
    except InvalidEntry as exc:
        return f"无法{label[0]} · cannot {label[1].lower()}: {exc}", no_update
    producer.send_action(s.redis, s.settings, action)
    return f"已提交：{label[0]} · sent: {label[1]}", ""


def reveal(n: int | None, iid: str) -> str:
    user = require(*ACT)
    if not n:
        raise PreventUpdate
    s = current()
    with s.engine.connect() as conn:
        row = queries.incident(conn, iid)
    if row is None or not row["contact"]:
        raise PreventUpdate
    # Recorded in the trail by the worker: every look at personal data leaves a trace.
    producer.send_action(
        s.redis, s.settings, producer.action(iid, "reveal", user.display_name, note="contact")
    )
    return str(row["contact"])


def register() -> None:
    """Attach the callbacks. Called by the page module each time Dash loads it: Dash loads
    a page afresh for every app it makes (tests make several), and a callback registered
    once at this module's import would reach only the first."""
    callback(
        Output(ids.DETAIL, "children"),
        Input(ids.BUMP, "data"),
        State(ids.INCIDENT, "data"),
        prevent_initial_call=True,
    )(redraw)
    callback(
        [Output(ids.act_button(a), "disabled") for a in (*BUTTONS, "merge")],
        Output(ids.act_button("dispatch"), "children"),
        Input(ids.BUMP, "data"),
        State(ids.INCIDENT, "data"),
        prevent_initial_call=True,
    )(live_buttons)
    callback(
        Output(ids.ACT_RESULT, "children"),
        Output(ids.ACT_NOTE, "value"),
        inputs={
            "clicks": [Input(ids.act_button(a), "n_clicks") for a in ALL_BUTTONS],
            "merges": Input(ids.merge_button(ALL), "n_clicks"),
        },
        state={
            "iid": State(ids.INCIDENT, "data"),
            "unit": State(ids.ACT_UNIT, "value"),
            "units": State(ids.ACT_UNITS, "value"),
            "note": State(ids.ACT_NOTE, "value"),
            "reason": State(ids.ACT_REASON, "value"),
            "into": State(ids.ACT_INTO, "value"),
        },
        prevent_initial_call=True,
    )(act)
    callback(
        Output(ids.CONTACT, "children"),
        Input(ids.ACT_REVEAL, "n_clicks"),
        State(ids.INCIDENT, "data"),
        prevent_initial_call=True,
    )(reveal)
