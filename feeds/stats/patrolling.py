"""Patrol coverage: per grid, the share of its buildings grid workers checked in at, and
the grids (and days) with no patrol at all."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, distinct, func, select

from feeds.stats import links
from feeds.stats.period import DAY_MS, Period
from feeds.stats.rollup import patrols as patrol_rollup
from feeds.stats.sql import day_of_number, names
from feeds.tables import areas, buildings, patrols

Row = dict[str, Any]


def _buildings_per_grid(conn: Connection) -> dict[str, int]:
    micro = areas.alias("micro")
    stmt = (
        select(micro.c.parent, func.count())
        .select_from(buildings.join(micro, micro.c.code == buildings.c.micro_grid))
        .group_by(micro.c.parent)
    )
    return {str(g): int(n) for g, n in conn.execute(stmt) if g}


def _per_grid_raw(conn: Connection, p: Period) -> dict[str, tuple[int, int, int, int]]:
    """grid -> (buildings visited, check-ins, issues, days with a check-in), from the
    check-ins themselves (a period that is not whole days)."""
    t = patrols.c
    cond: list[ColumnElement[bool]] = [t.ts.between(p.start, p.end - 1)]
    if p.area_level in ("street", "community", "grid"):
        cond.append(t[p.area_level] == p.area)
    day = (t.ts + p.offset_ms) // DAY_MS
    stmt = (
        select(
            t.grid,
            func.count(distinct(t.address)),
            func.count(),
            func.sum(case((t.found == "issue", 1), else_=0)),
            func.count(distinct(day)),
        )
        .where(and_(*cond))
        .group_by(t.grid)
    )
    return {str(g): (int(v), int(n), int(i or 0), int(d)) for g, v, n, i, d in conn.execute(stmt)}


def coverage(conn: Connection, p: Period) -> Row:
    """Every grid (of the period's area, if any): ``buildings``, ``visited`` (distinct
    buildings checked in at), ``coverage`` = visited / buildings, ``checkins``, ``issues``
    (check-ins that found something), ``days_patrolled`` of ``days``. ``no_patrol`` lists
    the grids with no check-in in the whole period, and ``days_without`` per grid counts
    the days of the period it had none."""
    got = patrol_rollup.per_grid(conn, p) if p.whole_days else _per_grid_raw(conn, p)
    per_grid = _buildings_per_grid(conn)
    grid_names = names(conn, "grid")
    days = p.n_days
    rows: list[Row] = []
    for code, (name, name_en, _parent) in sorted(grid_names.items()):
        if p.area and not (code == p.area or code.startswith(p.area + "-")):
            continue
        visited, n, issues, patrolled = got.get(code, (0, 0, 0, 0))
        b = per_grid.get(code, 0)
        rows.append(
            {
                "grid": code,
                "name": name,
                "name_en": name_en,
                "buildings": b,
                "visited": visited,
                "coverage": visited / b if b else None,
                "checkins": n,
                "issues": issues,
                "days": days,
                "days_patrolled": patrolled,
                "days_without": days - patrolled,
                "filter": links.of(p, grid=code, source="patrol"),
            }
        )
    visited_all = sum(r["visited"] for r in rows)
    buildings_all = sum(r["buildings"] for r in rows)
    return {
        "grids": rows,
        "no_patrol": [r["grid"] for r in rows if r["checkins"] == 0],
        "coverage": visited_all / buildings_all if buildings_all else None,
        "checkins": sum(r["checkins"] for r in rows),
    }


def days_without_patrol(conn: Connection, p: Period) -> list[Row]:
    """Per local day of the period: how many grids had no check-in."""
    if p.whole_days:
        per_day = patrol_rollup.grids_per_day(conn, p)
        seen = {day_of_number(d).isoformat(): n for d, n in per_day.items()}
    else:
        t = patrols.c
        day = (t.ts + p.offset_ms) // DAY_MS
        stmt = (
            select(day, func.count(distinct(t.grid)))
            .where(t.ts.between(p.start, p.end - 1))
            .group_by(day)
        )
        seen = {day_of_number(int(d)).isoformat(): int(n) for d, n in conn.execute(stmt)}
    total = len(names(conn, "grid"))
    return [
        {"day": d.isoformat(), "grids_without": total - seen.get(d.isoformat(), 0)}
        for d in p.day_list()
    ]
