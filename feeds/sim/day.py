"""The simulated day of the demo district: what it reports and senses. Pure, no I/O.

Two clocks. Simulated time (seconds since midnight of the first simulated day)
runs ``speed`` times faster than real time from ``sim_start``:
``sim = sim_start + (real - real_start) * speed``. It sets only the day's rhythm:
reports per hour (low at night, peaks mid-morning and early evening), morning
shoppers, the evening crowd building to the fireworks, muck trucks at night, fumes
at meal times. Every event carries a real wall-clock timestamp (epoch ms), and
whatever is measured against the 1/3/5-minute limits runs in real seconds (sensor
heartbeats, responders' delays), so a sped-up day still shows true SLA colours.

Deterministic: each simulated hour's reports and sensor episodes come from a
generator seeded with (seed, hour), each reading's noise from (seed, sensor, tick),
so the output does not depend on how often the runner steps.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from feeds.routing import Unit
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
    RATING_P,
    URGENT_ALWAYS,
    URGENT_OTHERS,
    crowd_level,
)
from feeds.sim.text import (
    ANSWERS,
    COMMENTS,
    ENQUIRIES,
    OFFICERS,
    PREFIX,
    REJECT_REASONS,
    RESOLUTIONS,
    SUGGESTIONS,
    TEXTS,
    person,
    phone,
)
from layers.district import District

# The public API; ANSWERS, RESOLUTIONS and crowd_level (defined in sim.text and
# sim_rhythm) stay importable from here for existing importers.
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
class Building:
    code: str
    micro_grid: str
    lon: float
    lat: float
    name: str


@dataclass(frozen=True)
class Sensor:
    id: str
    kind: str
    lon: float
    lat: float
    zone: str | None
    unit: str


@dataclass(frozen=True)
class World:
    """The district's parts the simulator needs, as plain values."""

    buildings: tuple[Building, ...]
    sensors: tuple[Sensor, ...]
    units: tuple[Unit, ...]
    unit_names: dict[str, str]


def _text_or_none(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def world_of(district: District) -> World:
    b, s, u = district.buildings, district.sensors, district.units
    return World(
        buildings=tuple(
            Building(str(c), str(m), float(x), float(y), str(n))
            for c, m, x, y, n in zip(b.code, b.micro_grid, b.lon, b.lat, b.name, strict=True)
        ),
        sensors=tuple(
            Sensor(str(i), str(k), float(x), float(y), _text_or_none(z), str(un))
            for i, k, x, y, z, un in zip(s.id, s.kind, s.lon, s.lat, s.zone, s.unit, strict=True)
        ),
        units=tuple(
            Unit(str(i), str(k), _text_or_none(st))
            for i, k, st in zip(u.id, u.kind, u.street, strict=True)
        ),
        unit_names={str(i): str(n) for i, n in zip(u.id, u.name, strict=True)},
    )


@dataclass(frozen=True)
class SimClock:
    real_start: float  # epoch seconds
    sim_start: float  # seconds since midnight of the first simulated day
    speed: float

    def sim(self, real: float) -> float:
        return self.sim_start + (real - self.real_start) * self.speed

    def real(self, sim: float) -> float:
        return self.real_start + (sim - self.sim_start) / self.speed


def parse_time_of_day(text: str) -> float:
    """'18:30' or '18:30:15' -> seconds since midnight."""
    parts = [int(p) for p in text.split(":")]
    if not 2 <= len(parts) <= 3 or min(parts) < 0 or parts[0] >= 24 or max(parts[1:]) >= 60:
        raise ValueError(f"time of day {text!r}: expected HH:MM or HH:MM:SS")
    return float(parts[0] * 3600 + parts[1] * 60 + (parts[2] if len(parts) == 3 else 0))


def clock_label(sim: float) -> str:
    minutes = int(sim // 60) % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


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


# --- responders' plans ----------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """How one incident will be handled; delays in real seconds unless named sim."""

    officer: str
    accept_s: float  # after the report
    dispatch_s: float  # after it was seen accepted
    arrive_s: float  # after it was seen dispatched
    answer_s: float  # enquiries and suggestions: answered by phone once dispatched
    work_sim_s: float  # on site until resolved, simulated seconds
    close_s: float  # after resolved
    rate_s: float  # after closed
    rating: int | None
    reject: str | None
    escalate: bool
    comment: str | None


def plan_for(seed: int, incident: str, src: str, priority: str, kind: str | None) -> Plan:
    """Pure: the same seed and incident always give the same plan."""
    rng = np.random.default_rng([seed, 9, zlib.crc32(incident.encode())])
    u = rng.random(4)
    urgent = priority == "urgent"
    rating = int(rng.choice(5, p=RATING_P)) + 1
    reason = REJECT_REASONS[int(rng.integers(len(REJECT_REASONS)))]
    comment = COMMENTS[int(rng.integers(len(COMMENTS)))]
    return Plan(
        officer=OFFICERS[int(rng.integers(len(OFFICERS)))],
        accept_s=float(rng.lognormal(math.log(30), 0.59)),  # median 30 s, 12% over a minute
        dispatch_s=float(rng.lognormal(math.log(70), 0.6)),
        arrive_s=float(rng.lognormal(math.log(100 if urgent else 150), 0.5)),
        answer_s=float(rng.uniform(60, 240)),
        work_sim_s=float(rng.uniform(20, 90)) * 60,
        close_s=float(rng.uniform(5, 30)),
        rate_s=float(rng.uniform(10, 60)),
        rating=rating if src in ("qr", "hotline") and u[0] < 0.7 else None,
        reject=reason if kind == "enquiry" and u[1] < 0.1 else None,
        escalate=bool(urgent and u[2] < 0.3),
        comment=comment if u[3] < 0.15 else None,
    )
