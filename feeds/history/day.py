"""One past day of the demo district, as the store would hold it: incident rows with
their trail, made by the same code the ingest worker uses (records, pipeline, SLA
policy). Pure and deterministic: the same seed and day give the same rows and ids.

Rates are the simulator's (feeds/sim/rhythm.py, DOMAIN.md): about 400 field reports a
day (times ``scale``), and the alarms of ``feeds.history.rates``. ``DayMaker`` draws when
the day's reports and alarms come; each becomes an incident in ``feeds.history.incident``.
The crowd zones' minutes are in ``feeds.history.crowds``, the places in
``feeds.history.places``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from feeds.history.incident import IncidentMaker
from feeds.history.places import Places
from feeds.history.rates import SENSOR_ALARMS, fireworks_night, muck_per_day
from feeds.reference import Reference
from feeds.sim.rhythm import CATEGORY_MIX, DAILY_REPORTS, HOURLY
from feeds.sla import SlaPolicy

# fireworks_night and muck_per_day (feeds.history.rates) stay importable from here.
__all__ = ["DayMaker", "days_before", "fireworks_night", "muck_per_day"]

Row = dict[str, Any]


class DayMaker:
    def __init__(
        self, ref: Reference, places: Places, policy: SlaPolicy, seed: int, scale: float
    ) -> None:
        self.ref = ref
        self.places = places
        self.policy = policy
        self.seed = seed
        self.scale = scale
        self.zone = ZoneInfo(policy.timezone)
        self.incidents = IncidentMaker(ref, places, policy)

    def day(self, d: date, today: date, now: int) -> tuple[list[Row], list[Row]]:
        """Incident rows and trail rows of local day ``d``; nothing after ``now``."""
        rng = np.random.default_rng([self.seed, d.toordinal()])
        midnight = int(datetime.combine(d, time(), self.zone).timestamp() * 1000)
        drafts: list[tuple[int, dict[str, Any]]] = []
        weekend = d.weekday() >= 5 or not self.policy.calendar.is_working(d)
        for src, per_day in DAILY_REPORTS.items():
            factor = (0.3 if src == "patrol" else 0.8) if weekend else 1.0
            n = int(rng.poisson(per_day * self.scale * factor))
            hours = rng.choice(24, size=n, p=np.asarray(HOURLY[src]) / sum(HOURLY[src]))
            mix = CATEGORY_MIX[src]
            cats = rng.choice(
                list(mix), size=n, p=np.asarray(list(mix.values())) / sum(mix.values())
            )
            for h, cat in zip(hours, cats, strict=True):
                ts = midnight + int(h) * 3_600_000 + int(rng.integers(3_600_000))
                drafts.append((ts, {"source": src, "category": str(cat)}))
        alarms = {**SENSOR_ALARMS, "muck_truck": muck_per_day(d, today)}
        for cat, per_day in alarms.items():
            for _ in range(int(rng.poisson(per_day))):
                hour = (
                    int(rng.choice((22, 23, 0, 1, 2, 3, 4)))
                    if cat == "muck_truck"
                    else int(rng.integers(24))
                )
                ts = midnight + hour * 3_600_000 + int(rng.integers(3_600_000))
                drafts.append((ts, {"source": "sensor", "category": cat}))
        if fireworks_night(d):
            ts = midnight + 20 * 3_600_000 + int(rng.integers(30 * 60_000))
            drafts.append((ts, {"source": "sensor", "category": "crowd", "zone": "Z01"}))
        drafts.sort(key=lambda t: t[0])
        incidents: list[Row] = []
        trail: list[Row] = []
        for i, (ts, draft) in enumerate(drafts):
            if ts > now:
                break
            made = self.incidents.make(rng, f"H{d:%Y%m%d}-{i:05d}", ts, draft, now)
            if made is not None:
                incidents.append(made[0])
                trail.extend(made[1])
        return incidents, trail


def days_before(today: date, n: int) -> list[date]:
    return [today - timedelta(days=k) for k in range(n, 0, -1)]
