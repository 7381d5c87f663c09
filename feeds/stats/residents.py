"""Residents per area, for rankings per 10,000 residents.

The demo district is synthetic and has no census figures. ``seed`` shares a district
total (about 500,000, the order of Binjiang's 2020 census population) over the grids in
proportion to their buildings, and sums grids up to communities and streets; every row
says so in ``source``. A real deployment loads its own figures into ``area_residents``.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, func, select

from feeds.tables import area_residents, areas, buildings

DISTRICT_RESIDENTS = 500_000
SYNTHETIC = "synthetic: 500,000 shared over grids by building count (demo district)"


def seed(conn: Connection, total: int = DISTRICT_RESIDENTS) -> int:
    """Fill area_residents when it is empty; the number of rows written."""
    if conn.execute(select(func.count()).select_from(area_residents)).scalar_one():
        return 0
    parent = {
        code: p
        for code, p in conn.execute(
            select(areas.c.code, areas.c.parent).where(
                areas.c.level.in_(("micro_grid", "grid", "community"))
            )
        )
    }
    per_grid: dict[str, int] = {}
    for micro, n in conn.execute(
        select(buildings.c.micro_grid, func.count()).group_by(buildings.c.micro_grid)
    ):
        grid = parent.get(micro)
        if grid:
            per_grid[grid] = per_grid.get(grid, 0) + int(n)
    all_b = sum(per_grid.values())
    if not all_b:
        return 0
    people: dict[str, int] = {}
    for grid, n in per_grid.items():
        share = round(total * n / all_b)
        people[grid] = share
        community = parent.get(grid)
        street = parent.get(community) if community else None
        for up in (community, street):
            if up:
                people[up] = people.get(up, 0) + share
    conn.execute(delete(area_residents))
    conn.execute(
        area_residents.insert(),
        [{"code": k, "residents": v, "source": SYNTHETIC} for k, v in sorted(people.items())],
    )
    return len(people)


def of(conn: Connection) -> dict[str, tuple[int, str]]:
    """code -> (residents, where the figure comes from)."""
    stmt = select(area_residents.c.code, area_residents.c.residents, area_residents.c.source)
    return {code: (int(n), src) for code, n, src in conn.execute(stmt)}
