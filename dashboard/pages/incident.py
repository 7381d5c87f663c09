"""One incident: where, what, who has it, its whole trail and stage clocks, and the actions."""

from __future__ import annotations

import json
from typing import Any

import dash
import dash_leaflet as dl
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import console, ids
from dashboard.auth import ACT, VIEW, require
from dashboard.services import current
from feeds import producer, queries, store
from feeds.clock import now_ms
from feeds.pipeline import ALLOWED, STAGES
from feeds.schemas import InvalidEntry
from feeds.sla import stage_colours
from feeds.store import incident_of
from feeds.vocab import ACTIONS, CATEGORIES, PRIORITIES, REPORT_KINDS, SOURCES, STATES

dash.register_page(
    __name__, path_template="/incident/<incident_id>", title="watchfloor · 事件 Incident"
)

STAGE_LABELS = {
    "accept": ("受理", "Accept"),
    "dispatch": ("派遣", "Dispatch"),
    "arrive": ("到场", "On site"),
    "resolve": ("办结", "Resolve"),
}
DONE_COLUMN = {
    "accept": "accepted_at",
    "dispatch": "dispatched_at",
    "arrive": "on_site_at",
    "resolve": "resolved_at",
}
# The buttons, in the order a case moves; "dispatch" becomes a reassign once someone has it.
BUTTONS = ("accept", "dispatch", "arrive", "resolve", "close", "reject", "escalate", "comment")
# states a button is live in: the actions it may send (dispatch also covers reassign)
_LIVE = {a: ALLOWED[a] for a in BUTTONS} | {"dispatch": ALLOWED["dispatch"] | ALLOWED["reassign"]}
ALL_BUTTONS = (*BUTTONS, "merge")


def _load(iid: str) -> dict[str, Any] | None:
    s = current()
    with s.engine.connect() as conn:
        row = queries.incident(conn, iid)
        if row is None:
            return None
        return {
            "row": row,
            "trail": store.trail(conn, iid),
            "nearby": queries.nearby(conn, row),
            "units": queries.unit_rows(conn),
            "names": queries.area_names(
                conn, [row["street"], row["community"], row["grid"], row["micro_grid"]]
            ),
            "cell": queries.area_geometry(conn, row["micro_grid"]) if row["micro_grid"] else None,
        }


def _kv(label: tuple[str, str], value: Any, vid: str | None = None) -> html.Div:
    kw = {"id": vid} if vid else {}
    return html.Div([html.Dt(console.bi(label)), html.Dd(value, **kw)], className="wf-kv")


def report_part(data: dict[str, Any], tz: str, acting: bool) -> html.Div:
    """What was reported: never changes, so it is drawn once."""
    row, names = data["row"], data["names"]
    photos = json.loads(row["photos"] or "[]")
    where = " / ".join(
        names.get(c, c)
        for c in (row["street"], row["community"], row["grid"], row["micro_grid"])
        if c
    )
    contact: list[Any] = [html.Span(console.mask_phone(row["contact"]), id=ids.CONTACT)]
    if acting and row["contact"]:
        contact.append(
            html.Button("查看 Reveal", id=ids.ACT_REVEAL, className="wf-btn wf-btn-small")
        )
    media: list[Any] = [
        html.A(
            html.Img(src=f"/media/{p}", className="wf-thumb", alt=p),
            href=f"/media/{p}",
            target="_blank",
            className="wf-thumb-link",
        )
        for p in photos
    ]
    if row["voice"]:
        media.append(html.Audio(src=f"/media/{row['voice']}", controls=True, className="wf-voice"))
    markers = []
    if row["lon"] is not None and row["lat"] is not None:
        markers.append(
            console.marker(
                row, queries.sla_colour(row, now_ms()), console.lab(CATEGORIES, row["category"])
            )
        )
    extra = (
        [
            dl.GeoJSON(
                data={"type": "Feature", "geometry": json.loads(data["cell"]), "properties": {}},
                style={"color": "#f5a623", "weight": 2, "fillOpacity": 0.15},
            )
        ]
        if data["cell"]
        else []
    )
    centre = (row["lat"], row["lon"]) if row["lat"] is not None else (30.2, 120.2)
    return html.Div(
        [
            html.Div(
                [
                    html.Dl(
                        [
                            _kv(("分类", "Category"), console.lab(CATEGORIES, row["category"])),
                            _kv(("优先级", "Priority"), console.lab(PRIORITIES, row["priority"])),
                            _kv(
                                ("来源", "Source"),
                                f"{console.lab(SOURCES, row['source'])} · "
                                f"{console.lab(REPORT_KINDS, row['kind'])}",
                            ),
                            _kv(("上报时间", "Reported"), console.when(row["reported_at"], tz)),
                            _kv(("位置", "Where"), where or "–"),
                            _kv(("地址码", "Address code"), row["address"] or "–"),
                            _kv(("上报人", "Reporter"), row["reporter"] or "–"),
                            _kv(("联系电话", "Phone"), contact),
                        ],
                        className="wf-kvs",
                    ),
                    html.H2(console.bi(("内容", "What was reported"))),
                    html.P(row["text"] or "–", className="wf-report-text", id="inc-text"),
                    html.Div(media, className="wf-media") if media else None,
                ],
                className="wf-report",
            ),
            html.Div(
                console.small_map("inc-map", markers, centre, zoom=16, extra=extra),
                className="wf-inc-map",
            ),
        ],
        className="wf-report-row",
    )


def _detail_text(detail: str, units: dict[str, str]) -> str:
    d = json.loads(detail or "{}")
    parts = []
    if d.get("unit"):
        parts.append(units.get(d["unit"], d["unit"]))
    if d.get("units"):
        parts.append("、".join(units.get(u, u) for u in d["units"]))
    for key in ("note", "reason", "into", "stage", "suggested_unit"):
        if d.get(key):
            parts.append(units.get(str(d[key]), str(d[key])))
    if d.get("rating"):
        parts.append("★" * int(d["rating"]))
    return " · ".join(parts)


def _head(*labels: tuple[str, str]) -> html.Thead:
    return html.Thead(html.Tr([html.Th(console.bi(label)) for label in labels]))


def state_part(data: dict[str, Any], tz: str, acting: bool) -> list[Any]:
    """What changes as the case moves: redrawn whenever the worker applies something to it."""
    row, now = data["row"], now_ms()
    unit_names = {u["id"]: u["name"] for u in data["units"]}
    due = {s: row[f"due_{s}"] for s in STAGES}
    colours = stage_colours(incident_of(row), due, now)
    stages = html.Table(
        [_head(("环节", "Stage"), ("时限", "Due"), ("完成", "Done"), ("用时", "Took"))]
        + [
            html.Tr(
                [
                    html.Td(console.bi(STAGE_LABELS[s])),
                    html.Td(console.when(due[s], tz)),
                    html.Td(console.when(row[DONE_COLUMN[s]], tz)),
                    html.Td(
                        console.duration(row[DONE_COLUMN[s]] - row["reported_at"])
                        if row[DONE_COLUMN[s]]
                        else "–"
                    ),
                ],
                className=f"wf-stage wf-sla-row-{colours[s] or 'none'}",
                **{"data-stage": s, "data-colour": colours[s] or ""},
            )
            for s in STAGES
        ],
        className="wf-table wf-stages",
    )
    trail = html.Table(
        [_head(("时间", "When"), ("动作", "Action"), ("操作人", "Who"), ("详情", "Detail"))]
        + [
            html.Tr(
                [
                    html.Td(console.when(t["at"], tz)),
                    html.Td(console.lab(ACTIONS, t["action"])),
                    html.Td(t["actor"]),
                    html.Td(_detail_text(t["detail"], unit_names)),
                ],
                className="wf-trail-row",
                **{"data-action": t["action"]},
            )
            for t in data["trail"]
        ],
        className="wf-table wf-trail",
        id="inc-trail",
    )
    can_merge = acting and row["state"] in ALLOWED["merge"]
    nearby = [
        html.Li(
            [
                dcc.Link(n["id"], href=f"/incident/{n['id']}"),
                f" · {console.lab(STATES, n['state'])} · {console.when(n['reported_at'], tz)} · ",
                html.Span(n["text"][:60]),
                html.Button(
                    console.bi(("合并至此", "Merge into this")),
                    id=ids.merge_button(n["id"]),
                    className="wf-btn wf-btn-small wf-merge-into",
                    **{"data-into": n["id"]},
                )
                if can_merge
                else None,
            ],
            **{"data-id": n["id"]},
        )
        for n in data["nearby"]
    ]
    joint = json.loads(row["joint_units"] or "[]")
    return [
        html.Dl(
            [
                _kv(("状态", "State"), console.lab(STATES, row["state"]), "inc-state"),
                _kv(
                    ("处置单位", "Unit"),
                    unit_names.get(row["unit"], row["unit"]) if row["unit"] else "–",
                    "inc-unit",
                ),
                _kv(
                    ("建议单位", "Suggested"),
                    unit_names.get(row["suggested_unit"], "–") if row["suggested_unit"] else "–",
                ),
                _kv(
                    ("联动单位", "Joint units"),
                    "、".join(unit_names.get(u, u) for u in joint) or "–",
                ),
                _kv(("办结说明", "Resolution"), row["resolution"] or "–"),
                _kv(("退回原因", "Rejected because"), row["reject_reason"] or "–"),
                _kv(
                    ("合并至", "Merged into"),
                    dcc.Link(row["merged_into"], href=f"/incident/{row['merged_into']}")
                    if row["merged_into"]
                    else "–",
                ),
            ],
            className="wf-kvs",
        ),
        html.H2(console.bi(("环节时限", "Stages"))),
        stages,
        html.H2(console.bi(("全过程留痕", "Trail"))),
        trail,
        html.H2(console.bi(("附近同类事件（6小时内）", "Same kind nearby, last 6 hours"))),
        html.Ul(nearby, className="wf-nearby")
        if nearby
        else html.P("无 None", className="wf-muted"),
    ]


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
                        console.bi(ACTIONS[a]),
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
                        id=ids.ACT_INTO, placeholder="合并至编号 merge into (id)", maxLength=80
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


def layout(incident_id: str = "", **_kw: Any) -> html.Div:
    if not console.can_view():
        return console.forbidden()
    data = _load(incident_id[:120])
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
            html.H2(incident_id, className="wf-inc-id"),
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


@callback(  # type: ignore[untyped-decorator]
    Output(ids.DETAIL, "children"),
    Input(ids.BUMP, "data"),
    State(ids.INCIDENT, "data"),
    prevent_initial_call=True,
)
def redraw(_bump: Any, iid: str) -> list[Any]:
    require(*VIEW)
    data = _load(iid)
    if data is None:
        raise PreventUpdate
    return state_part(data, current().settings.timezone, console.can_act())


@callback(  # type: ignore[untyped-decorator]
    [Output(ids.act_button(a), "disabled") for a in (*BUTTONS, "merge")],
    Input(ids.BUMP, "data"),
    State(ids.INCIDENT, "data"),
    prevent_initial_call=True,
)
def live_buttons(_bump: Any, iid: str) -> list[bool]:
    """Keep the buttons to what the incident's state allows as it moves (officers only)."""
    require(*ACT)
    data = _load(iid)
    if data is None:
        raise PreventUpdate
    state = data["row"]["state"]
    return [state not in _LIVE[a] for a in BUTTONS] + [state not in ALLOWED["merge"]]


def _fields(
    kind: str,
    state: str,
    unit: str | None,
    units: list[str] | None,
    note: str | None,
    reason: str | None,
    into: str | None,
) -> tuple[str, dict[str, Any]]:
    """The action to send for a button and what it needs from the form."""
    note = (note or "").strip()
    match kind:
        case "dispatch":
            return ("reassign" if state in ("dispatched", "on_site") else "dispatch"), {
                "unit": unit
            }
        case "escalate":
            return kind, {"units": tuple(units or ()), "note": note}
        case "reject":
            return kind, {"reason": (reason or "").strip()}
        case "merge":
            return kind, {"into": (into or "").strip() or None}
        case "resolve" | "comment" | "close" | "arrive" | "accept":
            return kind, {"note": note}
    raise PreventUpdate


@callback(  # type: ignore[untyped-decorator]
    Output(ids.ACT_RESULT, "children"),
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
)
def act(
    clicks: list[int | None],
    merges: list[int | None],
    iid: str,
    unit: str | None,
    units: list[str] | None,
    note: str | None,
    reason: str | None,
    into: str | None,
) -> str:
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
    if row is None:
        return "未找到事件 No such incident"
    kind, fields = _fields(button, row["state"], unit, units, note, reason, into)
    label = ACTIONS[kind]
    if row["state"] not in ALLOWED[kind]:
        return (
            f"当前状态不能{label[0]} · cannot {label[1].lower()} an incident that is {row['state']}"
        )
    try:
        action = producer.action(iid, kind, user.display_name, **fields)
    except InvalidEntry as exc:
        return f"无法{label[0]} · cannot {label[1].lower()}: {exc}"
    producer.send_action(s.redis, s.settings, action)
    return f"已提交：{label[0]} · sent: {label[1]} ({action.id})"


@callback(  # type: ignore[untyped-decorator]
    Output(ids.CONTACT, "children"),
    Input(ids.ACT_REVEAL, "n_clicks"),
    State(ids.INCIDENT, "data"),
    prevent_initial_call=True,
)
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
