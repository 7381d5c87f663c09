"""Reference data: the district's areas, buildings, units, crowd zones and sensors,
saved and read back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, Table, func, select

from feeds.store.writes import Row, upsert_all
from feeds.tables import areas, buildings, crowd_zones, sensors, units


def has_district(conn: Connection) -> bool:
    return conn.execute(select(func.count()).select_from(areas)).scalar_one() > 0


def save_reference(conn: Connection, data: Mapping[str, Sequence[Row]]) -> None:
    tables = {t.name: t for t in (areas, buildings, units, crowd_zones, sensors)}
    for name, rows in data.items():
        table = tables[name]
        upsert_all(conn, table, next(iter(table.primary_key.columns)).name, rows)


def load_rows(conn: Connection, table: Table) -> list[Row]:
    return [dict(r._mapping) for r in conn.execute(select(table))]


def areas_of_level(conn: Connection, level: str) -> list[Row]:
    stmt = select(areas).where(areas.c.level == level).order_by(areas.c.code)
    return [dict(r._mapping) for r in conn.execute(stmt)]
