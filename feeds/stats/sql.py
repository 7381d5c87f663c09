"""SQL pieces the figures share: the period's rows, local days and hours."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, select

from feeds.stats.period import DAY_MS, Period
from feeds.tables import areas, incidents

c = incidents.c
EPOCH = date(1970, 1, 1)
HOUR_MS = 3_600_000


def in_period(p: Period, column: Any = None) -> ColumnElement[bool]:
    """Reported (or ``column``) in the period, and in its area if it has one."""
    col = c.reported_at if column is None else column
    cond = col.between(p.start, p.end - 1)
    if p.area_level:
        cond = and_(cond, c[p.area_level] == p.area)
    return cond


def local_day(p: Period, column: Any = None) -> ColumnElement[Any]:
    """Local day number (days since 1970-01-01 in the period's zone)."""
    col = c.reported_at if column is None else column
    return (col + p.offset_ms) // DAY_MS  # floor: "/" would round on PostgreSQL


def local_hour(p: Period, column: Any = None) -> ColumnElement[Any]:
    col = c.reported_at if column is None else column
    return (col + p.offset_ms) // HOUR_MS % 24


def day_of_number(n: int) -> date:
    return EPOCH + timedelta(days=int(n))


def number_of_day(d: date) -> int:
    return (d - EPOCH).days


def names(conn: Connection, level: str) -> dict[str, tuple[str, str, str | None]]:
    """code -> (name, name_en, parent) of every area of a level."""
    stmt = select(areas.c.code, areas.c.name, areas.c.name_en, areas.c.parent).where(
        areas.c.level == level
    )
    return {code: (n, en, parent) for code, n, en, parent in conn.execute(stmt)}


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
