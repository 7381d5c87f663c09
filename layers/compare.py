"""A figure beside an earlier one: the arrow, by how much, and whether that is good.

"Better" depends on the figure: more on-time handling is good, a longer 90th-percentile
time is bad, and more reports is neither (it may be more trust as much as more trouble).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Better = Literal["up", "down", "none"]
Tone = Literal["good", "bad", "flat", "none"]
UP, DOWN, FLAT = "▲", "▼", "="


@dataclass(frozen=True)
class Change:
    arrow: str  # ▲ ▼ = or "" when there is nothing to compare with
    text: str  # "+12.5%", "-3.2 pt", "–"
    tone: Tone


NO_BASE = Change("", "–", "none")


def change(now: float | None, before: float | None, better: Better, share: bool = False) -> Change:
    """How ``now`` compares with ``before``.

    Shares (0..1) change by percentage points; counts, durations and means by percent of
    the earlier value. Nothing to compare with (a missing value, or a count of 0 before)
    gives no arrow rather than an infinite rise.
    """
    if now is None or before is None:
        return NO_BASE
    diff = now - before
    if share:
        points = diff * 100
        text = f"{points:+.1f} pt"
        moved = round(points, 1) != 0
    else:
        if before == 0:
            return NO_BASE if now != 0 else Change(FLAT, "0%", "flat")
        pct = diff / abs(before) * 100
        text = f"{pct:+.1f}%"
        moved = round(pct, 1) != 0
    if not moved:
        return Change(FLAT, text.replace("+", "±").replace("-", "±"), "flat")
    arrow = UP if diff > 0 else DOWN
    if better == "none":
        tone: Tone = "flat"
    else:
        tone = "good" if (diff > 0) == (better == "up") else "bad"
    return Change(arrow, text, tone)
