"""Making the rollups for a store that lacks them: rebuild, fill, ensure at start."""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import Connection, Table, delete, func, or_, select

from feeds.stats.holders import DONE
from feeds.stats.period import utc_offset_ms
from feeds.stats.rollup import crowd
from feeds.stats.rollup import patrols as patrol_rollup
from feeds.stats.rollup.contrib import late_ms, outcome
from feeds.stats.rollup.keys import (
    BY_KEY,
    COUNT_COLUMNS,
    ENSURE_LOCK,
    FACT_COLUMNS,
    MONTH_KEY,
    OUTCOME_KEY,
    OUTCOME_VAL,
    STAGE_KEY,
    STAGE_VAL,
    Key,
    by_dims,
    by_month,
    merge,
    split,
)
from feeds.stats.rollup.write import (
    add,
    add_counts,
    count_rows,
    late_row,
    on_changed,
    write_facts,
    write_late,
)
from feeds.tables import (
    incident_facts,
    incidents,
    roll_counts,
    roll_hours,
    roll_late,
    roll_outcomes,
    roll_stages,
    roll_stages_by,
    roll_stages_month,
    roll_units,
)


def rebuild(conn: Connection, tz: str) -> int:
    """Replace every rollup and incident_facts with a recount; the rows written."""
    for table in (
        roll_counts,
        roll_hours,
        roll_stages,
        roll_stages_month,
        roll_stages_by,
        roll_units,
        roll_outcomes,
        roll_late,
        incident_facts,
    ):
        conn.execute(delete(table))
    read = patrol_rollup.fill(conn, tz)  # the patrol rollups (emptied by fill)
    cols = [incidents.c[n] for n in COUNT_COLUMNS]
    all_rows = [dict(r._mapping) for r in conn.execute(select(*cols))]
    if not all_rows:
        return read
    offset = utc_offset_ms(tz, all_rows[0]["reported_at"])
    add_counts(conn, *count_rows(all_rows, offset))
    ids = [r[0] for r in conn.execute(select(incidents.c.id))]
    written = len(all_rows) + read
    for i in range(0, len(ids), 20_000):
        on_changed(conn, ids[i : i + 20_000], tz)
        written += min(20_000, len(ids) - i)
    return written


def _day_stages(conn: Connection) -> Counter[Key]:
    """roll_stages as counts by (key..., value index), for the month and per-unit fills."""
    got: Counter[Key] = Counter()
    for row in conn.execute(select(roll_stages)):
        m = row._mapping
        key = tuple(m[k] for k in STAGE_KEY)
        got[(*key, 0)] += int(m["n"])
        got[(*key, 1)] += int(m["on_time"])
    return got


def fill_months(conn: Connection) -> int:
    """Make roll_stages_month from roll_stages (for a store whose day rollups predate it);
    the rows written."""
    conn.execute(delete(roll_stages_month))
    got = _day_stages(conn)
    months = merge(by_month(got), len(STAGE_KEY), len(STAGE_VAL))
    add(conn, roll_stages_month, MONTH_KEY, STAGE_VAL, months)
    return len(months)


def fill_by(conn: Connection) -> int:
    """Make roll_stages_by from roll_stages (a store from before it); the rows written."""
    conn.execute(delete(roll_stages_by))
    got = _day_stages(conn)
    rows = merge(by_dims(got), len(BY_KEY), len(STAGE_VAL))
    add(conn, roll_stages_by, BY_KEY, STAGE_VAL, rows)
    return len(rows)


def fill_outcomes(conn: Connection, tz: str) -> int:
    """Make roll_outcomes from the incidents (a store from before it), and add each
    incident's share to its incident_facts so later changes apply the difference; the
    incidents read."""
    conn.execute(delete(roll_outcomes))
    cols = [incidents.c[n] for n in FACT_COLUMNS]
    f = incident_facts.c
    ids = [r[0] for r in conn.execute(select(incidents.c.id).order_by(incidents.c.id))]
    offset: int | None = None
    for i in range(0, len(ids), 5000):
        chunk = ids[i : i + 5000]
        rows = [
            dict(r._mapping) for r in conn.execute(select(*cols).where(incidents.c.id.in_(chunk)))
        ]
        if offset is None and rows:
            offset = utc_offset_ms(tz, rows[0]["reported_at"])
        facts = {
            iid: json.loads(js)
            for iid, js in conn.execute(
                select(f.incident_id, f.facts).where(f.incident_id.in_(chunk))
            )
        }
        got: Counter[Key] = Counter()
        changed = []
        for row in rows:
            o = [outcome(row, offset or 0)]
            got.update(split(o, len(OUTCOME_KEY)))
            old = facts.get(row["id"], {"s": [], "u": []})
            changed.append({"incident_id": row["id"], "facts": json.dumps({**old, "o": o})})
        add(conn, roll_outcomes, OUTCOME_KEY, OUTCOME_VAL, merge(got, len(OUTCOME_KEY), 7))
        write_facts(conn, changed)
    return len(ids)


def fill_late(conn: Connection) -> int:
    """Make roll_late from the incidents with a stage done late (a store from before it),
    and add each one's row to its incident_facts; the incidents written."""
    conn.execute(delete(roll_late))
    cols = [incidents.c[n] for n in FACT_COLUMNS]
    done_late = or_(*(incidents.c[col] > incidents.c[f"due_{s}"] for s, col in DONE.items()))
    f = incident_facts.c
    written = 0
    rows = [dict(r._mapping) for r in conn.execute(select(*cols).where(done_late))]
    for i in range(0, len(rows), 5000):
        chunk = rows[i : i + 5000]
        ids = [r["id"] for r in chunk]
        facts = {
            iid: json.loads(js)
            for iid, js in conn.execute(
                select(f.incident_id, f.facts).where(f.incident_id.in_(ids))
            )
        }
        put, changed = [], []
        for row in chunk:
            item = [row["reported_at"], row["street"] or "", late_ms(row)]
            put.append(late_row(row["id"], item))
            old = facts.get(row["id"], {"s": [], "u": [], "o": []})
            changed.append({"incident_id": row["id"], "facts": json.dumps({**old, "l": [item]})})
        write_late(conn, put)
        write_facts(conn, changed)
        written += len(chunk)
    return written


def ensure(conn: Connection, tz: str) -> str | None:
    """At a worker's start (and ``watchfloor init``): rebuild the rollups when they do not
    cover the incidents (a store from before they existed), fill the ones made from
    others when those are there alone. What was done, or None. Workers starting together
    take turns (a transaction lock)."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(ENSURE_LOCK)))
    done = []
    if crowd.empty(conn):
        done.append(f"crowd peaks filled: {crowd.fill(conn)} hours")
    if patrol_rollup.empty(conn):
        done.append(f"patrol rollups filled from {patrol_rollup.fill(conn, tz)} check-ins")
    rc = roll_counts.c
    counted = conn.execute(select(func.coalesce(func.sum(rc.n), 0))).scalar_one()
    stored = conn.execute(select(func.count()).select_from(incidents)).scalar_one()
    if int(counted) != int(stored):
        rebuild(conn, tz)
        done.append(f"rollups rebuilt for {stored} incidents")
        return "; ".join(done)

    def rows(table: Table) -> int:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

    days = rows(roll_stages)
    if days and not rows(roll_stages_month):
        done.append(f"month rollup filled: {fill_months(conn)} rows")
    if days and not rows(roll_stages_by):
        done.append(f"unit and priority rollup filled: {fill_by(conn)} rows")
    if stored and not rows(roll_outcomes):
        done.append(f"outcomes filled for {fill_outcomes(conn, tz)} incidents")
    late = conn.execute(select(func.coalesce(func.sum(roll_outcomes.c.late), 0))).scalar_one()
    if int(late) and not rows(roll_late):
        done.append(f"late list filled for {fill_late(conn)} incidents")
    return "; ".join(done) or None
