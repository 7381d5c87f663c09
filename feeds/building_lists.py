"""The buildings inside an area (a street, community, grid or micro-grid), with where
each one is: for QR code sheets and freshness counts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from feeds.tables import areas, buildings

# Chunked IN lists: SQLite's bound-parameter limit is far above this, PostgreSQL's too.
_CHUNK = 5000


@dataclass(frozen=True)
class Area:
    code: str
    level: str
    name: str
    name_en: str


@dataclass(frozen=True)
class Building:
    code: str
    name: str
    micro_grid: str
    lon: float
    lat: float
    grid: str  # the grid's code
    grid_name: str
    community_name: str


def area(conn: Connection, code: str) -> Area | None:
    row = conn.execute(
        select(areas.c.code, areas.c.level, areas.c.name, areas.c.name_en).where(
            areas.c.code == code
        )
    ).first()
    return None if row is None else Area(row.code, row.level, row.name, row.name_en)


def buildings_under(conn: Connection, code: str) -> list[Building]:
    """Every building whose micro-grid lies inside the area `code`, ordered by code."""
    tree = conn.execute(select(areas.c.code, areas.c.level, areas.c.name, areas.c.parent)).all()
    children: dict[str, list[str]] = defaultdict(list)
    info: dict[str, Any] = {}
    for row in tree:
        info[row.code] = row
        if row.parent:
            children[row.parent].append(row.code)
    if code not in info:
        return []
    micro: list[str] = []
    todo = [code]
    while todo:
        here = todo.pop()
        if info[here].level == "micro_grid":
            micro.append(here)
        todo.extend(children.get(here, ()))

    def up(start: str, level: str) -> Any:
        here = info.get(start)
        while here is not None and here.level != level:
            here = info.get(here.parent) if here.parent else None
        return here

    out: list[Building] = []
    for i in range(0, len(micro), _CHUNK):
        rows = conn.execute(
            select(buildings).where(buildings.c.micro_grid.in_(micro[i : i + _CHUNK]))
        ).all()
        for b in rows:
            grid, community = up(b.micro_grid, "grid"), up(b.micro_grid, "community")
            out.append(
                Building(
                    code=b.code,
                    name=b.name,
                    micro_grid=b.micro_grid,
                    lon=b.lon,
                    lat=b.lat,
                    grid=grid.code if grid is not None else "",
                    grid_name=grid.name if grid is not None else "",
                    community_name=community.name if community is not None else "",
                )
            )
    out.sort(key=lambda b: b.code)
    return out
