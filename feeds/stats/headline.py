"""The period's headline numbers, from the rollups (cheap enough for the period, the
previous one and last year on every page load)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, case, func, select

from feeds.pipeline import STAGES
from feeds.stats import compliance, fast, links, outcomes
from feeds.stats.period import Period
from feeds.stats.sql import number_of_day, share
from feeds.tables import roll_counts, roll_units

Row = dict[str, Any]
# Which way is better, for colouring a change: "up", "down" or None (neutral).
BETTER: dict[str, str | None] = {
    "n": None,
    "late": "down",
    "accept": "up",
    "dispatch": "up",
    "arrive": "up",
    "resolve": "up",
    "closure_urgent": "up",
    "closure_ordinary": "up",
    "satisfaction": "up",
    "share_rated": "up",
    "sensor_alarms": None,
    "p90_accept_s": "down",
}


def _days(p: Period, day_col: Any) -> Any:
    return day_col.between(number_of_day(p.first), number_of_day(p.last))


def headline(conn: Connection, p: Period, now: int) -> Row:
    """n, late, share on time per stage, closure per priority, satisfaction, sensor
    alarms. Whole-day periods read the rollups (an area down to a street for the stage
    shares); the open incidents past a deadline are counted from the raw rows."""
    rc = roll_counts.c
    cond = [_days(p, rc.day)]
    if p.area_level in ("street", "community", "grid"):
        cond.append(rc[p.area_level] == p.area)
    n, sensor = conn.execute(
        select(
            func.coalesce(func.sum(rc.n), 0),
            func.coalesce(func.sum(case((rc.source == "sensor", rc.n), else_=0)), 0),
        ).where(*cond)
    ).one()
    out: Row = {"period": p.to_dict(), "n": int(n), "sensor_alarms": int(sensor)}
    if fast.usable(p, "priority"):
        table = fast.stage_table(conn, p, now, "priority")
        for stage in STAGES:
            due = sum(v["due"] for k, v in table.items() if k[1] == stage)
            ok = sum(v["on_time"] for k, v in table.items() if k[1] == stage)
            out[stage] = share(ok, due)
        for prio in ("urgent", "ordinary"):
            out[f"closure_{prio}"] = table.get((prio, "resolve"), {}).get("share")
    else:  # part of a day, or an area below a street: from the raw rows
        comp = compliance.compliance(conn, p, now)
        out.update({stage: comp[stage]["share"] for stage in STAGES})
        for prio, v in compliance.closure(conn, p, now).items():
            out[f"closure_{prio}"] = v["share"]
    ru = roll_units.c
    rating_sum, rated, resolved = conn.execute(
        select(
            func.coalesce(func.sum(ru.rating_sum), 0),
            func.coalesce(func.sum(ru.rated), 0),
            func.coalesce(func.sum(ru.closed), 0),
        ).where(_days(p, ru.day))
    ).one()
    out["satisfaction"] = int(rating_sum) / int(rated) if rated else None
    out["share_rated"] = share(int(rated), int(resolved))
    out["late"] = outcomes.late_count(conn, p, now)
    out["filter"] = links.of(p)
    return out
