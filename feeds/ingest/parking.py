"""Parked actions: SQL I/O of the actions that wait for their incident or for the actions
that must come before them. Functions take a connection, inside the caller's transaction.

Taking parked actions out is a DELETE ... RETURNING: on PostgreSQL two workers cannot
both take the same one, and an action taken but not applied is parked again in the same
transaction, so none is lost or applied twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, select

from feeds import store
from feeds.schemas import Action, decode_action
from feeds.tables import incidents, parked_actions

P = parked_actions.c


@dataclass
class Waiting:
    action: Action
    entry_id: str
    fields: dict[str, str]
    reason: str
    parked_at: int | None = None  # None: parked by this batch


def park(conn: Connection, waits: Iterable[Waiting], now: int) -> None:
    rows = [
        {
            "event_id": w.action.id,
            "incident_id": w.action.incident,
            "entry_id": w.entry_id,
            "ts": w.action.ts,
            "fields": json.dumps(w.fields, ensure_ascii=False),
            "waiting_for": w.reason[:1000],
            "parked_at": now if w.parked_at is None else w.parked_at,
        }
        for w in waits
    ]
    store.insert_new(conn, parked_actions, "event_id", rows)


def _taken(rows: Sequence[Any]) -> list[Waiting]:
    out = []
    for row in rows:
        fields = json.loads(row.fields)
        action = decode_action(fields)  # it decoded when it was parked
        out.append(Waiting(action, row.entry_id, fields, row.waiting_for, row.parked_at))
    return out


def _take(conn: Connection, where: Any) -> list[Waiting]:
    stmt = delete(parked_actions).where(where).returning(*parked_actions.c)
    return _taken(list(conn.execute(stmt)))


def take_for(conn: Connection, incident_ids: Iterable[str]) -> list[Waiting]:
    """Take out the actions parked on these incidents."""
    wanted = sorted(set(incident_ids))
    out: list[Waiting] = []
    for i in range(0, len(wanted), 500):
        out.extend(_take(conn, P.incident_id.in_(wanted[i : i + 500])))
    return out


def take_ids(conn: Connection, event_ids: Iterable[str]) -> list[Waiting]:
    """Take out these actions if parked (they were delivered again)."""
    wanted = sorted(set(event_ids))
    out: list[Waiting] = []
    for i in range(0, len(wanted), 500):
        out.extend(_take(conn, P.event_id.in_(wanted[i : i + 500])))
    return out


def incidents_parked_before(conn: Connection, before: int, limit: int = 1000) -> set[str]:
    """Incidents with an action parked before ``before``."""
    stmt = select(P.incident_id).where(P.parked_at < before).distinct().limit(limit)
    return set(conn.execute(stmt).scalars())


def any_for(conn: Connection, incident_ids: Iterable[str]) -> set[str]:
    """Which of these incidents have actions parked on them."""
    wanted = sorted(set(incident_ids))
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        stmt = select(P.incident_id).where(P.incident_id.in_(wanted[i : i + 500])).distinct()
        found.update(conn.execute(stmt).scalars())
    return found


def waiting_on_known(conn: Connection, limit: int = 2000) -> list[Waiting]:
    """Parked actions whose incident exists (read only, to see whether any would apply)."""
    stmt = (
        select(*parked_actions.c)
        .join(incidents, incidents.c.id == P.incident_id)
        .order_by(P.parked_at)
        .limit(limit)
    )
    return _taken(list(conn.execute(stmt)))


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(parked_actions)).scalar_one())
