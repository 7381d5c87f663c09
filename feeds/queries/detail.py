"""One incident for its page: its row, and the open incidents near it."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import Connection, select

from feeds.pipeline import ACTIVE
from feeds.queries.deadlines import PENDING_DUE
from feeds.tables import incidents

Row = dict[str, Any]

_c = incidents.c


def incident(conn: Connection, incident_id: str) -> Row | None:
    row = conn.execute(
        select(incidents, PENDING_DUE.label("pending_due")).where(_c.id == incident_id)
    ).first()
    return dict(row._mapping) if row else None


def nearby(
    conn: Connection, row: Row, hours: float = 6.0, metres: float = 500.0, limit: int = 20
) -> list[Row]:
    """Open incidents of the same category near this one, reported in the last hours."""
    if row.get("lon") is None or row.get("lat") is None:
        return []
    dlat = metres / 111_320.0
    dlon = metres / (111_320.0 * max(math.cos(math.radians(row["lat"])), 0.01))
    stmt = (
        select(_c.id, _c.number, _c.state, _c.text, _c.reported_at, _c.lon, _c.lat, _c.grid)
        .where(
            _c.id != row["id"],
            _c.category == row["category"],
            _c.state.in_(sorted(ACTIVE | {"resolved"})),
            _c.reported_at >= row["reported_at"] - int(hours * 3_600_000),
            _c.lon.between(row["lon"] - dlon, row["lon"] + dlon),
            _c.lat.between(row["lat"] - dlat, row["lat"] + dlat),
        )
        .order_by(_c.reported_at.desc())
        .limit(limit)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def around(conn: Connection, row: Row, metres: float = 1_000.0, limit: int = 60) -> list[Row]:
    """Open incidents of any kind near this one: the context its map shows."""
    if row.get("lon") is None or row.get("lat") is None:
        return []
    dlat = metres / 111_320.0
    dlon = metres / (111_320.0 * max(math.cos(math.radians(row["lat"])), 0.01))
    stmt = (
        select(
            _c.id,
            _c.number,
            _c.state,
            _c.category,
            _c.lon,
            _c.lat,
            _c.reported_at,
            PENDING_DUE.label("pending_due"),
        )
        .where(
            _c.id != row["id"],
            _c.state.in_(sorted(ACTIVE)),
            _c.lon.between(row["lon"] - dlon, row["lon"] + dlon),
            _c.lat.between(row["lat"] - dlat, row["lat"] + dlat),
        )
        .order_by(_c.reported_at.desc())
        .limit(limit)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]
