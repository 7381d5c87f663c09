"""Deadlines of open incidents in SQL: the pending stage's due time, its amber point, the
colour it shows now and the stages done late."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, case, literal, or_

from feeds.pipeline import ACTIVE
from feeds.sla import AMBER_SHARE
from feeds.tables import incidents

Row = dict[str, Any]
SLA_COLOURS = ("red", "amber", "green")

_c = incidents.c
# The deadline of the stage an open incident is waiting for (NULL once it has left the pipeline).
PENDING_DUE = case(
    (_c.state == "reported", _c.due_accept),
    (_c.state == "accepted", _c.due_dispatch),
    (_c.state == "dispatched", _c.due_arrive),
    (_c.state == "on_site", _c.due_resolve),
    else_=None,
)
AMBER_AT = _c.reported_at + (PENDING_DUE - _c.reported_at) * AMBER_SHARE


def sla_colour(row: Row, now: int) -> str | None:
    """The colour of an open incident's pending stage now (None once it left the pipeline)."""
    due = row.get("pending_due")
    if due is None:
        return None
    if due < now:
        return "red"
    amber = row["reported_at"] + (due - row["reported_at"]) * AMBER_SHARE
    return "amber" if amber <= now else "green"


LATE_DONE = {
    "accept": (_c.accepted_at, _c.due_accept),
    "dispatch": (_c.dispatched_at, _c.due_dispatch),
    "arrive": (_c.on_site_at, _c.due_arrive),
    "resolve": (_c.resolved_at, _c.due_resolve),
}


def late_stage(stage: str, now: int) -> ColumnElement[bool]:
    """A stage done after its deadline, or still pending past it (in the pipeline)."""
    done, due = LATE_DONE[stage]
    return or_(
        done > due,
        and_(done.is_(None), due < literal(now), _c.state.in_(sorted(ACTIVE))),
    )
