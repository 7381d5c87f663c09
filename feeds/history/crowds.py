"""The crowd zones' readings on a generated past day: per zone and minute, as the
reading_minutes rows the wall's crowd figures are made from.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from feeds.history.rates import fireworks_night
from feeds.reference import Reference
from feeds.sim.rhythm import CROWD_KNOTS, CROWD_NOISE, GENERIC_KNOTS

Row = dict[str, Any]


def crowd_minutes(ref: Reference, d: date, zone_tz: str, seed: int, now: int) -> list[Row]:
    """Per crowd zone and minute of the day: the zone's people (count, min, max, mean of
    its counters' six readings a minute), as reading_minutes rows."""
    rng = np.random.default_rng([seed, 77, d.toordinal()])
    midnight = int(datetime.combine(d, time(), ZoneInfo(zone_tz)).timestamp() * 1000)
    first = midnight // 60_000
    last = min(1440, max(0, (now // 60_000) - first + 1))
    out: list[Row] = []
    night = fireworks_night(d)
    hours = np.arange(1440) / 60.0
    for code in sorted(ref.zones):
        knots = CROWD_KNOTS.get(code, GENERIC_KNOTS)
        level = np.interp(hours, [k[0] for k in knots], [k[1] for k in knots])
        if code == "Z01" and not night:  # the fireworks curve, only on fireworks nights
            evening = (hours >= 17) & (hours < 23)
            level[evening] = np.minimum(level[evening], 6_000 + rng.uniform(0, 3_000))
        samples = np.maximum(level[:, None] * rng.normal(1.0, CROWD_NOISE, size=(1440, 6)), 0)
        lo = samples.min(axis=1).round(1).tolist()
        hi = samples.max(axis=1).round(1).tolist()
        mean = samples.mean(axis=1).round(1).tolist()
        key = f"zone:{code}"
        out.extend(
            {
                "key": key,
                "minute": first + m,
                "kind": "crowd",
                "n": 6,
                "min": lo[m],
                "max": hi[m],
                "mean": mean[m],
            }
            for m in range(last)
        )
    return out
