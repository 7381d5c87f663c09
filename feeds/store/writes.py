"""Bulk writes: insert the rows whose key is new (UNNEST arrays on PostgreSQL), upsert
rows, and the dialect's INSERT that knows ON CONFLICT."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, Column, Connection, Float, Integer, Table
from sqlalchemy.dialects import postgresql, sqlite

Row = dict[str, Any]


def _insert(conn: Connection, table: Table) -> postgresql.Insert | sqlite.Insert:
    """The dialect's INSERT, which knows ON CONFLICT."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def insert_new(conn: Connection, table: Table, key: str, rows: Sequence[Row]) -> set[str]:
    """Insert rows whose key is not there yet; return the keys actually inserted."""
    if not rows:
        return set()
    if conn.dialect.name == "postgresql":
        return _insert_new_unnest(conn, table, key, rows)
    stmt = _insert(conn, table).on_conflict_do_nothing(index_elements=[key])
    result = conn.execute(stmt.returning(table.c[key]), list(rows))
    return {r[0] for r in result}


def _pg_type(column: Column[Any]) -> str:
    if isinstance(column.type, BigInteger):
        return "int8"
    if isinstance(column.type, Integer):
        return "int4"
    if isinstance(column.type, Float):
        return "float8"
    return "text"


def _insert_new_unnest(conn: Connection, table: Table, key: str, rows: Sequence[Row]) -> set[str]:
    # One array parameter per column: a multi-row VALUES list with tens of thousands of
    # named placeholders costs psycopg seconds to convert, and text arrays in text format
    # cost it a regex per element; binary arrays cost neither. Same transaction: the
    # driver's cursor runs on the connection SQLAlchemy holds.
    cols = list(rows[0])
    arrays = ", ".join(f"%b::{_pg_type(table.c[c])}[]" for c in cols)
    sql = (
        f"INSERT INTO {table.name} ({', '.join(cols)}) SELECT * FROM unnest({arrays}) "
        f"ON CONFLICT ({key}) DO NOTHING RETURNING {key}"
    )
    params = [[row[c] for row in rows] for c in cols]
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cur:
        cur.execute(sql, params)
        return {r[0] for r in cur.fetchall()}


def upsert_all(conn: Connection, table: Table, key: str, rows: Sequence[Row]) -> None:
    if not rows:
        return
    stmt = _insert(conn, table)
    cols = {c: stmt.excluded[c] for c in rows[0] if c != key}
    conn.execute(stmt.on_conflict_do_update(index_elements=[key], set_=cols), list(rows))
