"""The store's engine and schema: the engine for SQLite or PostgreSQL, the tables,
and the columns and indexes added to a store made before them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.schema import CreateIndex

from feeds.settings import Settings
from feeds.tables import metadata


def make_engine(settings: Settings) -> Engine:
    url = settings.sqlalchemy_url
    if url.startswith("sqlite"):
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # WAL lets the web process read while the worker writes.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def create_schema(engine: Engine) -> None:
    metadata.create_all(engine)
    add_columns(engine)
    # create_all skips tables that exist: indexes added since are made here. Only the
    # missing ones: CREATE INDEX (even IF NOT EXISTS) locks its table against writes on
    # PostgreSQL, and a worker starting beside busy ones deadlocked with them.
    with engine.begin() as conn:
        present = _index_names(conn)
        for table in metadata.sorted_tables:
            for index in table.indexes:
                if index.name not in present:
                    conn.execute(CreateIndex(index, if_not_exists=True))


def add_columns(engine: Engine) -> None:
    """Columns added to a table since a store was made (nullable ones only), added to it:
    create_all makes missing tables, never missing columns."""
    with engine.begin() as conn:
        have = inspect(conn)
        tables = set(have.get_table_names())
        for table in metadata.sorted_tables:
            if table.name not in tables:
                continue
            present = {c["name"] for c in have.get_columns(table.name)}
            for column in table.columns:
                if column.name in present or not column.nullable:
                    continue
                kind = column.type.compile(dialect=conn.dialect)
                # IF NOT EXISTS (PostgreSQL): another process starting may add it first
                guard = "IF NOT EXISTS " if conn.dialect.name == "postgresql" else ""
                sql = f'ALTER TABLE {table.name} ADD COLUMN {guard}"{column.name}" {kind}'
                conn.execute(text(sql))


def _index_names(conn: Connection) -> set[str]:
    if conn.dialect.name == "postgresql":
        sql = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'index'"
    return {str(name) for (name,) in conn.execute(text(sql))}
