"""What one incident contributes to the rollups. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from feeds.stats.buckets import bucket
from feeds.stats.holders import (
    CENTRE,
    CENTRE_STAGES,
    DONE,
    Timeline,
    holder_at,
)
from feeds.stats.rollup.keys import (
    local_day,
)


def contributions(row: Mapping[str, Any], tl: Timeline, offset_ms: int) -> dict[str, list[Any]]:
    """The incident's share of roll_stages ("s"), roll_units ("u") and roll_outcomes
    ("o"), as JSON-able lists of [key..., values...], and its roll_late row ("l":
    [[reported_at, street, late_ms]], or none when no stage was done late)."""
    day = local_day(row["reported_at"], offset_ms)
    street = row["street"] or ""
    stages = []
    for stage, col in DONE.items():
        done = row[col]
        if done is None:
            continue
        due = row[f"due_{stage}"]
        unit = CENTRE if stage in CENTRE_STAGES else holder_at(tl, min(done, due))
        dur = int((done - row["reported_at"]) // 1000)
        stages.append([day, stage, street, unit, row["priority"], bucket(dur), 1, int(done <= due)])
    units: dict[str, list[int]] = {u: [1, 0, 0, 0, 0, 0] for u in set(tl[1]) if u}
    current = row["unit"] or ""
    if current:
        v = units.setdefault(current, [0, 0, 0, 0, 0, 0])
        resolved = row["resolved_at"] is not None
        v[1] = 1
        v[2] = int(resolved)
        v[3] = int(resolved and row["resolved_at"] <= row["due_resolve"])
        v[4] = int(row["rating"] or 0)
        v[5] = int(row["rating"] is not None)
    return {
        "s": stages,
        "u": [[day, u, *v] for u, v in sorted(units.items())],
        "o": [outcome(row, offset_ms)],
        "l": [[row["reported_at"], street, late]] if (late := late_ms(row)) else [],
    }


def late_ms(row: Mapping[str, Any]) -> int:
    """By how much (ms) the worst of the incident's stages done after their deadline was
    late; 0 when none was."""
    return max(
        (
            row[col] - row[f"due_{stage}"]
            for stage, col in DONE.items()
            if row[col] is not None and row[col] > row[f"due_{stage}"]
        ),
        default=0,
    )


def outcome(row: Mapping[str, Any], offset_ms: int) -> list[Any]:
    """[day, street, late, closed, rated 1..5] of roll_outcomes: late when a stage was
    done after its deadline (those pending past it are counted from the raw rows)."""
    late = any(
        row[col] is not None and row[col] > row[f"due_{stage}"] for stage, col in DONE.items()
    )
    rated = [int(row["rating"] == r) for r in range(1, 6)]
    day = local_day(row["reported_at"], offset_ms)
    return [day, row["street"] or "", int(late), int(row["state"] == "closed"), *rated]
