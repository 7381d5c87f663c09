"""The incident pipeline: a pure state machine folded from events.

reported -> accepted -> dispatched -> on_site -> resolved -> closed,
plus rejected and merged. An incident's state is the fold of its report and
the actions on it; ``apply`` is the only way state changes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from feeds.schemas import Action, InvalidEntry

State = Literal[
    "reported", "accepted", "dispatched", "on_site", "resolved", "closed", "rejected", "merged"
]
Stage = Literal["accept", "dispatch", "arrive", "resolve"]

STAGES: tuple[Stage, ...] = ("accept", "dispatch", "arrive", "resolve")
ACTIVE: frozenset[str] = frozenset({"reported", "accepted", "dispatched", "on_site"})
FINAL: frozenset[str] = frozenset({"closed", "rejected", "merged"})
ALL_STATES: frozenset[str] = ACTIVE | FINAL | {"resolved"}

# Which milestone an incident in a state is waiting for.
PENDING: dict[str, Stage] = {
    "reported": "accept",
    "accepted": "dispatch",
    "dispatched": "arrive",
    "on_site": "resolve",
}


class IllegalTransition(InvalidEntry):
    """An action that the incident's current state does not allow."""


@dataclass(frozen=True)
class Incident:
    id: str
    reported_at: int
    state: State = "reported"
    accepted_at: int | None = None
    dispatched_at: int | None = None
    on_site_at: int | None = None
    resolved_at: int | None = None
    closed_at: int | None = None
    unit: str | None = None
    joint_units: tuple[str, ...] = ()
    rating: int | None = None
    merged_into: str | None = None
    reject_reason: str = ""
    resolution: str = ""
    updated_at: int = 0

    @property
    def pending(self) -> Stage | None:
        return PENDING.get(self.state)

    def done_at(self, stage: Stage) -> int | None:
        return {
            "accept": self.accepted_at,
            "dispatch": self.dispatched_at,
            "arrive": self.on_site_at,
            "resolve": self.resolved_at,
        }[stage]


# action -> states it may be applied in
ALLOWED: dict[str, frozenset[str]] = {
    "accept": frozenset({"reported"}),
    "dispatch": frozenset({"reported", "accepted"}),
    "reassign": frozenset({"dispatched", "on_site"}),
    "arrive": frozenset({"dispatched"}),
    "resolve": frozenset({"accepted", "dispatched", "on_site"}),
    "close": frozenset({"resolved"}),
    "rate": frozenset({"resolved", "closed"}),
    "reject": frozenset({"reported", "accepted"}),
    "merge": ACTIVE,
    "escalate": ACTIVE,
    "comment": ALL_STATES,
    "reveal": ALL_STATES,
}


# How far along the way an incident is; rejected and merged are off the way, for good.
PROGRESS: dict[str, int] = {
    "reported": 0,
    "accepted": 1,
    "dispatched": 2,
    "on_site": 3,
    "resolved": 4,
    "closed": 5,
}


def may_become_legal(state: str, action: str) -> bool:
    """Whether an action the state refuses now could be allowed once the incident moves on
    (its earlier actions are still on their way: a resolve before its arrive)."""
    here = PROGRESS.get(state)
    if here is None:
        return False
    return any(PROGRESS.get(s, -1) > here for s in ALLOWED[action])


def _late_record(inc: Incident, action: Action) -> Incident | None:
    """An action that happened before a later one already applied moved the incident past
    it (its ``ts`` between the report and that move), arriving late: a worker held it when
    it was killed. It is recorded, its moment kept, the state left as it is: an accept
    before the dispatch that accepted the incident, a dispatch or an arrive before the
    resolve, a close before the rating that closed it."""
    ts = action.ts
    if ts < inc.reported_at or inc.state not in PROGRESS:
        return None
    done = inc.state in ("resolved", "closed") and inc.resolved_at is not None
    match action.action:
        case "accept" if inc.dispatched_at is not None and ts <= inc.dispatched_at:
            if inc.state == "reported":
                return None
            accepted = ts if inc.accepted_at is None else min(inc.accepted_at, ts)
            return replace(inc, accepted_at=accepted)
        case "dispatch" if done and inc.dispatched_at is None and ts <= (inc.resolved_at or 0):
            accepted = ts if inc.accepted_at is None else min(inc.accepted_at, ts)
            unit = inc.unit or action.unit
            return replace(inc, dispatched_at=ts, accepted_at=accepted, unit=unit)
        case "arrive" if done and inc.on_site_at is None and ts <= (inc.resolved_at or 0):
            return replace(inc, on_site_at=ts)
        case "close" if inc.state == "closed" and inc.closed_at is not None:
            return replace(inc, closed_at=ts) if ts <= inc.closed_at else None
    return None


def apply(inc: Incident, action: Action) -> Incident:
    """The incident after ``action``; raises IllegalTransition when not allowed."""
    if action.incident != inc.id:
        raise InvalidEntry(f"action for {action.incident} applied to {inc.id}")
    if inc.state not in ALLOWED[action.action]:
        late = _late_record(inc, action)
        if late is not None:
            return late
        raise IllegalTransition(f"cannot {action.action} an incident that is {inc.state}")
    # A clock behind the report's would give negative durations.
    at = max(action.ts, inc.reported_at)
    new = replace(inc, updated_at=max(inc.updated_at, at))
    match action.action:
        case "accept":
            return replace(new, state="accepted", accepted_at=at)
        case "dispatch":
            return replace(
                new,
                state="dispatched",
                accepted_at=inc.accepted_at if inc.accepted_at is not None else at,
                dispatched_at=at,
                unit=action.unit,
            )
        case "reassign":
            return replace(new, state="dispatched", unit=action.unit, on_site_at=None)
        case "arrive":
            return replace(new, state="on_site", on_site_at=at)
        case "resolve":
            return replace(new, state="resolved", resolved_at=at, resolution=action.note)
        case "close":
            return replace(new, state="closed", closed_at=at)
        case "rate":
            return replace(
                new,
                state="closed",
                rating=action.rating,
                closed_at=inc.closed_at if inc.closed_at is not None else at,
            )
        case "reject":
            return replace(new, state="rejected", reject_reason=action.reason, closed_at=at)
        case "merge":
            return replace(new, state="merged", merged_into=action.into, closed_at=at)
        case "escalate":
            units = tuple(dict.fromkeys(inc.joint_units + action.units))
            return replace(new, joint_units=units)
        case _:  # comment, reveal: trail only
            return new


def fold(inc: Incident, actions: list[Action]) -> Incident:
    for action in actions:
        inc = apply(inc, action)
    return inc
