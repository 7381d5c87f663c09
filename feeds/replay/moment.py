"""Incidents at a moment T from their rows and trail, and the board they make. Pure."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from feeds import constants as K
from feeds.live import BOARD_STAGES, summary
from feeds.pipeline import ALLOWED, IllegalTransition, Incident, apply
from feeds.schemas import Action, InvalidEntry

Row = Mapping[str, Any]
# trail kinds that change an incident's state (the others are records: report, overdue,
# comment, reveal)
_ACTION_OF_KIND = {
    "accept": "accept",
    "dispatch": "dispatch",
    "assign": "dispatch",  # the automatic routing on accept (智能交办)
    "reassign": "reassign",
    "arrive": "arrive",
    "resolve": "resolve",
    "close": "close",
    "rate": "rate",
    "reject": "reject",
    "merge": "merge",
    "escalate": "escalate",
}

STATE_CHANGES = tuple(sorted(_ACTION_OF_KIND))


def action_of(event: Row) -> Action | None:
    """The action a trail entry records, or None for entries that change no state."""
    kind = _ACTION_OF_KIND.get(event["action"])
    if kind is None:
        return None
    d = json.loads(event["detail"] or "{}")
    return Action(
        id=event["event_id"],
        incident=event["incident_id"],
        action=kind,  # type: ignore[arg-type]
        actor=event.get("actor") or "",
        ts=int(event["at"]),
        unit=d.get("unit"),
        units=tuple(d.get("units") or ()),
        note=d.get("note") or "",
        reason=d.get("reason") or "",
        rating=d.get("rating"),
        into=d.get("into"),
    )


def step(inc: Incident, event: Row) -> Incident:
    """The incident after one trail entry; entries its state did not allow change nothing."""
    action = action_of(event)
    if action is None:
        return inc
    try:
        return apply(inc, action)
    except (IllegalTransition, InvalidEntry):
        return inc


def trail_order(event: Row) -> tuple[int, str]:
    return int(event["at"]), str(event["event_id"])


def fold_at(row: Row, events: Iterable[Row], t: int) -> Incident:
    """The incident as it stood at ``t``: its report and every trail entry up to ``t``.

    The same fold as ``pipeline.apply`` entry by entry (a test holds them equal), without
    building an Action and two dataclass copies per entry: a seek folds thousands.
    """
    reported = int(row["reported_at"])
    state = "reported"
    accepted = dispatched = on_site = resolved = closed = None
    unit: str | None = None
    joint: tuple[str, ...] = ()
    for event in sorted(events, key=trail_order):
        when = int(event["at"])
        if when > t:
            break
        kind = _ACTION_OF_KIND.get(event["action"])
        if kind is None or state not in ALLOWED[kind]:
            continue
        at = max(when, reported)
        if kind == "accept":
            state, accepted = "accepted", at
        elif kind == "dispatch":
            state, dispatched = "dispatched", at
            accepted = accepted if accepted is not None else at
            unit = json.loads(event["detail"] or "{}").get("unit")
        elif kind == "reassign":
            state, on_site = "dispatched", None
            unit = json.loads(event["detail"] or "{}").get("unit")
        elif kind == "arrive":
            state, on_site = "on_site", at
        elif kind == "resolve":
            state, resolved = "resolved", at
        elif kind in ("close", "rate"):
            closed = closed if (kind == "rate" and closed is not None) else at
            state = "closed"
        elif kind in ("reject", "merge"):
            state, closed = ("rejected" if kind == "reject" else "merged"), at
        elif kind == "escalate":
            units = json.loads(event["detail"] or "{}").get("units") or ()
            joint = tuple(dict.fromkeys(joint + tuple(units)))
    return Incident(
        id=row["id"],
        reported_at=reported,
        state=state,  # type: ignore[arg-type]
        accepted_at=accepted,
        dispatched_at=dispatched,
        on_site_at=on_site,
        resolved_at=resolved,
        closed_at=closed,
        unit=unit,
        joint_units=joint,
    )


def from_stages(row: Row, escalations: Sequence[Row], t: int) -> Incident:
    """An open incident at ``t`` from its row's stage times, for one never reassigned (its
    stage times and unit were set once); ``escalations`` are its escalate entries."""
    accepted, dispatched, on_site = row["accepted_at"], row["dispatched_at"], row["on_site_at"]
    if on_site is not None and on_site <= t:
        state = "on_site"
    elif dispatched is not None and dispatched <= t:
        state = "dispatched"
    elif accepted is not None and accepted <= t:
        state = "accepted"
    else:
        state = "reported"
    joint: tuple[str, ...] = ()
    for event in sorted(escalations, key=trail_order) if escalations else ():
        if event["at"] <= t:
            units = json.loads(event["detail"] or "{}").get("units") or ()
            joint = tuple(dict.fromkeys(joint + tuple(units)))
    return Incident(
        id=row["id"],
        reported_at=int(row["reported_at"]),
        state=state,  # type: ignore[arg-type]
        accepted_at=accepted if accepted is not None and accepted <= t else None,
        dispatched_at=dispatched if state in ("dispatched", "on_site") else None,
        on_site_at=on_site if state == "on_site" else None,
        unit=row["unit"] if state in ("dispatched", "on_site") else None,
        joint_units=joint,
    )


def row_at(row: Row, inc: Incident) -> dict[str, Any]:
    """The incident's row with the state, unit and stage times it had at the moment."""
    return {
        **row,
        "state": inc.state,
        "unit": inc.unit,
        "joint_units": json.dumps(list(inc.joint_units), ensure_ascii=False)
        if inc.joint_units
        else "[]",
        "accepted_at": inc.accepted_at,
        "dispatched_at": inc.dispatched_at,
        "on_site_at": inc.on_site_at,
        "resolved_at": inc.resolved_at,
        "closed_at": inc.closed_at,
    }


def summary_at(row: Row, inc: Incident) -> dict[str, Any]:
    """The wall's summary of the incident as it stood: ``feeds.live.summary`` of its row at
    the moment (a test holds them equal), without copying the row first."""
    return summary(row, inc.state)


def board(items: Iterable[Mapping[str, Any]], t: int) -> dict[str, Any]:
    """The 1/3/5 board at ``t`` from the open incidents' wall summaries (Live.board's shape)."""
    by_stage: dict[str, list[Mapping[str, Any]]] = {s: [] for s in BOARD_STAGES}
    for item in items:
        if item["stage"] in by_stage:
            by_stage[item["stage"]].append(item)
    out: dict[str, Any] = {}
    for stage, members in by_stage.items():
        members.sort(key=lambda i: (i["due"], i["id"]))
        red = sum(1 for i in members if i["due"] <= t)
        amber_or_red = sum(1 for i in members if i["amber"] <= t)
        out[stage] = {
            "n": len(members),
            "red": red,
            "amber": amber_or_red - red,
            "green": len(members) - amber_or_red,
            "oldest": [dict(i) for i in members[: K.BOARD_OLDEST]],
        }
    return out


def late(items: Iterable[Mapping[str, Any]], t: int) -> int:
    return sum(1 for i in items if i["due"] is not None and i["due"] <= t)


_STAGE_TIMES = ("accepted_at", "dispatched_at", "on_site_at", "resolved_at", "closed_at")


def masked(row: Row, t: int) -> Row:
    """A day row for compliance as it stood at ``t``: later stage times are not known yet.
    The row itself when nothing in it is later (most of a day's rows: no copy)."""
    later = [col for col in _STAGE_TIMES if row[col] is not None and row[col] > t]
    if not later and not (row["state"] in ("rejected", "merged") and row["closed_at"] is None):
        return row
    out = dict(row)
    for col in later:
        out[col] = None
    if out["state"] in ("rejected", "merged") and out["closed_at"] is None:
        out["state"] = "reported"
    return out
