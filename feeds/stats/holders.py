"""Who held an incident when: the trail's dispatches and re-routes, and whom a stage is
charged to. Pure.

A unit holds an incident from a ``dispatch`` (or the rule's ``assign``) or a
``reassign`` to it (改派; a unit's return, 退单, is a ``reassign`` to the unit that takes
it over) until the next one. Accepting and dispatching are the command centre's stages
(``CENTRE``); arriving and resolving are charged to the unit that held the incident
when the stage was done or, if it was late, when its deadline passed.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from feeds.pipeline import ACTIVE, STAGES, Stage

CENTRE = ""  # the command centre itself: no unit holds the incident yet
HOLDING_ACTIONS = ("dispatch", "assign", "reassign")
CENTRE_STAGES = frozenset({"accept", "dispatch"})
DONE = {
    "accept": "accepted_at",
    "dispatch": "dispatched_at",
    "arrive": "on_site_at",
    "resolve": "resolved_at",
}

Timeline = tuple[tuple[int, ...], tuple[str, ...]]  # times ascending, unit from then on


def timeline(events: Iterable[tuple[int, str, str]]) -> Timeline:
    """From (at, event id, unit) of the holding actions, in any order."""
    ordered = sorted(events)
    return tuple(e[0] for e in ordered), tuple(e[2] for e in ordered)


def unit_of_detail(detail: str) -> str:
    try:
        value = json.loads(detail).get("unit")
    except (ValueError, AttributeError):
        return CENTRE
    return value if isinstance(value, str) else CENTRE


def holder_at(tl: Timeline, t: int) -> str:
    """The unit holding at moment ``t`` (an event at ``t`` counts), CENTRE before any."""
    i = bisect_right(tl[0], t)
    return tl[1][i - 1] if i else CENTRE


@dataclass(frozen=True)
class StageFact:
    stage: Stage
    unit: str  # charged to (CENTRE for accept/dispatch)
    duration_s: int | None  # from the report, whole seconds; None while pending
    on_time: bool


def facts(row: Mapping[str, Any], tl: Timeline, now: int) -> list[StageFact]:
    """Every stage that counts for compliance: done, or pending past its deadline while
    the incident is still in the pipeline (as feeds.figures.compliance counts them)."""
    out: list[StageFact] = []
    for stage in STAGES:
        done = row[DONE[stage]]
        due = row[f"due_{stage}"]
        if done is None and not (due < now and row["state"] in ACTIVE):
            continue
        at = due if done is None else min(done, due)
        unit = CENTRE if stage in CENTRE_STAGES else holder_at(tl, at)
        dur = None if done is None else int((done - row["reported_at"]) // 1000)
        out.append(StageFact(stage, unit, dur, done is not None and done <= due))
    return out
