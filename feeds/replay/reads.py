"""The SQL a replay reads: each query touches only the window one moment needs.

Indexes (feeds/tables/incidents.py): incidents by reported_at, by how long they stayed open, by
state; the trail by incident and by time; reading_minutes by (key, minute) and by minute.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import msgspec
from sqlalchemy import (
    BigInteger,
    Connection,
    String,
    and_,
    any_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY

from feeds.pipeline import ACTIVE
from feeds.replay.moment import STATE_CHANGES
from feeds.tables import incident_events, incidents, reading_minutes
from feeds.tables.incidents import MOVE_ACTIONS

Row = dict[str, Any]
DAY_MS = 86_400_000
RECENT_MS = 4 * DAY_MS  # incidents reported this recently are looked at one by one

c = incidents.c
ended_at = func.coalesce(c.resolved_at, c.closed_at)  # once resolved or closed, never open again
open_span = ended_at - c.reported_at  # how long it stayed open (ix_incidents_open_span_end)
COLUMNS = (
    c.id,
    c.state,
    c.kind,
    c.category,
    c.priority,
    c.lon,
    c.lat,
    c.micro_grid,
    c.reported_at,
    c.accepted_at,
    c.dispatched_at,
    c.on_site_at,
    c.resolved_at,
    c.closed_at,
    c.due_accept,
    c.due_dispatch,
    c.due_arrive,
    c.due_resolve,
    c.unit,
)  # what the wall's summary, the stage fold and today's compliance read; nothing personal


def _among(conn: Connection, column: Any, values: Sequence[str]) -> Any:
    """``column IN values`` with the values in one parameter: an array on PostgreSQL, a
    JSON array read by json_each on SQLite (SQLAlchemy took longer to render a seek's
    1,500 placeholders than SQLite took to run the query)."""
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam("among", list(values), type_=ARRAY(String)))
    listed = bindparam("among", json.dumps(list(values)), type_=String)
    return column.in_(select(literal_column("value")).select_from(func.json_each(listed)))


def _rows(conn: Connection, stmt: Any, params: dict[str, Any] | None = None) -> list[Row]:
    """The statement's rows as dicts, read from the driver's cursor: the columns read here
    are plain ints, floats and strings that no SQLAlchemy type processes, and the rows of a
    seek (thousands) cost a quarter less than through SQLAlchemy's Row."""
    result = conn.execute(stmt, params)
    keys = list(result.keys())
    return [dict(zip(keys, r, strict=True)) for r in result.cursor.fetchall()]


# what every frame reads, built once (building a statement costs a frame more than running it)
_AFTER, _UPTO = bindparam("after", type_=BigInteger), bindparam("upto", type_=BigInteger)
_REPORTED = select(*COLUMNS).where(c.reported_at > _AFTER, c.reported_at <= _UPTO)


def reported_between(conn: Connection, after: int, upto: int) -> list[Row]:
    """Incidents reported in (after, upto]."""
    return _rows(conn, _REPORTED, {"after": after, "upto": upto})


def at_moment(conn: Connection, since: int, t: int) -> tuple[list[Row], list[Row]]:
    """(incidents reported in (since, t], incidents open at ``t``) in one statement, each
    row read once: an open one reported after ``since`` is in both lists. Open at ``t``:
    reported by then, neither resolved nor closed by then. ``since`` is at most
    RECENT_MS before ``t`` (a seek's since is the start of its day or its rolling hour)."""
    if since < t - RECENT_MS:
        raise ValueError("since must be within RECENT_MS of t")
    still = or_(ended_at.is_(None), ended_at > t)
    window = select(*COLUMNS).where(c.reported_at > since, c.reported_at <= t)
    recent = select(*COLUMNS).where(c.reported_at > t - RECENT_MS, c.reported_at <= since, still)
    # older ones open at t stayed open longer than RECENT_MS, or are open now. On SQLite
    # reported_at + 0, a condition no index serves, so that the planner takes the span index
    # (and checks it there); PostgreSQL takes that index anyway, and checks the plain
    # condition in it, where "+ 0" had it visit ~5,000 heap pages of a year to keep ~20 rows
    reported_at = c.reported_at if conn.dialect.name == "postgresql" else c.reported_at + 0
    long_lived = select(*COLUMNS).where(
        open_span > RECENT_MS, ended_at > t, reported_at <= t - RECENT_MS
    )
    open_now = select(*COLUMNS).where(c.state.in_(sorted(ACTIVE)), c.reported_at <= t - RECENT_MS)
    reported: list[Row] = []
    opened: dict[str, Row] = {}
    for row in _rows(conn, union_all(window, recent, long_lived, open_now)):
        at = row["reported_at"]
        if at > since:
            reported.append(row)
            ended = row["resolved_at"] if row["resolved_at"] is not None else row["closed_at"]
            if ended is None or ended > t:
                opened[row["id"]] = row
        elif at <= t:
            opened[row["id"]] = row
    return reported, list(opened.values())


def open_at(conn: Connection, t: int) -> list[Row]:
    """Incidents open at ``t``: reported by then, neither resolved nor closed by then."""
    return at_moment(conn, t, t)[1]


# the partial indexes' conditions, as literals (a bound parameter does not match them)
MOVES = incident_events.c.action.in_([literal_column(f"'{a}'") for a in MOVE_ACTIONS])
RATE = incident_events.c.action == literal_column("'rate'")
_decode = msgspec.json.Decoder(dict[str, Any]).decode

TRAIL = (
    incident_events.c.event_id,
    incident_events.c.incident_id,
    incident_events.c.action,
    incident_events.c.at,
    incident_events.c.detail,
)


def trail_of(conn: Connection, ids: Sequence[str], upto: int) -> dict[str, list[Row]]:
    """The trail of these incidents up to ``upto`` (entries that change state), per incident."""
    out: dict[str, list[Row]] = {i: [] for i in ids}
    e = incident_events.c
    wanted = set(STATE_CHANGES)
    # by incident only: with more conditions SQLite's planner may take the time index
    stmt = select(*TRAIL).where(_among(conn, e.incident_id, ids))
    for row in _rows(conn, stmt):
        if row["at"] <= upto and row["action"] in wanted:
            out[row["incident_id"]].append(row)
    return out


def moves_of(conn: Connection, ids: Sequence[str]) -> dict[str, list[Row]]:
    """Every reassign and escalate of these incidents, whenever it happened, per incident:
    what the stage times in the incident's row cannot tell (ix_incident_events_moves)."""
    out: dict[str, list[Row]] = {}
    e = incident_events.c
    stmt = select(*TRAIL).where(_among(conn, e.incident_id, ids), MOVES)
    for row in _rows(conn, stmt):
        out.setdefault(row["incident_id"], []).append(row)
    return out


_TRAIL_BETWEEN = (
    select(*TRAIL)
    .where(incident_events.c.at > _AFTER, incident_events.c.at <= _UPTO)
    .order_by(incident_events.c.at, incident_events.c.event_id)
)


def trail_between(conn: Connection, after: int, upto: int) -> list[Row]:
    """Every trail entry in (after, upto], in order."""
    return _rows(conn, _TRAIL_BETWEEN, {"after": after, "upto": upto})


def ratings_between(conn: Connection, since: int, upto: int) -> list[int]:
    """The ratings given in [since, upto] (ix_incident_events_rates)."""
    e = incident_events.c
    stmt = select(e.detail).where(RATE, e.at >= since, e.at <= upto)
    out = []
    for (detail,) in conn.execute(stmt).cursor.fetchall():
        rating = _decode(detail).get("rating")
        if rating is not None:
            out.append(int(rating))
    return out


_m = reading_minutes.c
_MINUTES = select(_m.key, _m.minute, _m.kind, _m.n, _m.min, _m.max, _m.mean).where(
    _m.minute >= bindparam("first", type_=BigInteger),
    _m.minute <= bindparam("last", type_=BigInteger),
)


def minutes_between(conn: Connection, first: int, last: int) -> list[Row]:
    """Every reading_minutes row in minutes [first, last]."""
    return _rows(conn, _MINUTES, {"first": first, "last": last})


def keys_between(conn: Connection, keys: Iterable[str], first: int, last: int) -> list[Row]:
    """reading_minutes rows of these keys in minutes [first, last] (one index range each)."""
    m = reading_minutes.c
    wanted = sorted(set(keys))
    if not wanted:
        return []
    stmt = select(m.key, m.minute, m.kind, m.n, m.min, m.max, m.mean).where(
        and_(m.key.in_(wanted), m.minute >= first, m.minute <= last)
    )
    return _rows(conn, stmt)


def peak(conn: Connection, keys: Iterable[str], first: int, last: int) -> Row | None:
    """The minute row with the highest ``max`` among these keys in minutes [first, last]."""
    m = reading_minutes.c
    wanted = sorted(set(keys))
    if not wanted:
        return None
    stmt = (
        select(m.key, m.minute, m.kind, m.n, m.min, m.max, m.mean)
        .where(and_(m.key.in_(wanted), m.minute >= first, m.minute <= last))
        .order_by(m.max.desc(), m.minute)
        .limit(1)
    )
    rows = _rows(conn, stmt)
    return rows[0] if rows else None
