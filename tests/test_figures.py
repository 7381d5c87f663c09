from __future__ import annotations

from typing import Any

import pytest

from feeds.figures import compliance, percentile, satisfaction

T0 = 1_764_000_000_000


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([], 90, None),
        ([5], 90, 5),
        (list(range(1, 11)), 90, 9),
        (list(range(1, 11)), 100, 10),
        (list(range(1, 101)), 90, 90),
        ([3, 1, 2], 50, 2),
    ],
)
def test_nearest_rank_percentile(values: list[int], q: float, expected: float | None) -> None:
    assert percentile(values, q) == expected


def row(state: str = "reported", **done_s: int | None) -> dict[str, Any]:
    cols = {
        "accept": "accepted_at",
        "dispatch": "dispatched_at",
        "arrive": "on_site_at",
        "resolve": "resolved_at",
    }
    out: dict[str, Any] = {
        "state": state,
        "reported_at": T0,
        "due_accept": T0 + 60_000,
        "due_dispatch": T0 + 180_000,
        "due_arrive": T0 + 300_000,
        "due_resolve": T0 + 86_400_000,
    }
    for stage, col in cols.items():
        s = done_s.get(stage)
        out[col] = None if s is None else T0 + s * 1000
    return out


def test_compliance_counts_done_and_overdue_stages() -> None:
    rows = [
        row("on_site", accept=30, dispatch=100, arrive=200),
        row("on_site", accept=90, dispatch=170, arrive=400),
        row("reported"),  # 120 s after report: accept overdue, dispatch not yet due
        row("rejected", accept=10),  # left the pipeline: later stages not held against it
    ]
    c = compliance(rows, now=T0 + 120_000)
    assert c["accept"] == {"due": 4, "on_time": 2, "share": 0.5, "p90_s": 90}
    assert c["dispatch"]["due"] == 2 and c["dispatch"]["on_time"] == 2
    assert c["arrive"]["due"] == 2 and c["arrive"]["on_time"] == 1 and c["arrive"]["p90_s"] == 400
    assert c["resolve"] == {"due": 0, "on_time": 0, "share": None, "p90_s": None}


def test_satisfaction() -> None:
    assert satisfaction([5, 4, None, 3]) == {"n": 3, "mean": 4}
    assert satisfaction([]) == {"n": 0, "mean": None}
