"""Incidents in the store: rows to and from Incident, loading and updating them, their
trail of events, dead letters, and the active and overdue ones."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from feeds.pipeline import ACTIVE, Incident
from feeds.store.writes import Row
from feeds.tables import dead_letters, incident_events, incidents

_STATE_COLUMNS = (
    "state",
    "accepted_at",
    "dispatched_at",
    "on_site_at",
    "resolved_at",
    "closed_at",
    "unit",
    "rating",
    "merged_into",
    "reject_reason",
    "resolution",
    "updated_at",
)


def incident_of(row: Mapping[str, Any]) -> Incident:
    return Incident(
        id=row["id"],
        reported_at=row["reported_at"],
        state=row["state"],
        accepted_at=row["accepted_at"],
        dispatched_at=row["dispatched_at"],
        on_site_at=row["on_site_at"],
        resolved_at=row["resolved_at"],
        closed_at=row["closed_at"],
        unit=row["unit"],
        joint_units=tuple(json.loads(row["joint_units"])),
        rating=row["rating"],
        merged_into=row["merged_into"],
        reject_reason=row["reject_reason"],
        resolution=row["resolution"],
        updated_at=row["updated_at"],
    )


def state_columns(inc: Incident) -> Row:
    out: Row = {c: getattr(inc, c) for c in _STATE_COLUMNS}
    out["joint_units"] = json.dumps(list(inc.joint_units), ensure_ascii=False)
    return out


def load_incidents(conn: Connection, ids: Iterable[str], lock: bool = False) -> dict[str, Row]:
    wanted = sorted(set(ids))
    out: dict[str, Row] = {}
    for i in range(0, len(wanted), 500):
        stmt = select(incidents).where(incidents.c.id.in_(wanted[i : i + 500]))
        if lock:
            stmt = stmt.with_for_update()  # PostgreSQL; SQLite serialises writers anyway
        out.update({r.id: dict(r._mapping) for r in conn.execute(stmt)})
    return out


def update_incidents(conn: Connection, rows: Sequence[Row]) -> None:
    """Write each row's changed columns (all rows carry the same keys, one being id)."""
    if not rows:
        return
    cols = [c for c in rows[0] if c != "id"]
    stmt = (
        update(incidents)
        .where(incidents.c.id == bindparam("_id"))
        .values({c: bindparam(c) for c in cols})
    )
    conn.execute(stmt, [{**{c: r[c] for c in cols}, "_id": r["id"]} for r in rows])


def existing_events(conn: Connection, event_ids: Iterable[str]) -> set[str]:
    wanted = sorted(set(event_ids))
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        stmt = select(incident_events.c.event_id).where(
            incident_events.c.event_id.in_(wanted[i : i + 500])
        )
        found.update(conn.execute(stmt).scalars())
    return found


def trail(conn: Connection, incident_id: str) -> list[Row]:
    stmt = (
        select(incident_events)
        .where(incident_events.c.incident_id == incident_id)
        .order_by(incident_events.c.at, incident_events.c.event_id)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def add_dead_letters(conn: Connection, rows: Sequence[Row]) -> set[str]:
    """Insert the dead letters whose (stream, entry) has none yet: an entry handled again
    after a crash is not dead-lettered twice. The entry ids inserted."""
    fresh: dict[tuple[str, str], Row] = {}
    for row in rows:
        fresh.setdefault((row["stream"], row["entry_id"]), row)
    for stream in {k[0] for k in fresh}:
        ids = sorted(e for s, e in fresh if s == stream)
        for i in range(0, len(ids), 500):
            stmt = select(dead_letters.c.entry_id).where(
                dead_letters.c.stream == stream, dead_letters.c.entry_id.in_(ids[i : i + 500])
            )
            for entry_id in conn.execute(stmt).scalars():
                fresh.pop((stream, entry_id), None)
    if fresh:
        conn.execute(dead_letters.insert(), list(fresh.values()))
    return {e for _, e in fresh}


def overdue(conn: Connection, now: int, limit: int = 5000) -> list[Row]:
    """Active incidents whose pending stage's deadline has passed."""
    stmt = (
        select(incidents)
        .where(incidents.c.state.in_(sorted(ACTIVE)), incidents.c.sweep_at < now)
        .order_by(incidents.c.sweep_at)
        .limit(limit)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def active_incidents(conn: Connection) -> list[Row]:
    stmt = select(incidents).where(incidents.c.state.in_(sorted(ACTIVE)))
    return [dict(r._mapping) for r in conn.execute(stmt)]
