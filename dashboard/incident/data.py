"""What the incident page reads from SQL on load and on each redraw."""

from __future__ import annotations

import json
from typing import Any

from dashboard.services import current
from feeds import numbering, queries, store


def load(iid: str, with_map: bool = False) -> dict[str, Any] | None:
    """The incident, its trail, nearby incidents and names; ``with_map``: also what its
    map shows (drawn once, on load: the street, the open incidents around it)."""
    s = current()
    with s.engine.connect() as conn:
        row = queries.incident(conn, iid)
        if row is None:
            return None
        trail = store.trail(conn, iid)
        into = [json.loads(t["detail"] or "{}").get("into") for t in trail]
        out = {
            "row": row,
            "trail": trail,
            "nearby": queries.nearby(conn, row),
            "units": queries.unit_rows(conn),
            "names": queries.area_names(
                conn, [row["street"], row["community"], row["grid"], row["micro_grid"]]
            ),
            "numbers": numbering.numbers_of(
                conn, [str(i) for i in (*into, row["merged_into"]) if i]
            ),
            "cell": queries.area_geometry(conn, row["micro_grid"]) if row["micro_grid"] else None,
        }
        if with_map:
            out["street_area"] = (
                queries.area_geometry(conn, row["street"]) if row["street"] else None
            )
            out["around"] = queries.around(conn, row)
        return out
