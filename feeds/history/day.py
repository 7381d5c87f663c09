"""One past day of the demo district, as the store would hold it: incident rows with
their trail, made by the same code the ingest worker uses (records, pipeline, SLA
policy). Pure and deterministic: the same seed and day give the same rows and ids.

Rates are the simulator's (feeds/sim/rhythm.py, DOMAIN.md): about 400 field reports a
day (times ``scale``), muck-truck alarms falling from about 300 a day a year ago to about
100 now, a few gas, fume and e-bike alarms, crowd alarms on fireworks nights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from feeds import records
from feeds.pipeline import Incident, Stage, apply
from feeds.reference import Reference
from feeds.schemas import Action, ActionKind, Report
from feeds.sim.rhythm import (
    CATEGORY_MIX,
    CROWD_KNOTS,
    CROWD_NOISE,
    DAILY_REPORTS,
    GENERIC_KNOTS,
    HOURLY,
    KIND_MIX,
    RATING_P,
)
from feeds.sim.text import COMMENTS, OFFICERS, RESOLUTIONS
from feeds.sla import SlaPolicy
from feeds.store import state_columns

Row = dict[str, Any]
SENSOR_ALARMS = {"gas_leak": 3.0, "fume": 8.0, "ebike_charging": 2.0}  # a day
MUCK_THEN, MUCK_NOW = 300.0, 100.0  # a day, a year ago and today
RETURN_SHARE = 0.06  # dispatched incidents a unit returns (退单) to be re-routed
LATE_RESOLVE = 0.07  # ordinary matters that overrun their 3 working days


@dataclass(frozen=True)
class Places:
    """What the generator picks from: buildings, sensors by kind, units by kind."""

    buildings: list[tuple[str, float, float, str]]  # code, lon, lat, micro-grid
    sensors: dict[str, list[tuple[float, float, str | None]]]  # kind -> lon, lat, micro
    units_by_kind: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, ref: Reference, unit_kinds: dict[str, str]) -> Places:
        b = sorted((code, lon, lat, micro) for code, (lon, lat, micro) in ref.buildings.items())
        sensors: dict[str, list[tuple[float, float, str | None]]] = {}
        for s in sorted(ref.sensors.values(), key=lambda s: s.id):
            sensors.setdefault(s.kind, []).append((s.lon, s.lat, None))
        by_kind: dict[str, list[str]] = {}
        for uid, kind in sorted(unit_kinds.items()):
            by_kind.setdefault(kind, []).append(uid)
        return cls(b, sensors, by_kind)


def muck_per_day(d: date, today: date) -> float:
    back = min(max((today - d).days, 0), 365)
    return MUCK_NOW + (MUCK_THEN - MUCK_NOW) * back / 365


def fireworks_night(d: date) -> bool:
    """New Year's Eve, National Day and the summer Saturdays on the riverside."""
    return (d.month, d.day) in ((12, 31), (10, 1), (10, 6)) or (
        d.month in (7, 8) and d.weekday() == 5
    )


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
            made = self._incident(rng, f"H{d:%Y%m%d}-{i:05d}", ts, draft, now)
            if made is not None:
                incidents.append(made[0])
                trail.extend(made[1])
        return incidents, trail

    def _report(
        self, rng: np.random.Generator, iid: str, ts: int, draft: dict[str, Any]
    ) -> tuple[Report, Any]:
        src, cat = draft["source"], draft["category"]
        urgent = cat in ("fire", "safety", "gas_leak", "crowd") or rng.random() < 0.02
        if src == "sensor":
            kind = "alarm"
            options = self.places.sensors.get(
                cat.replace("_leak", "").replace("muck_truck", "muck_truck")
            )
            options = options or self.places.sensors.get("crowd") or []
            if cat == "crowd" and self.ref.zones:
                z = self.ref.zones.get(draft.get("zone", "")) or next(iter(self.ref.zones.values()))
                lon, lat = z.lon, z.lat
            elif options:
                lon, lat, _ = options[int(rng.integers(len(options)))]
            else:
                lon, lat = self.places.buildings[0][1], self.places.buildings[0][2]
            report = Report(
                id=iid,
                source="sensor",
                kind="alarm",
                category=cat,
                ts=ts,
                lon=lon,
                lat=lat,
                priority="urgent" if urgent else "ordinary",
                text=f"{cat} alarm",
                reporter="sensor",
            )
            micro = self.ref.locate([(lon, lat)])[0]
            return report, self.ref.place(micro, lon, lat)
        kind = (
            "finding"
            if src == "patrol"
            else str(rng.choice([k for k, _ in KIND_MIX], p=[p for _, p in KIND_MIX]))
        )
        code, lon, lat, micro = self.places.buildings[int(rng.integers(len(self.places.buildings)))]
        report = Report(
            id=iid,
            source=src,
            kind=kind,  # type: ignore[arg-type]
            category=cat,
            ts=ts,
            text="历史记录",
            address=code if src != "hotline" else None,
            lon=lon,
            lat=lat,
            priority="urgent" if urgent else "ordinary",
        )
        return report, self.ref.place(micro, lon, lat)

    def _incident(
        self, rng: np.random.Generator, iid: str, ts: int, draft: dict[str, Any], now: int
    ) -> tuple[Row, list[Row]] | None:
        report, place = self._report(rng, iid, ts, draft)
        due = self.policy.deadlines(report.ts, report.category, report.priority)
        suggestion = self.ref.router.suggest(report.category, place.grid)
        row = records.incident_row(report, place, due, suggestion)
        trail = [records.report_trail(report, suggestion)]
        officer = OFFICERS[int(rng.integers(len(OFFICERS)))]
        inc = Incident(id=iid, reported_at=ts, updated_at=ts)
        urgent = report.priority == "urgent"
        plan: list[tuple[Action, str | None]] = []
        t = ts + int(rng.lognormal(math.log(30), 0.59) * 1000)

        def act(kind: ActionKind, at: int, trail_kind: str | None = None, **kw: Any) -> None:
            plan.append(
                (
                    Action(
                        id=f"{iid}-{len(plan)}-{kind}",
                        incident=iid,
                        action=kind,
                        actor=kw.pop("actor", officer),
                        ts=at,
                        **kw,
                    ),
                    trail_kind,
                )
            )

        if report.kind == "enquiry" and rng.random() < 0.1:
            act("reject", t, reason="重复咨询，已电话答复")
        else:
            unit = suggestion.unit if suggestion else None
            auto = unit is not None and self.ref.router.automatic(report.category, report.priority)
            act("accept", t)
            if unit is not None:
                if auto:
                    act("dispatch", t, "assign", unit=unit, actor="rule", note="智能交办")
                else:
                    t += int(rng.lognormal(math.log(70), 0.6) * 1000)
                    act("dispatch", t, unit=unit)
                if rng.random() < RETURN_SHARE:
                    t += int(rng.uniform(60, 600) * 1000)
                    others = [u for u in self._peers(unit) if u != unit] or [unit]
                    unit = others[int(rng.integers(len(others)))]
                    act("reassign", t, unit=unit, note="退单：非本单位职责，改派")
                if report.kind != "enquiry":
                    t += int(rng.lognormal(math.log(100 if urgent else 150), 0.5) * 1000)
                    act("arrive", t, actor=unit)
                if urgent:
                    t += int(rng.uniform(20, 300) * 60_000)
                else:
                    budget = due["resolve"] - ts
                    share = (
                        rng.uniform(1.02, 1.6) if rng.random() < LATE_RESOLVE else rng.beta(1.3, 4)
                    )
                    t = max(t + 60_000, ts + int(budget * share))
                cat = report.category
                act("resolve", t, actor=unit, note=RESOLUTIONS.get(cat, "已处置完毕"))
                t += int(rng.uniform(5, 120) * 60_000)
                if report.source in ("qr", "hotline") and rng.random() < 0.7:
                    rating = int(rng.choice(5, p=RATING_P)) + 1
                    note = COMMENTS[int(rng.integers(len(COMMENTS)))] if rng.random() < 0.15 else ""
                    act("rate", t, actor="报告人", rating=rating, note=note)
                else:
                    act("close", t)
        for action, trail_kind in plan:
            if action.ts > now:
                break
            inc = apply(inc, action)
            trail.append(records.action_trail(action, kind=trail_kind))
        row.update(state_columns(inc))
        columns: tuple[tuple[Stage, str], ...] = (
            ("accept", "accepted_at"),
            ("dispatch", "dispatched_at"),
            ("arrive", "on_site_at"),
            ("resolve", "resolved_at"),
        )
        late = sorted(
            s
            for s, col in columns
            if (row[col] is not None and row[col] > due[s])
            or (row[col] is None and inc.pending == s and due[s] < now)
        )
        for s in late:
            trail.append(
                records.system_trail(
                    f"{iid}:overdue:{s}", iid, "overdue", due[s] + 2000, stage=s, due=due[s]
                )
            )
        row["late"] = ",".join(late)
        row["sweep_at"] = records.sweep_at(inc, row, set(late))
        return row, trail

    def _peers(self, unit: str) -> list[str]:
        for ids in self.places.units_by_kind.values():
            if unit in ids:
                street = unit.split("-", 1)[0]
                return [u for u in ids if u.split("-", 1)[0] == street] or ids
        return [unit]


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


def days_before(today: date, n: int) -> list[date]:
    return [today - timedelta(days=k) for k in range(n, 0, -1)]
