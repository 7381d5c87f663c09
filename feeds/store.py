"""SQL I/O: every read and write of the tables. Functions take a connection."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Float,
    Integer,
    Table,
    bindparam,
    create_engine,
    event,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex

from feeds.pipeline import ACTIVE, Incident
from feeds.settings import Settings
from feeds.tables import (
    areas,
    buildings,
    crowd_zones,
    dead_letters,
    incident_events,
    incidents,
    metadata,
    sensors,
    units,
)

Row = dict[str, Any]


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


# --- reference data -------------------------------------------------------


def has_district(conn: Connection) -> bool:
    return conn.execute(select(func.count()).select_from(areas)).scalar_one() > 0


def save_reference(conn: Connection, data: Mapping[str, Sequence[Row]]) -> None:
    tables = {t.name: t for t in (areas, buildings, units, crowd_zones, sensors)}
    for name, rows in data.items():
        table = tables[name]
        upsert_all(conn, table, next(iter(table.primary_key.columns)).name, rows)


def load_rows(conn: Connection, table: Table) -> list[Row]:
    return [dict(r._mapping) for r in conn.execute(select(table))]


# --- incidents ------------------------------------------------------------

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


def grid_counts(conn: Connection, since: int) -> dict[str, int]:
    """Reports per micro-grid since a moment (merged/rejected included: they were reported)."""
    stmt = (
        select(incidents.c.micro_grid, func.count())
        .where(incidents.c.reported_at >= since, incidents.c.micro_grid.is_not(None))
        .group_by(incidents.c.micro_grid)
    )
    return {g: int(n) for g, n in conn.execute(stmt)}


def day_rows(conn: Connection, since: int) -> list[Row]:
    """The columns today's compliance and headline figures are computed from."""
    c = incidents.c
    stmt = select(
        c.id,
        c.state,
        c.priority,
        c.category,
        c.reported_at,
        c.accepted_at,
        c.dispatched_at,
        c.on_site_at,
        c.resolved_at,
        c.due_accept,
        c.due_dispatch,
        c.due_arrive,
        c.due_resolve,
        c.rating,
    ).where(c.reported_at >= since)
    return [dict(r._mapping) for r in conn.execute(stmt)]


def grid_minute_counts(conn: Connection, since: int) -> dict[int, dict[str, int]]:
    """Reports per minute and micro-grid since a moment: the rolling-hour buckets."""
    minute = incidents.c.reported_at // 60000  # floor; "/" then a cast rounds on PostgreSQL
    stmt = (
        select(minute, incidents.c.micro_grid, func.count())
        .where(incidents.c.reported_at >= since, incidents.c.micro_grid.is_not(None))
        .group_by(minute, incidents.c.micro_grid)
    )
    out: dict[int, dict[str, int]] = {}
    for m, grid, n in conn.execute(stmt):
        out.setdefault(int(m), {})[grid] = int(n)
    return out


def day_totals(conn: Connection, since: int) -> tuple[int, int, int]:
    """Reports since a moment, and the sum and number of ratings given since then."""
    reports = conn.execute(
        select(func.count()).select_from(incidents).where(incidents.c.reported_at >= since)
    ).scalar_one()
    details = conn.execute(
        select(incident_events.c.detail).where(
            incident_events.c.action == "rate", incident_events.c.at >= since
        )
    ).scalars()
    ratings = [int(json.loads(d)["rating"]) for d in details]
    return int(reports), sum(ratings), len(ratings)


def areas_of_level(conn: Connection, level: str) -> list[Row]:
    stmt = select(areas).where(areas.c.level == level).order_by(areas.c.code)
    return [dict(r._mapping) for r in conn.execute(stmt)]
