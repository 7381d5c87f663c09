"""Incidents' short numbers: ``20261201-0042``, the 42nd incident reported that local day.

People read, say and write these (on the phone, in a report, on the wall); the long id
(``sim-r-1-tp10tv-9``, ``crowd:Z01:...``) stays in URLs and the trail. The ingest worker
gives each new incident its number in the transaction that inserts it, from one counter
row per day (``incident_days``) moved by an UPSERT: on PostgreSQL the row lock makes
workers in parallel take turns, on SQLite the database lock does, so no two incidents
share a number (a unique index holds it too). A report seen twice (redelivered) may use
up a number that is then never shown: numbers are unique and in order, not gapless.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from feeds.tables import incident_days, incidents

COLUMN = "number"  # incidents.number
DIGITS = 4  # zero-padded to four; a day past 9,999 grows a fifth digit
BACKFILL_CHUNK = 5_000


def day_of(ms: int, tz: str) -> str:
    """The district's local date of a time: ``YYYYMMDD``."""
    return datetime.fromtimestamp(ms / 1000, ZoneInfo(tz)).strftime("%Y%m%d")


def format_number(day: str, seq: int) -> str:
    return f"{day}-{seq:0{DIGITS}d}"


def take(conn: Connection, day: str, count: int) -> int:
    """Reserve ``count`` numbers of ``day``; the first one's sequence number."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(incident_days).values(day=day, last=count)
    upsert = stmt.on_conflict_do_update(
        index_elements=["day"], set_={"last": incident_days.c.last + count}
    )
    last = int(conn.execute(upsert.returning(incident_days.c.last)).scalar_one())
    return last - count + 1


def assign(conn: Connection, rows: Sequence[dict[str, Any]], tz: str) -> None:
    """Give each row (a new incident, not inserted yet) its number, in report order.

    Days are taken in date order, so two workers with batches across midnight lock the
    counter rows in the same order and never deadlock."""
    by_day: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r["reported_at"], r["id"])):
        by_day[day_of(row["reported_at"], tz)].append(row)
    for day in sorted(by_day):
        first = take(conn, day, len(by_day[day]))
        for i, row in enumerate(by_day[day]):
            row[COLUMN] = format_number(day, first + i)


def backfill(conn: Connection, tz: str) -> int:
    """Number the incidents stored before numbers existed (or by an older worker still
    running during an upgrade); how many. A row numbered meanwhile keeps its number."""
    done = 0
    while True:
        stmt = (
            select(incidents.c.id, incidents.c.reported_at)
            .where(incidents.c.number.is_(None))
            .order_by(incidents.c.reported_at, incidents.c.id)
            .limit(BACKFILL_CHUNK)
        )
        rows = [dict(r._mapping) for r in conn.execute(stmt)]
        if not rows:
            return done
        assign(conn, rows, tz)
        conn.execute(
            update(incidents)
            .where(incidents.c.id == bindparam("_id"), incidents.c.number.is_(None))
            .values(number=bindparam("_number")),
            [{"_id": r["id"], "_number": r[COLUMN]} for r in rows],
        )
        done += len(rows)


def number_of(conn: Connection, incident_id: str) -> str | None:
    """An incident's short number (None: no such incident, or not numbered yet)."""
    value = conn.execute(select(incidents.c.number).where(incidents.c.id == incident_id)).scalar()
    return str(value) if value else None


def shown(row: dict[str, Any]) -> str:
    """What to show people for an incident row: its number, else its id."""
    return str(row.get(COLUMN) or row["id"])


def numbers_of(conn: Connection, incident_ids: Iterable[str]) -> dict[str, str]:
    """The short numbers of these incidents (those numbered), by id."""
    wanted = sorted(set(incident_ids))
    out: dict[str, str] = {}
    for i in range(0, len(wanted), 500):
        stmt = select(incidents.c.id, incidents.c.number).where(
            incidents.c.id.in_(wanted[i : i + 500]), incidents.c.number.is_not(None)
        )
        out.update({str(iid): str(n) for iid, n in conn.execute(stmt)})
    return out


def id_of(conn: Connection, number_or_id: str) -> str | None:
    """The incident a person named by its number (or, still, by its id)."""
    value = number_or_id.strip()
    stmt = select(incidents.c.id).where((incidents.c.number == value) | (incidents.c.id == value))
    found = conn.execute(stmt.limit(1)).scalar()
    return str(found) if found else None
