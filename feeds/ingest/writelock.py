"""The write lock: taken before a transaction reads what it decides on.

Writers of incidents (actions, reports, the overdue sweep) share it; a reconcile of live
state from SQL takes it alone.
"""

from __future__ import annotations

from sqlalchemy import Connection, false, text, update

from feeds.tables import parked_actions

LIVE_LOCK = 7_700_001  # PostgreSQL advisory lock: writers share it, a reconcile takes it alone


def serialise(conn: Connection, alone: bool = False) -> None:
    """Take the write lock before reading what a transaction decides on.

    SQLite reads outside a transaction until the first write, so a write that changes
    nothing comes first and takes the database's lock. On PostgreSQL the rows are locked
    by SELECT ... FOR UPDATE; besides, writers of live state share an advisory lock that a
    reconcile (``alone``) takes for itself, so a rebuild from SQL never overwrites in Redis
    a change committed while it was reading."""
    if conn.dialect.name == "sqlite":
        conn.execute(update(parked_actions).where(false()).values(ts=0))
    elif conn.dialect.name == "postgresql":
        fn = "pg_advisory_xact_lock" if alone else "pg_advisory_xact_lock_shared"
        conn.execute(text(f"SELECT {fn}(:k)"), {"k": LIVE_LOCK})
