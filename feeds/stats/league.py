"""The units' league table, as the monthly 数字城管 assessment reads it.

For the incidents reported in the period: ``assigned`` (应结案数) are those the unit holds
(or held last); ``closed`` (结案数) those of them resolved; ``on_time`` (按期结案数)
resolved by their deadline. Closure rate = closed / assigned, on-time closure rate =
on_time / assigned. ``backlog`` is what the unit holds now past its resolve deadline,
whenever reported. Late stages and the p90 per stage are charged to the unit that held
the incident at the time (feeds.stats.holders), through re-routes and returns. A unit
is ranked only with at least ``min_sample`` assigned incidents.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, case, func, literal, select

from feeds.figures import percentile
from feeds.pipeline import ACTIVE
from feeds.stats import fast, links
from feeds.stats.compliance import stage_facts, timelines
from feeds.stats.period import Period
from feeds.stats.sql import c, in_period, number_of_day, share
from feeds.tables import roll_units, units

Row = dict[str, Any]
MIN_SAMPLE = 10
Charged = dict[tuple[str, str], Row]  # (unit, stage) -> charged, late, p90_s
UNIT_STAGES = ("arrive", "resolve")


def _raw(conn: Connection, p: Period, now: int) -> tuple[dict[str, Row], dict[str, int], Charged]:
    """Per unit counts, incidents held, stages charged: from the period's raw rows."""
    resolved = c.resolved_at.is_not(None)
    stmt = (
        select(
            c.unit,
            func.count(),
            func.sum(case((resolved, 1), else_=0)),
            func.sum(case((and_(resolved, c.resolved_at <= c.due_resolve), 1), else_=0)),
            func.avg(c.rating),
            func.count(c.rating),
        )
        .where(in_period(p), c.unit.is_not(None))
        .group_by(c.unit)
    )
    per: dict[str, Row] = {}
    for unit, n, closed, on_time, mean, rated in conn.execute(stmt):
        per[unit] = {
            "assigned": int(n),
            "closed": int(closed or 0),
            "on_time": int(on_time or 0),
            "rating_mean": float(mean) if mean is not None else None,
            "rated": int(rated),
        }
    held: dict[str, int] = {}
    for _iid, (_times, holders) in timelines(conn, p).items():
        for u in set(holders):
            if u:
                held[u] = held.get(u, 0) + 1
    charged: dict[str, dict[str, list[tuple[int | None, bool]]]] = {}
    for _row, f in stage_facts(conn, p, now):
        if f.unit and f.stage in UNIT_STAGES:
            charged.setdefault(f.unit, {}).setdefault(f.stage, []).append((f.duration_s, f.on_time))
    stages: Charged = {}
    for uid, by_stage in charged.items():
        for st, items in by_stage.items():
            durations = [float(d) for d, _ in items if d is not None]
            stages[(uid, st)] = {
                "charged": len(items),
                "late": sum(1 for _, ok in items if not ok),
                "p90_s": percentile(durations, 90),
            }
    return per, held, stages


def _rolled(
    conn: Connection, p: Period, now: int
) -> tuple[dict[str, Row], dict[str, int], Charged]:
    """The same from roll_units and roll_stages."""
    ru = roll_units.c
    stmt = (
        select(
            ru.unit,
            func.sum(ru.held),
            func.sum(ru.assigned),
            func.sum(ru.closed),
            func.sum(ru.on_time),
            func.sum(ru.rating_sum),
            func.sum(ru.rated),
        )
        .where(ru.day.between(number_of_day(p.first), number_of_day(p.last)))
        .group_by(ru.unit)
    )
    per: dict[str, Row] = {}
    held: dict[str, int] = {}
    for unit, h, n, closed, on_time, rsum, rated in conn.execute(stmt):
        held[unit] = int(h)
        if int(n):
            per[unit] = {
                "assigned": int(n),
                "closed": int(closed),
                "on_time": int(on_time),
                "rating_mean": int(rsum) / int(rated) if int(rated) else None,
                "rated": int(rated),
            }
    stages: Charged = {}
    for (uid, st), v in fast.stage_table(conn, p, now, "unit", UNIT_STAGES).items():
        stages[(uid, st)] = {
            "charged": v["due"],
            "late": v["due"] - v["on_time"],
            "p90_s": v["p90_s"],
        }
    return per, held, stages


def league(conn: Connection, p: Period, now: int, min_sample: int = MIN_SAMPLE) -> Row:
    per, held, charged = (_rolled if fast.usable(p, "unit") else _raw)(conn, p, now)
    backlog: dict[str, int] = dict(
        conn.execute(
            select(c.unit, func.count())
            .where(
                c.unit.is_not(None),
                c.state.in_(sorted(ACTIVE)),
                c.due_resolve < literal(now),
            )
            .group_by(c.unit)
        ).all()
    )
    rows: list[Row] = []
    for uid, name, name_en, kind in conn.execute(
        select(units.c.id, units.c.name, units.c.name_en, units.c.kind).order_by(units.c.id)
    ):
        a = per.get(
            uid, {"assigned": 0, "closed": 0, "on_time": 0, "rating_mean": None, "rated": 0}
        )
        none = {"charged": 0, "late": 0, "p90_s": None}
        stages: Row = {s: charged.get((uid, s), none) for s in UNIT_STAGES}
        rows.append(
            {
                "unit": uid,
                "name": name,
                "name_en": name_en,
                "kind": kind,
                **a,
                "held": held.get(uid, 0),
                "closure_rate": share(a["closed"], a["assigned"]),
                "on_time_rate": share(a["on_time"], a["assigned"]),
                "backlog": int(backlog.get(uid, 0)),
                "stages": stages,
                "ranked": a["assigned"] >= min_sample,
                "filter": links.of(p, unit=uid),
                "filter_backlog": {
                    "unit": uid,
                    "late": "resolve",
                    "state": ",".join(sorted(ACTIVE)),
                },
            }
        )
    ranked = [r for r in rows if r["ranked"]]
    ranked.sort(
        key=lambda r: (
            -(r["on_time_rate"] or 0),
            -(r["closure_rate"] or 0),
            r["stages"]["resolve"]["late"] + r["stages"]["arrive"]["late"],
            r["unit"],
        )
    )
    for i, r in enumerate(ranked, start=1):
        r["rank"] = i
    unranked = sorted(
        (r for r in rows if not r["ranked"]), key=lambda r: (-r["assigned"], r["unit"])
    )
    for r in unranked:
        r["rank"] = None
    return {
        "min_sample": min_sample,
        "note": f"ranked with at least {min_sample} assigned incidents in the period",
        "note_zh": f"派遣不少于{min_sample}件的单位参与排名",
        "rows": ranked + unranked,
    }
