"""Reference data: areas (names, options per level, outlines), buildings and units."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from feeds.tables import areas, buildings, units

Row = dict[str, Any]
LEVELS = ("street", "community", "grid", "micro_grid")


def area_names(conn: Connection, codes: list[str | None]) -> dict[str, str]:
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    stmt = select(areas.c.code, areas.c.name).where(areas.c.code.in_(wanted))
    return {code: name for code, name in conn.execute(stmt)}


def area_options(conn: Connection, level: str, parent: str | None = None) -> list[Row]:
    stmt = select(areas.c.code, areas.c.name, areas.c.name_en).where(areas.c.level == level)
    if parent:
        stmt = stmt.where(areas.c.parent == parent)
    return [dict(r._mapping) for r in conn.execute(stmt.order_by(areas.c.code))]


def area_geometry(conn: Connection, code: str) -> str | None:
    """An area's GeoJSON geometry (text)."""
    value = conn.execute(select(areas.c.geometry).where(areas.c.code == code)).scalar()
    return str(value) if value else None


def district_outline(conn: Connection) -> str | None:
    value = conn.execute(
        select(areas.c.geometry).where(areas.c.level == "district").limit(1)
    ).scalar()
    return str(value) if value else None


def unit_rows(conn: Connection) -> list[Row]:
    stmt = select(units.c.id, units.c.name, units.c.name_en, units.c.kind, units.c.street)
    return [dict(r._mapping) for r in conn.execute(stmt.order_by(units.c.id))]


def building_place(conn: Connection, code: str) -> Row | None:
    """A building by its address code, with the names of its grid, community and street."""
    b = conn.execute(select(buildings).where(buildings.c.code == code)).first()
    if b is None:
        return None
    out: Row = dict(b._mapping)
    parent: str | None = b.micro_grid
    chain: dict[str, str] = {}
    while parent:
        a = conn.execute(
            select(areas.c.code, areas.c.level, areas.c.name, areas.c.parent).where(
                areas.c.code == parent
            )
        ).first()
        if a is None:
            break
        chain[a.level] = a.name
        parent = a.parent
    out.update({f"{level}_name": chain.get(level, "") for level in LEVELS})
    return out
