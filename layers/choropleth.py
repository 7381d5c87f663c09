"""A period's counts per area as map colours: class breaks, a colour per area, a legend.

The map draws the geometry it already has (the wall's offline GeoJSON); this only says
what colour each area code takes, so a new period recolours the map without new geometry.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# the wall's ramp, darkest for none
RAMP = ("#16223a", "#2f7fd0", "#37b6d6", "#7ee0a0", "#f2c14e", "#f28b30", "#ff4d4f")
CLASSES = len(RAMP) - 1


@dataclass(frozen=True)
class Classes:
    breaks: tuple[float, ...]  # lower bound of each class after "none"
    colours: dict[str, str]  # area code -> colour
    legend: tuple[tuple[str, str], ...]  # (colour, "1–3") from low to high


def nice_breaks(values: Sequence[float], classes: int = CLASSES) -> tuple[float, ...]:
    """Rising lower bounds from quantiles of the non-zero values, rounded to readable numbers.

    Quantiles rather than equal steps: a few busy grids would otherwise paint every other
    grid the same colour.
    """
    positive = sorted(v for v in values if v > 0)
    if not positive:
        return ()
    out: list[float] = []
    for i in range(classes):
        q = positive[min(len(positive) - 1, math.floor(i / classes * len(positive)))]
        b = _round_nice(q)
        if not out or b > out[-1]:
            out.append(b)
    return tuple(out)


def _round_nice(v: float) -> float:
    """Down to 1, 2, 2.5 or 5 times a power of ten (integers up to 10)."""
    if v <= 10:
        return float(max(1, math.floor(v)))
    mag = 10.0 ** math.floor(math.log10(v))
    return max(m * mag for m in (1, 2, 2.5, 5) if m * mag <= v)


def class_of(value: float, breaks: Sequence[float]) -> int:
    """0 for nothing, else 1 + the index of the highest break reached."""
    i = 0
    while i < len(breaks) and value >= breaks[i]:
        i += 1
    return i


def classify(values: Mapping[str, float], codes: Sequence[str] = ()) -> Classes:
    """Colours for every code (those with no value get the "none" colour)."""
    breaks = nice_breaks(list(values.values()))
    colours = {c: RAMP[0] for c in codes}
    for code, v in values.items():
        colours[code] = RAMP[class_of(v, breaks)]
    legend = [(RAMP[0], "0")]
    for i, b in enumerate(breaks):
        hi = breaks[i + 1] if i + 1 < len(breaks) else None
        label = f"{_fmt(b)}+" if hi is None else _range(b, hi)
        legend.append((RAMP[i + 1], label))
    return Classes(breaks, colours, tuple(legend))


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if v >= 1 or v == 0 else f"{v:.2f}"


def _range(lo: float, hi: float) -> str:
    top = hi - 1 if float(lo).is_integer() and float(hi).is_integer() else hi
    return _fmt(lo) if top <= lo else f"{_fmt(lo)}–{_fmt(top)}"
