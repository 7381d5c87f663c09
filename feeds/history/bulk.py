"""Bulk writes for the history generator, through the driver under SQLAlchemy's
connection (same transaction): SQLite ``executemany`` over tuples, PostgreSQL ``COPY``.
SQLAlchemy's executemany spends more time building parameter dicts than the database
spends storing a day (about 30,000 rows), so the generator's rows skip it.

Idempotence is kept by asking first which of a day's fixed ids are there already
(``present``) and writing only the others: COPY has no ON CONFLICT.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, and_, select

Row = dict[str, Any]
BATCH = 20_000


def present(conn: Connection, table: Table, key: str, lo: str, hi: str) -> set[str]:
    """The keys in [lo, hi) already stored (a range of the primary key)."""
    col = table.c[key]
    return {str(k) for (k,) in conn.execute(select(col).where(and_(col >= lo, col < hi)))}


def put(conn: Connection, table: Table, rows: Sequence[Row]) -> int:
    """Insert rows known to be absent (SQLite ignores a duplicate instead of failing);
    the rows sent."""
    if not rows:
        return 0
    cols = list(rows[0])
    values = itemgetter(*cols) if len(cols) > 1 else (lambda r: (r[cols[0]],))
    raw: Any = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        sql = f"COPY {table.name} ({', '.join(cols)}) FROM STDIN"
        with raw.cursor() as cur, cur.copy(sql) as copy:
            for r in rows:
                copy.write_row(values(r))
        return len(rows)
    marks = ", ".join("?" for _ in cols)
    sql = f"INSERT OR IGNORE INTO {table.name} ({', '.join(cols)}) VALUES ({marks})"
    cur = raw.cursor()
    try:
        for i in range(0, len(rows), BATCH):
            cur.executemany(sql, [values(r) for r in rows[i : i + BATCH]])
    finally:
        cur.close()
    return len(rows)


def minutes_present(
    conn: Connection, table: Table, keys: Iterable[str], lo: int, hi: int
) -> set[tuple[str, int]]:
    """(key, minute) pairs of these keys already stored between lo and hi (inclusive)."""
    c = table.c
    stmt = select(c.key, c.minute).where(c.key.in_(sorted(set(keys))), c.minute.between(lo, hi))
    return {(str(k), int(m)) for k, m in conn.execute(stmt)}


def bulk_pragmas(conn: Connection) -> None:
    """SQLite, for this connection while it loads: a bigger page cache and temp tables in
    memory. Durability stays as the store sets it (WAL, synchronous=NORMAL): a crash
    loses at most the day being written, which a rerun writes again."""
    if conn.dialect.name == "sqlite":
        raw: Any = conn.connection.driver_connection
        raw.execute("PRAGMA cache_size=-200000")  # KiB: about 200 MB
        raw.execute("PRAGMA temp_store=MEMORY")
