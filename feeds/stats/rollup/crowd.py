"""Crowd peaks per zone and epoch hour (roll_crowd_hours), added as minute rows are
written (``on_minutes``, in their transaction, with the rows the INSERT created) and
read for a period as whole hours plus the minutes at its edges (``peaks``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, and_, case, delete, select

from feeds.store import _insert
from feeds.tables import reading_minutes, roll_crowd_hours

ZONE = "zone:"
Peak = tuple[float, int]  # (people, epoch minute it was first reached)


def better(a: Peak | None, b: Peak) -> Peak:
    """The higher peak; of equal ones the earlier minute."""
    if a is None or b[0] > a[0] or (b[0] == a[0] and b[1] < a[1]):
        return b
    return a


def hourly(rows: Iterable[Mapping[str, Any]]) -> dict[tuple[str, int], Peak]:
    """Zone minute rows (key, minute, max) -> (key, hour) -> peak."""
    out: dict[tuple[str, int], Peak] = {}
    for r in rows:
        key = str(r["key"])
        if key.startswith(ZONE):
            k = (key, int(r["minute"]) // 60)
            out[k] = better(out.get(k), (float(r["max"]), int(r["minute"])))
    return out


def add(conn: Connection, got: Mapping[tuple[str, int], Peak]) -> None:
    """Merge hour peaks into the table: the higher peak wins, ties keep the earlier
    minute (so adding the same minutes twice changes nothing)."""
    if not got:
        return
    t = roll_crowd_hours.c
    stmt = _insert(conn, roll_crowd_hours)
    new = stmt.excluded
    higher = case((new.peak > t.peak, new.peak), else_=t.peak)
    minute = case(
        (new.peak > t.peak, new.minute),
        (and_(new.peak == t.peak, new.minute < t.minute), new.minute),
        else_=t.minute,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["key", "hour"], set_={"peak": higher, "minute": minute}
    )
    params = [
        {"key": k, "hour": h, "peak": p, "minute": m} for (k, h), (p, m) in sorted(got.items())
    ]
    conn.execute(stmt, params)


def on_minutes(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Minute rows just inserted (only those the INSERT created)."""
    add(conn, hourly(rows))


def peaks(conn: Connection, keys: Sequence[str], lo: int, hi: int) -> dict[str, Peak]:
    """Per key, the peak over minutes [lo, hi]: whole hours from the rollup, the partial
    hours at either edge from reading_minutes."""
    first_hour, last_hour = -(-lo // 60), (hi + 1) // 60 - 1
    out: dict[str, Peak] = {}
    t = roll_crowd_hours.c
    if first_hour <= last_hour:
        stmt = select(t.key, t.peak, t.minute).where(
            t.key.in_(keys), t.hour.between(first_hour, last_hour)
        )
        for key, peak, minute in conn.execute(stmt):
            out[key] = better(out.get(key), (float(peak), int(minute)))
        edges = [(lo, first_hour * 60 - 1), ((last_hour + 1) * 60, hi)]
    else:
        edges = [(lo, hi)]
    m = reading_minutes.c
    for a, b in edges:
        if a > b:
            continue
        stmt = select(m.key, m.minute, m.max).where(m.key.in_(keys), m.minute.between(a, b))
        for key, minute, top in conn.execute(stmt):
            out[key] = better(out.get(key), (float(top), int(minute)))
    return out


def recount(conn: Connection) -> dict[tuple[str, int], Peak]:
    """The hour peaks afresh from reading_minutes."""
    m = reading_minutes.c
    rows = conn.execute(select(m.key, m.minute, m.max).where(m.key.like(ZONE + "%")))
    return hourly(dict(r._mapping) for r in rows)


def stored(conn: Connection) -> dict[tuple[str, int], Peak]:
    t = roll_crowd_hours.c
    return {
        (k, int(h)): (float(p), int(mi))
        for k, h, p, mi in conn.execute(select(t.key, t.hour, t.peak, t.minute))
    }


def fill(conn: Connection) -> int:
    """Make roll_crowd_hours from the stored minutes (a store from before it); hours
    written. Key by key, so memory holds one zone's minutes at a time."""
    conn.execute(delete(roll_crowd_hours))
    m = reading_minutes.c
    keys = [
        k
        for (k,) in conn.execute(
            select(m.key).where(m.key.like(ZONE + "%")).group_by(m.key).order_by(m.key)
        )
    ]
    written = 0
    for key in keys:
        rows = conn.execute(select(m.key, m.minute, m.max).where(m.key == key))
        got = hourly(dict(r._mapping) for r in rows)
        add(conn, got)
        written += len(got)
    return written


def empty(conn: Connection) -> bool:
    """No hour peaks while zone minutes are stored."""
    t, m = roll_crowd_hours.c, reading_minutes.c
    if conn.execute(select(t.key).limit(1)).first() is not None:
        return False
    return conn.execute(select(m.key).where(m.key.like(ZONE + "%")).limit(1)).first() is not None
