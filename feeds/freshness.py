"""Data freshness of buildings (DOMAIN.md): green, updated within six months; yellow, not
updated for six months; red, never updated. An update is a grid worker's patrol check-in
at the building or the date an imported address register gives for it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Final, Literal

from sqlalchemy import Connection, case, func, select
from sqlalchemy.dialects import postgresql, sqlite

from feeds.tables import areas, building_updates, buildings

Fresh = Literal["green", "yellow", "red"]
COLOURS: Final[tuple[Fresh, ...]] = ("green", "yellow", "red")
# Six months as the domain counts them: half a year of days, not calendar months (the
# wall turns a building yellow on the same day whatever month it is).
SIX_MONTHS_MS: Final = 183 * 86_400_000
SOURCES: Final = ("patrol", "import")


def status(updated_at: int | None, now: int) -> Fresh:
    if updated_at is None:
        return "red"
    return "green" if now - updated_at < SIX_MONTHS_MS else "yellow"


def note_updates(conn: Connection, updates: Iterable[tuple[str, int, str]]) -> None:
    """Record (address code, ms, source) updates; a building keeps its latest only, so a
    late or replayed check-in never moves it back."""
    latest: dict[str, tuple[int, str]] = {}
    for code, at, source in updates:
        if source not in SOURCES:
            raise ValueError(f"unknown update source {source!r} (one of {', '.join(SOURCES)})")
        if code not in latest or at > latest[code][0]:
            latest[code] = (at, source)
    if not latest:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(building_updates)
    stmt = stmt.on_conflict_do_update(
        index_elements=["code"],
        set_={"updated_at": stmt.excluded.updated_at, "source": stmt.excluded.source},
        where=building_updates.c.updated_at < stmt.excluded.updated_at,
    )
    rows = [{"code": c, "updated_at": a, "source": s} for c, (a, s) in sorted(latest.items())]
    conn.execute(stmt, rows)


def _joined(conn: Connection) -> list[tuple[str, str, float, float, int | None]]:
    """Every building: code, micro-grid, lon, lat, last update (None: never)."""
    b, u = buildings.c, building_updates.c
    stmt = select(b.code, b.micro_grid, b.lon, b.lat, u.updated_at).select_from(
        buildings.outerjoin(building_updates, u.code == b.code)
    )
    return [(r[0], r[1], r[2], r[3], r[4]) for r in conn.execute(stmt)]


def points(conn: Connection, now: int) -> dict[str, object]:
    """The wall's layer: every building as [lon, lat, g|y|r], and the totals."""
    out: list[tuple[float, float, str]] = []
    totals: Counter[str] = Counter()
    for _code, _micro, lon, lat, at in _joined(conn):
        s = status(at, now)
        totals[s] += 1
        out.append((round(lon, 6), round(lat, 6), s[0]))
    return {"t": now, "points": out, "totals": {c: totals[c] for c in COLOURS}}


def _cell_counts(conn: Connection, now: int) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    """Per micro-grid: its buildings, and (updated, updated within six months)."""
    b, u = buildings.c, building_updates.c
    every: dict[str, int] = {
        code: int(n)
        for code, n in conn.execute(select(b.micro_grid, func.count()).group_by(b.micro_grid))
    }
    green = func.sum(case((u.updated_at > now - SIX_MONTHS_MS, 1), else_=0))
    # grouped by an expression, not the column: by the column SQLite walks every building
    # in micro-grid index order and looks each one's update up (4.7-6.3 s for 1.1 million);
    # this way it reads the updates and looks up their buildings (0.45-0.75 s)
    by_cell = b.micro_grid.concat("")
    updated = {
        code: (int(n), int(g or 0))
        for code, n, g in conn.execute(
            select(by_cell, func.count(), green)
            .select_from(building_updates.join(buildings, b.code == u.code))
            .group_by(by_cell)
        )
    }
    return every, updated


def _colours(n: int, updated: tuple[int, int]) -> tuple[int, int, int]:
    """(green, yellow, red) of a cell's n buildings, from (updated, updated within six months)."""
    done, green = updated
    return green, done - green, n - done


def per_cell(conn: Connection, now: int) -> dict[str, object]:
    """The wall's layer at district zoom: each micro-grid as [lon, lat, green, yellow, red]
    at a point inside it (its label point), and the totals; counted in SQL, so a
    register of a million buildings costs a wall one row per cell.

    Buildings per cell are counted from the micro-grid index alone and the updated ones
    apart (red is the rest): one GROUP BY over every building joined to its update took
    6.6 s for 1.1 million on SQLite (bench/fresh_layer.py)."""
    a = areas.c
    every, updated = _cell_counts(conn, now)
    at = {
        code: (lon, lat)
        for code, lon, lat in conn.execute(
            select(a.code, a.lon, a.lat).where(a.level == "micro_grid")
        )
    }
    cells: list[tuple[float, float, int, int, int]] = []
    totals: Counter[str] = Counter()
    for cell in sorted(every):
        if cell not in at:
            continue  # a building left in a cell no longer in the geography
        row = _colours(every[cell], updated.get(cell, (0, 0)))
        cells.append((round(at[cell][0], 6), round(at[cell][1], 6), *row))
        totals.update(dict(zip(COLOURS, row, strict=True)))
    return {"t": now, "cells": cells, "totals": {c: totals[c] for c in COLOURS}}


def in_box(
    conn: Connection, now: int, box: tuple[float, float, float, float], limit: int
) -> dict[str, object]:
    """The wall's layer zoomed in: the buildings inside box (west, south, east, north) as
    [lon, lat, g|y|r]; none and `more: true` when there are over `limit` of them."""
    b, u = buildings.c, building_updates.c
    west, south, east, north = box
    stmt = (
        select(b.lon, b.lat, u.updated_at)
        .select_from(buildings.outerjoin(building_updates, u.code == b.code))
        .where(b.lon.between(west, east), b.lat.between(south, north))
        .limit(limit + 1)
    )
    rows = conn.execute(stmt).all()
    if len(rows) > limit:
        return {"t": now, "points": [], "more": True}
    points = [(round(lon, 6), round(lat, 6), status(at, now)[0]) for lon, lat, at in rows]
    return {"t": now, "points": points, "more": False}


def per_grid(conn: Connection, now: int) -> dict[str, dict[str, int]]:
    """Grid code -> buildings per colour (every colour present, zero when none): the
    micro-grids' counts (as the wall's cells, ``per_cell``) summed per grid."""
    every, updated = _cell_counts(conn, now)
    parent = {code: up for code, up in conn.execute(select(areas.c.code, areas.c.parent))}
    out: dict[str, dict[str, int]] = {}
    for cell, n in every.items():
        row = out.setdefault(parent.get(cell) or cell, dict.fromkeys(COLOURS, 0))
        for colour, k in zip(COLOURS, _colours(n, updated.get(cell, (0, 0))), strict=True):
            row[colour] += k
    return out
