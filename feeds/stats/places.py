"""Repeat places (source governance): buildings and grids where the same category was
reported again and again in the period."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import Connection, func, select

from feeds.stats import links
from feeds.stats.period import Period
from feeds.stats.sql import c, in_period
from feeds.tables import areas, buildings

Row = dict[str, Any]
Place = Literal["building", "grid"]
THRESHOLD = 3


def repeats(
    conn: Connection, p: Period, place: Place = "building", threshold: int = THRESHOLD
) -> list[Row]:
    """(place, category) pairs reported at least ``threshold`` times, most first.
    Buildings are reports carrying the building's address code (QR code, patrol scan)."""
    col = c.address if place == "building" else c.grid
    if place not in ("building", "grid"):
        raise ValueError(f"unknown place {place!r}")
    stmt = (
        select(col, c.category, func.count(), func.min(c.reported_at), func.max(c.reported_at))
        .where(in_period(p), col.is_not(None))
        .group_by(col, c.category)
        .having(func.count() >= threshold)
    )
    found = [(str(k), str(cat), int(n), int(a), int(b)) for k, cat, n, a, b in conn.execute(stmt)]
    found.sort(key=lambda r: (-r[2], r[0], r[1]))
    codes = sorted({r[0] for r in found})
    if place == "building":
        named = {
            code: (name, grid)
            for code, name, grid in conn.execute(
                select(buildings.c.code, buildings.c.name, buildings.c.micro_grid).where(
                    buildings.c.code.in_(codes)
                )
            )
        }
    else:
        named = {
            code: (name, code)
            for code, name in conn.execute(
                select(areas.c.code, areas.c.name).where(areas.c.code.in_(codes))
            )
        }
    key = "address" if place == "building" else "grid"
    return [
        {
            "place": place,
            "code": code,
            "name": named.get(code, (code, None))[0],
            "category": cat,
            "n": n,
            "first": first,
            "last": last,
            "filter": links.of(p, category=cat, **{key: code}),
        }
        for code, cat, n, first, last in found
    ]
