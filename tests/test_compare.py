from __future__ import annotations

import pytest

from layers.compare import DOWN, FLAT, NO_BASE, UP, Change, change


@pytest.mark.parametrize(
    ("now", "before", "better", "share", "expected"),
    [
        # counts: relative change; more reports is neither good nor bad
        (120, 100, "none", False, Change(UP, "+20.0%", "flat")),
        (80, 100, "none", False, Change(DOWN, "-20.0%", "flat")),
        # late incidents: fewer is better
        (3, 4, "down", False, Change(DOWN, "-25.0%", "good")),
        (5, 4, "down", False, Change(UP, "+25.0%", "bad")),
        # p90 seconds: longer is worse
        (330.0, 300.0, "down", False, Change(UP, "+10.0%", "bad")),
        # satisfaction mean: up is better
        (4.5, 4.0, "up", False, Change(UP, "+12.5%", "good")),
        (3.6, 4.0, "up", False, Change(DOWN, "-10.0%", "bad")),
        # shares move in percentage points, not percent of percent
        (0.95, 0.90, "up", True, Change(UP, "+5.0 pt", "good")),
        (0.85, 0.90, "up", True, Change(DOWN, "-5.0 pt", "bad")),
        (0.9, 0.9, "up", True, Change(FLAT, "±0.0 pt", "flat")),
        # unchanged count
        (7, 7, "down", False, Change(FLAT, "±0.0%", "flat")),
        # nothing before: no infinite rise
        (5, 0, "none", False, NO_BASE),
        (0, 0, "none", False, Change(FLAT, "0%", "flat")),
        (None, 3, "up", False, NO_BASE),
        (3, None, "up", False, NO_BASE),
        # a change that rounds to nothing is flat, whatever its sign
        (1000.4, 1000, "down", False, Change(FLAT, "±0.0%", "flat")),
    ],
)
def test_change(
    now: float | None, before: float | None, better: str, share: bool, expected: Change
) -> None:
    assert change(now, before, better, share) == expected  # type: ignore[arg-type]
