"""The simulated day of the demo district: what it reports and senses. Pure, no I/O.

``Day`` draws, for one world, seed and volume, the day's rhythm in simulated time
(``feeds.sim.clock``): reports per hour (low at night, peaks mid-morning and early
evening), morning shoppers, the evening crowd building to the fireworks, muck trucks at
night, fumes at meal times; and each sensor's heartbeat readings and out-of-limit episodes.

Deterministic: each simulated hour's reports and sensor episodes come from a
generator seeded with (seed, hour), each reading's noise from (seed, sensor, tick),
so the output does not depend on how often the runner steps.

The district as plain values is in ``feeds.sim.world``, the clocks in ``feeds.sim.clock``,
responders' plans in ``feeds.sim.plans``; their names stay importable from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from feeds.sim.clock import SimClock, clock_label, parse_time_of_day
from feeds.sim.plans import Plan, plan_for
from feeds.sim.rhythm import (
    CATEGORY_MIX,
    CROWD_NOISE,
    DAILY_REPORTS,
    EPISODES,
    HEARTBEAT_S,
    HOURLY,
    KIND_MIX,
    OFFLINE_SHARE,
    PERIOD_S,
    URGENT_ALWAYS,
    URGENT_OTHERS,
    crowd_level,
)
from feeds.sim.text import (
    ANSWERS,
    ENQUIRIES,
    PREFIX,
    RESOLUTIONS,
    SUGGESTIONS,
    TEXTS,
    person,
    phone,
)
from feeds.sim.world import Building, Sensor, World, world_of

# The public API; the names defined in sim.world, sim.clock, sim.plans, sim.text and
# sim.rhythm stay importable from here for existing importers.
__all__ = [
    "ANSWERS",
    "RESOLUTIONS",
    "Building",
    "Day",
    "Draft",
    "Episode",
    "Plan",
    "Sensor",
    "SimClock",
    "World",
    "clock_label",
    "crowd_level",
    "parse_time_of_day",
    "plan_for",
    "world_of",
]

Draft = dict[str, Any]  # a Report's fields without id and ts


@dataclass(frozen=True)
class Episode:
    sensor: int  # index into World.sensors
    start: float  # simulated seconds
    end: float
    value: float


class Day:
    """Draws reports, episodes and readings for one world, seed and volume."""

    def __init__(self, world: World, seed: int, volume: float = 1.0) -> None:
        self.world = world
        self.seed = seed
        self.volume = volume
        rng = np.random.default_rng([seed, 0])
        n = len(world.sensors)
        self.period = np.array([PERIOD_S.get(s.kind, HEARTBEAT_S) for s in world.sensors])
        self.phase = rng.uniform(0.0, 1.0, n) * self.period
        weight = rng.uniform(0.5, 1.5, n)
        zone_sum: dict[str | None, float] = {}
        for s, w in zip(world.sensors, weight, strict=True):
            zone_sum[s.zone] = zone_sum.get(s.zone, 0.0) + float(w)
        self.share = [
            float(w) / zone_sum[s.zone] for s, w in zip(world.sensors, weight, strict=True)
        ]
        site = [i for i, s in enumerate(world.sensors) if s.kind != "crowd"]
        k = min(round(OFFLINE_SHARE * n), len(site))
        self.offline = frozenset(int(i) for i in rng.choice(site, size=k, replace=False))
        self.by_kind: dict[str, list[int]] = {}
        for i, s in enumerate(world.sensors):
            if i not in self.offline:
                self.by_kind.setdefault(s.kind, []).append(i)

    def reports_in_hour(self, hour: int) -> list[tuple[float, Draft]]:
        """(simulated time, draft) of every report in simulated hour ``hour``, in time order."""
        rng = np.random.default_rng([self.seed, 1, hour])
        out: list[tuple[float, Draft]] = []
        for source, daily in DAILY_REPORTS.items():
            n = int(rng.poisson(daily * self.volume * HOURLY[source][hour % 24]))
            for t in rng.uniform(hour * 3600.0, (hour + 1) * 3600.0, n):
                out.append((float(t), self._draft(rng, source)))
        out.sort(key=lambda p: p[0])
        return out

    def _draft(self, rng: np.random.Generator, source: str) -> Draft:
        b = self.world.buildings[int(rng.integers(len(self.world.buildings)))]
        mix = CATEGORY_MIX[source]
        category = str(rng.choice(list(mix), p=list(mix.values())))
        if source == "patrol":
            kind = "finding"
        else:
            kind = str(rng.choice([k for k, _ in KIND_MIX], p=[p for _, p in KIND_MIX]))
        pool = {"enquiry": ENQUIRIES, "suggestion": SUGGESTIONS}.get(kind, TEXTS)[category]
        estate = b.name.rstrip("0123456789幢")
        text = str(rng.choice(pool)).format(
            estate=estate, bldg=b.name, n=int(rng.integers(2, 6)), hour=int(rng.integers(22, 24))
        )
        urgent = kind not in ("enquiry", "suggestion") and (
            category in URGENT_ALWAYS or rng.random() < URGENT_OTHERS
        )
        draft: Draft = {
            "source": source,
            "kind": kind,
            "category": category,
            "priority": "urgent" if urgent else "ordinary",
            "text": PREFIX.get((source, kind), "") + text,
        }
        if source == "qr":
            draft["address"] = b.code
            if rng.random() < 0.6:
                draft["contact"] = phone(rng)
            if rng.random() < 0.1:
                draft["voice"] = f"demovoice{int(rng.integers(1, 40)):02d}.m4a"
        else:
            spread = 0.00015 if source == "patrol" else 0.0003  # ~15 m, ~30 m
            draft["lon"] = round(b.lon + float(rng.normal(0.0, spread)), 6)
            draft["lat"] = round(b.lat + float(rng.normal(0.0, spread)), 6)
            draft["reporter"] = "网格员 " + person(rng) if source == "patrol" else "12345热线"
            if source == "hotline" and rng.random() < 0.9:
                draft["contact"] = phone(rng)
        if source != "hotline" and rng.random() < (0.3 if source == "qr" else 0.5):
            k = int(rng.integers(1, 4))
            draft["photos"] = tuple(f"demophoto{int(p):02d}.jpg" for p in rng.integers(1, 60, k))
        return draft

    def episodes_in_hour(self, hour: int) -> list[Episode]:
        """Out-of-limit episodes starting in simulated hour ``hour``, in time order."""
        rng = np.random.default_rng([self.seed, 2, hour])
        out: list[Episode] = []
        for kind, rule in EPISODES.items():
            sensors = self.by_kind.get(kind)
            weight = rule.hours[hour % 24] / sum(rule.hours)
            n = int(rng.poisson(rule.per_day * weight))
            if not sensors or n == 0:
                continue
            for _ in range(n):
                start = hour * 3600.0 + float(rng.uniform(0.0, 3600.0))
                minutes = float(rng.uniform(*rule.minutes))
                value = round(float(rng.uniform(*rule.values)), 2)
                out.append(Episode(int(rng.choice(sensors)), start, start + minutes * 60, value))
        out.sort(key=lambda e: (e.start, e.sensor))
        return out

    def reading(self, i: int, tick: int, sim: float, episode: Episode | None = None) -> float:
        """Value of sensor ``i``'s ``tick``-th regular reading at simulated time ``sim``."""
        rng = np.random.default_rng([self.seed, 3, i, tick])
        s = self.world.sensors[i]
        if episode is not None and episode.start <= sim < episode.end and s.kind != "muck_truck":
            return round(episode.value * float(rng.uniform(0.97, 1.03)), 2)
        hour = (sim / 3600.0) % 24.0
        match s.kind:
            case "crowd":
                noise = float(rng.uniform(1 - CROWD_NOISE, 1 + CROWD_NOISE))
                return float(round(crowd_level(s.zone, sim) * self.share[i] * noise))
            case "gas":
                return round(float(rng.uniform(0.2, 7.5)), 2)
            case "fume":
                meal = 10.5 <= hour < 13.5 or 16.5 <= hour < 20.5
                return round(float(rng.uniform(0.6, 1.4) if meal else rng.uniform(0.3, 0.9)), 2)
            case "ebike_charging":
                return round(float(rng.uniform(48.0, 55.5)), 2)
            case _:
                return 0.0
