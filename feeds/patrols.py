"""Grid workers' patrol check-ins (stream ``patrols``, wire format v2) as stored rows,
placed by the building's address code. Pure; the worker applies them in
feeds/ingest/patrols.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from feeds.reference import Reference
from feeds.schemas import Patrol

Row = dict[str, Any]


def patrol_row(p: Patrol, ref: Reference) -> Row | None:
    """The stored row, placed by the building; None for an unknown address code."""
    building = ref.buildings.get(p.address)
    if building is None:
        return None
    lon, lat, micro = building
    place = ref.place(micro, lon, lat)
    return {
        "id": p.id,
        "worker": p.worker,
        "address": p.address,
        "micro_grid": place.micro_grid,
        "grid": place.grid,
        "community": place.community,
        "street": place.street,
        "ts": p.ts,
        "found": p.found,
        "report": p.report,
        "note": p.note,
    }


def rows_of(ps: Sequence[Patrol], ref: Reference) -> tuple[list[Row], list[Patrol]]:
    good, unknown = [], []
    for p in ps:
        row = patrol_row(p, ref)
        if row is None:
            unknown.append(p)
        else:
            good.append(row)
    return good, unknown


__all__ = ["patrol_row", "rows_of"]
