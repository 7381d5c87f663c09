"""Duration buckets for the stage histograms: exact to the second below 10 minutes,
then 10 s below an hour, a minute below 6 hours, 10 minutes below 2 days, an hour
beyond. Pure."""

from __future__ import annotations

from collections.abc import Iterable

# (from second, width, first code)
_BANDS = ((0, 1, 0), (600, 10, 600), (3600, 60, 900), (21600, 600, 1200), (172800, 3600, 1452))


def bucket(seconds: int) -> int:
    s = max(0, int(seconds))
    for start, width, code in reversed(_BANDS):
        if s >= start:
            return code + (s - start) // width
    return 0


# Per band, how many of its buckets make one coarse bucket (roll_stages_by's per-unit
# rows): 10 s below 10 min, 1 min below 1 h, 10 min below 6 h, 1 h below 2 days, 6 h beyond.
_COARSE = (10, 6, 10, 6, 6)


def coarse(code: int) -> int:
    """The last bucket of the coarse group a bucket falls in: its upper bound is the
    group's, so a p90 from coarse buckets is never below the true value either."""
    for (_start, _width, first), k in zip(reversed(_BANDS), reversed(_COARSE), strict=True):
        if code >= first:
            return first + ((code - first) // k) * k + k - 1
    return code


def bounds(code: int) -> tuple[int, int]:
    """[lower, upper) seconds of a bucket."""
    for start, width, first in reversed(_BANDS):
        if code >= first:
            lo = start + (code - first) * width
            return lo, lo + width
    return 0, 1


def p90(hist: Iterable[tuple[int, int]]) -> int | None:
    """Nearest-rank 90th percentile of a histogram (bucket, count), as the largest whole
    second its bucket holds: exact below 10 minutes, never below the true value."""
    items = sorted((b, n) for b, n in hist if n > 0)
    total = sum(n for _, n in items)
    if not total:
        return None
    rank = -(-9 * total // 10)  # ceil(0.9 * total)
    seen = 0
    for b, n in items:
        seen += n
        if seen >= rank:
            return bounds(b)[1] - 1
    return None
