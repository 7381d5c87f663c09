"""What changes as the case moves: state, unit, stage clocks, trail and nearby incidents."""

from __future__ import annotations

import json
from typing import Any

from dash import dcc, html

from dashboard import console, ids
from dashboard.acting import routed_by
from dashboard.incident.report import kv
from feeds import numbering
from feeds.clock import now_ms
from feeds.pipeline import ALLOWED, STAGES
from feeds.sla import stage_colours
from feeds.store import incident_of
from feeds.vocab import ACTIONS, STATES

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


def _detail_text(detail: str, units: dict[str, str], numbers: dict[str, str]) -> str:
    d = json.loads(detail or "{}")
    if d.get("into"):  # another incident, by the number people know it by
        d["into"] = numbers.get(str(d["into"]), d["into"])
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
                    html.Td(_detail_text(t["detail"], unit_names, data["numbers"])),
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
                dcc.Link(numbering.shown(n), href=f"/incident/{n['id']}"),
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
                kv(("状态", "State"), console.lab(STATES, row["state"]), "inc-state"),
                kv(
                    ("处置单位", "Unit"),
                    _unit_text(row["unit"], unit_names, routed_by(data["trail"])),
                    "inc-unit",
                ),
                kv(
                    ("建议单位", "Suggested"),
                    unit_names.get(row["suggested_unit"], "–") if row["suggested_unit"] else "–",
                ),
                kv(
                    ("联动单位", "Joint units"),
                    "、".join(unit_names.get(u, u) for u in joint) or "–",
                ),
                kv(("办结说明", "Resolution"), row["resolution"] or "–"),
                kv(("退回原因", "Rejected because"), row["reject_reason"] or "–"),
                kv(
                    ("合并至", "Merged into"),
                    dcc.Link(
                        data["numbers"].get(row["merged_into"], row["merged_into"]),
                        href=f"/incident/{row['merged_into']}",
                    )
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


def _unit_text(unit: str | None, names: dict[str, str], how: str | None) -> str:
    """Who has it, by name, and whether routing did it already (智能交办) or an officer."""
    if not unit:
        return "–"
    by = {"rule": " · 已智能交办 routed by rule", "hand": " · 人工派遣 routed by hand"}
    return names.get(unit, unit) + by.get(how or "", "")
