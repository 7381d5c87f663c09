"""Sensor alarms per kind and day, and crowd peaks per zone."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from feeds.stats import links
from feeds.stats.period import Period
from feeds.stats.rollup import crowd as crowd_rollup
from feeds.stats.sql import c, day_of_number, in_period, local_day, number_of_day
from feeds.tables import crowd_zones, roll_counts

Row = dict[str, Any]
ZONE_KEY = "zone:"


def alarms(conn: Connection, p: Period) -> Row:
    """Incidents opened from sensors (source ``sensor``), per category (the alarm's
    kind: gas_leak, fume, muck_truck, crowd, ebike_charging) and local day."""
    stmt: Any
    if p.whole_days and p.area_level in (None, "street", "community", "grid"):
        rc = roll_counts.c  # whole days: from the count rollup
        cond = [
            rc.day.between(number_of_day(p.first), number_of_day(p.last)),
            rc.source == "sensor",
        ]
        if p.area_level:
            cond.append(rc[p.area_level] == p.area)
        stmt = (
            select(rc.day, rc.category, func.sum(rc.n)).where(*cond).group_by(rc.day, rc.category)
        )
    else:
        day = local_day(p)
        stmt = (
            select(day, c.category, func.count())
            .where(in_period(p), c.source == "sensor")
            .group_by(day, c.category)
        )
    got: dict[str, dict[str, int]] = {}
    for d, cat, n in conn.execute(stmt):
        got.setdefault(str(cat), {})[day_of_number(int(d)).isoformat()] = int(n)
    days = [d.isoformat() for d in p.day_list()]
    kinds = []
    for cat in sorted(got):
        per = got[cat]
        kinds.append(
            {
                "kind": cat,
                "total": sum(per.values()),
                "days": [{"day": d, "n": per.get(d, 0)} for d in days],
                "filter": links.of(p, source="sensor", category=cat),
            }
        )
    return {"days": days, "kinds": kinds}


def crowd_peaks(conn: Connection, p: Period) -> list[Row]:
    """Per crowd zone: the highest per-minute maximum of its counted people in the
    period (reading_minutes, key ``zone:<code>``) and the minute it happened."""
    lo, hi = p.start // 60_000, (p.end - 1) // 60_000
    zones = {
        code: (name, name_en, cap)
        for code, name, name_en, cap in conn.execute(
            select(
                crowd_zones.c.code,
                crowd_zones.c.name,
                crowd_zones.c.name_en,
                crowd_zones.c.capacity,
            )
        )
    }
    # Whole hours from roll_crowd_hours, the minutes at the period's edges raw.
    got = crowd_rollup.peaks(conn, [ZONE_KEY + z for z in sorted(zones)], lo, hi)
    first = {key[len(ZONE_KEY) :]: (minute, peak) for key, (peak, minute) in got.items()}
    out = []
    for code in sorted(set(zones) | set(first)):
        name, name_en, cap = zones.get(code, (code, code, 0))
        minute, peak = first.get(code, (None, None))
        out.append(
            {
                "zone": code,
                "name": name,
                "name_en": name_en,
                "capacity": cap,
                "peak": peak,
                "at": minute * 60_000 if minute is not None else None,
                "share_of_capacity": peak / cap if peak is not None and cap else None,
                "filter": links.of(p, category="crowd"),
            }
        )
    out.sort(key=lambda r: -(r["peak"] or 0))
    return out
