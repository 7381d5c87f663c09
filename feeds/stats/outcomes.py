"""How a period's incidents ended, from roll_outcomes: how many were late (a stage done
after its deadline, from the rollup, plus the open ones past a deadline with none done
late, from the raw rows: few, read along ix_incidents_state_reported), how many closed,
and their ratings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, literal, or_, select

from feeds.pipeline import ACTIVE, STAGES
from feeds.queries import LATE_DONE, late_stage
from feeds.stats.period import Period
from feeds.stats.sql import c, in_period, number_of_day
from feeds.tables import roll_outcomes

RATINGS = ("r1", "r2", "r3", "r4", "r5")


def usable(p: Period) -> bool:
    """Whole local days, and no area or a street (what roll_outcomes keeps)."""
    return p.whole_days and (p.area is None or p.area_level == "street")


def _where(p: Period) -> list[ColumnElement[bool]]:
    ro = roll_outcomes.c
    cond: list[ColumnElement[bool]] = [
        ro.day.between(number_of_day(p.first), number_of_day(p.last))
    ]
    if p.area_level == "street":
        cond.append(ro.street == p.area)
    return cond


def _sum(col: Any) -> Any:
    return func.coalesce(func.sum(col), 0)


def late_count(conn: Connection, p: Period, now: int) -> int:
    """Incidents reported in the period with any stage late: done late, or still pending
    past its deadline."""
    if not usable(p):
        stmt = select(func.count()).where(in_period(p), or_(*(late_stage(s, now) for s in STAGES)))
        return int(conn.execute(stmt).scalar_one())
    done_late = conn.execute(select(_sum(roll_outcomes.c.late)).where(*_where(p))).scalar_one()
    pending = or_(*(and_(d.is_(None), due < literal(now)) for d, due in LATE_DONE.values()))
    none_done_late = and_(*(or_(d.is_(None), d <= due) for d, due in LATE_DONE.values()))
    open_late = conn.execute(
        select(func.count()).where(
            c.state.in_(sorted(ACTIVE)), in_period(p), pending, none_done_late
        )
    ).scalar_one()
    return int(done_late) + int(open_late)


def ratings(conn: Connection, p: Period) -> tuple[dict[int, int], int]:
    """(rating 1-5 -> incidents rated so, incidents closed)."""
    if not usable(p):
        dist = dict.fromkeys(range(1, 6), 0)
        stmt = (
            select(c.rating, func.count())
            .where(in_period(p), c.rating.is_not(None))
            .group_by(c.rating)
        )
        for rating, n in conn.execute(stmt):
            dist[int(rating)] = int(n)
        closed = conn.execute(select(func.count()).where(in_period(p), c.state == "closed"))
        return dist, int(closed.scalar_one())
    ro = roll_outcomes.c
    got = conn.execute(
        select(_sum(ro.closed), *(_sum(ro[r]) for r in RATINGS)).where(*_where(p))
    ).one()
    return {i: int(got[i]) for i in range(1, 6)}, int(got[0])
