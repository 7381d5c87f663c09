"""Patrol check-ins per local day and grid (roll_patrol_days) and the buildings visited
per local month and grid with a bit per day of the month (roll_patrol_months), added as
check-ins are written (``on_patrols``, in their transaction, with the rows the INSERT
created) and read for whole-day periods (``per_grid``, ``grids_per_day``).

A month's bits OR-ed in twice are the same bits, and the day counts are only added for
rows the INSERT created, so a redelivered check-in changes nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, delete, distinct, func, or_, select

from feeds.stats.period import Period, utc_offset_ms
from feeds.stats.rollup.keys import Key, local_day, month_of
from feeds.stats.sql import number_of_day
from feeds.store import _insert
from feeds.tables import patrols, roll_patrol_days, roll_patrol_months

Row = dict[str, Any]
DAYS_KEY = ("day", "grid")
DAYS_VAL = ("n", "issues")
MONTHS_KEY = ("month", "grid", "address")
AREA_LEVELS = ("street", "community", "grid")
FILL_SPAN_MS = 7 * 86_400_000  # check-ins read a week at a time when filling


class Shares:
    """The rollups' share of some check-ins: (day, grid) -> [n, issues], (month, grid,
    address) -> day bits, grid -> {street, community} (the first seen)."""

    def __init__(self) -> None:
        self.days: dict[Key, list[int]] = {}
        self.months: dict[Key, int] = {}
        self.places: dict[str, Row] = {}

    def add(self, rows: Iterable[Mapping[str, Any]], offset_ms: int) -> None:
        for r in rows:
            day = local_day(int(r["ts"]), offset_ms)
            grid = r["grid"] or ""
            v = self.days.setdefault((day, grid), [0, 0])
            v[0] += 1
            v[1] += int(r["found"] == "issue")
            month = month_of(day)
            k = (month, grid, r["address"])
            self.months[k] = self.months.get(k, 0) | (1 << (day - month))
            place = {"street": r["street"] or "", "community": r["community"] or ""}
            self.places.setdefault(grid, place)

    def clear(self) -> None:
        self.days.clear()
        self.months.clear()
        self.places.clear()

    def write(self, conn: Connection) -> None:
        """Add to the tables: counts summed, day bits OR-ed."""
        if self.days:
            t = roll_patrol_days.c
            stmt = _insert(conn, roll_patrol_days)
            stmt = stmt.on_conflict_do_update(
                index_elements=list(DAYS_KEY),
                set_={"n": t.n + stmt.excluded.n, "issues": t.issues + stmt.excluded.issues},
            )
            params = [
                {"day": d, "grid": g, "n": n, "issues": i, **self.places[g]}
                for (d, g), (n, i) in sorted(self.days.items())
            ]
            conn.execute(stmt, params)
        if self.months:
            m = roll_patrol_months.c
            stmt = _insert(conn, roll_patrol_months)
            stmt = stmt.on_conflict_do_update(
                index_elements=list(MONTHS_KEY), set_={"days": m.days.op("|")(stmt.excluded.days)}
            )
            params = [
                {"month": mo, "grid": g, "address": a, "days": bits, **self.places[g]}
                for (mo, g, a), bits in sorted(self.months.items())
            ]
            conn.execute(stmt, params)


def on_patrols(conn: Connection, rows: Sequence[Mapping[str, Any]], tz: str) -> None:
    """Check-in rows just inserted (only those the INSERT created)."""
    if rows:
        got = Shares()
        got.add(rows, utc_offset_ms(tz, int(rows[0]["ts"])))
        got.write(conn)


def _raw(conn: Connection, lo: int | None = None, hi: int | None = None) -> Iterable[Row]:
    t = patrols.c
    stmt = select(t.ts, t.grid, t.address, t.street, t.community, t.found)
    if lo is not None and hi is not None:
        stmt = stmt.where(t.ts >= lo, t.ts < hi)
    return (dict(r._mapping) for r in conn.execute(stmt))


def recount(conn: Connection, tz: str) -> dict[str, dict[Key, tuple[int, ...]]]:
    """Both tables afresh from the stored check-ins, shaped like ``rollup.stored``."""
    got = Shares()
    first = conn.execute(select(func.min(patrols.c.ts))).scalar_one()
    got.add(_raw(conn), utc_offset_ms(tz, int(first or 0)))
    return {
        "roll_patrol_days": {k: tuple(v) for k, v in got.days.items()},
        "roll_patrol_months": {k: (bits,) for k, bits in got.months.items()},
    }


def fill(conn: Connection, tz: str) -> int:
    """Make both tables from the stored check-ins (a store from before them), a week of
    check-ins at a time; the check-ins read."""
    conn.execute(delete(roll_patrol_days))
    conn.execute(delete(roll_patrol_months))
    lo, hi = conn.execute(select(func.min(patrols.c.ts), func.max(patrols.c.ts))).one()
    if lo is None:
        return 0
    offset, read = utc_offset_ms(tz, int(lo)), 0
    for a in range(int(lo), int(hi) + 1, FILL_SPAN_MS):
        got = Shares()
        rows = list(_raw(conn, a, a + FILL_SPAN_MS))
        got.add(rows, offset)
        got.write(conn)
        read += len(rows)
    return read


def empty(conn: Connection) -> bool:
    """No day rows while check-ins are stored."""
    if conn.execute(select(roll_patrol_days.c.day).limit(1)).first() is not None:
        return False
    return conn.execute(select(patrols.c.id).limit(1)).first() is not None


def _area(p: Period, table: Any) -> list[ColumnElement[bool]]:
    level = p.area_level
    return [table.c[level] == p.area] if level in AREA_LEVELS else []


def month_masks(first: date, last: date) -> list[tuple[int, int]]:
    """(month's first day number, bits of the period's days in it) for every month the
    days ``first``..``last`` touch."""
    out = []
    d = first
    while d <= last:
        end = min((d.replace(day=1) + timedelta(32)).replace(day=1) - timedelta(1), last)
        bits = ((1 << (end.day - d.day + 1)) - 1) << (d.day - 1)
        out.append((number_of_day(d.replace(day=1)), bits))
        d = end + timedelta(1)
    return out


def per_grid(conn: Connection, p: Period) -> dict[str, tuple[int, int, int, int]]:
    """grid -> (buildings visited, check-ins, issues, days with a check-in) for a
    whole-day period."""
    d = roll_patrol_days.c
    stmt = (
        select(d.grid, func.sum(d.n), func.sum(d.issues), func.count())
        .where(
            d.day.between(number_of_day(p.first), number_of_day(p.last)),
            *_area(p, roll_patrol_days),
        )
        .group_by(d.grid)
    )
    counts = {str(g): (int(n), int(i), int(k)) for g, n, i, k in conn.execute(stmt)}
    m = roll_patrol_months.c
    masks = month_masks(p.first, p.last)
    months = or_(*(and_(m.month == mo, m.days.op("&")(bits) != 0) for mo, bits in masks))
    stmt2 = (
        select(m.grid, func.count(distinct(m.address)))
        .where(months, *_area(p, roll_patrol_months))
        .group_by(m.grid)
    )
    visited = {str(g): int(v) for g, v in conn.execute(stmt2)}
    return {g: (visited.get(g, 0), *v) for g, v in counts.items()}


def grids_per_day(conn: Connection, p: Period) -> dict[int, int]:
    """Local day number -> grids with a check-in that day, for a whole-day period."""
    d = roll_patrol_days.c
    stmt = (
        select(d.day, func.count())
        .where(d.day.between(number_of_day(p.first), number_of_day(p.last)), d.grid != "")
        .group_by(d.day)
    )
    return {int(day): int(n) for day, n in conn.execute(stmt)}
