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


def apply(inc: Incident, action: Action) -> Incident:
    """The incident after ``action``; raises IllegalTransition when not allowed."""
    if action.incident != inc.id:
        raise InvalidEntry(f"action for {action.incident} applied to {inc.id}")
    if inc.state not in ALLOWED[action.action]:
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
