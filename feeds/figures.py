"""Pure figures from incident rows: compliance per stage, percentiles, headline."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from feeds.pipeline import STAGES

DONE_COLUMN = {
    "accept": "accepted_at",
    "dispatch": "dispatched_at",
    "arrive": "on_site_at",
    "resolve": "resolved_at",
}
DUE_COLUMN = {s: f"due_{s}" for s in STAGES}
# Once an incident has left the pipeline, stages it skipped are not counted against it.
LEFT = frozenset({"rejected", "merged"})


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (what dispatch centres report), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def compliance(rows: Iterable[Mapping[str, Any]], now: int) -> dict[str, dict[str, Any]]:
    """Per stage: how many were due, how many on time, the share and the p90 duration (s).

    An incident counts for a stage once it has reached it or its deadline has passed.
    """
    due_n = dict.fromkeys(STAGES, 0)
    ok_n = dict.fromkeys(STAGES, 0)
    durations: dict[str, list[float]] = {s: [] for s in STAGES}
    for row in rows:
        for stage in STAGES:
            done = row[DONE_COLUMN[stage]]
            due = row[DUE_COLUMN[stage]]
            if done is None and (due >= now or row["state"] in LEFT or row["resolved_at"]):
                continue
            due_n[stage] += 1
            if done is not None:
                durations[stage].append((done - row["reported_at"]) / 1000)
                if done <= due:
                    ok_n[stage] += 1
    out: dict[str, dict[str, Any]] = {}
    for stage in STAGES:
        n = due_n[stage]
        out[stage] = {
            "due": n,
            "on_time": ok_n[stage],
            "share": ok_n[stage] / n if n else None,
            "p90_s": percentile(durations[stage], 90),
        }
    return out


def satisfaction(ratings: Iterable[int | None]) -> dict[str, Any]:
    given = [r for r in ratings if r is not None]
    return {"n": len(given), "mean": sum(given) / len(given) if given else None}
