"""Crowd trends: how fast a zone fills, and when it reaches capacity at that rate."""

from __future__ import annotations

from collections.abc import Sequence

RATE_WINDOW_MIN = 15  # the rate is the trend of the last quarter hour


def rate_per_min(
    points: Sequence[tuple[int, float]], window: int = RATE_WINDOW_MIN
) -> float | None:
    """People per minute: the least-squares slope of (minute, people) over the last `window`
    minutes of the series. None with fewer than two minutes to go on."""
    if not points:
        return None
    last = max(m for m, _ in points)
    recent = [(float(m), v) for m, v in points if m > last - window]
    if len(recent) < 2:
        return None
    n = len(recent)
    mx = sum(m for m, _ in recent) / n
    my = sum(v for _, v in recent) / n
    sxx = sum((m - mx) ** 2 for m, _ in recent)
    if sxx == 0:
        return None
    return sum((m - mx) * (v - my) for m, v in recent) / sxx


def minutes_to_capacity(people: float, capacity: float, rate: float | None) -> float | None:
    """Minutes until `people` reaches `capacity` at `rate` people per minute: 0 when at or
    over it already, None when not filling (no rate, level or falling)."""
    if capacity <= 0:
        return None
    if people >= capacity:
        return 0.0
    if rate is None or rate <= 0:
        return None
    return (capacity - people) / rate
