"""Every rollup computed afresh from raw rows (``recount``) and as stored (``stored``):
the two are equal when the rollups are kept right."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Connection, Table, select

from feeds.stats.holders import (
    HOLDING_ACTIONS,
    Timeline,
    timeline,
    unit_of_detail,
)
from feeds.stats.period import utc_offset_ms
from feeds.stats.rollup import patrols as patrol_rollup
from feeds.stats.rollup.contrib import contributions
from feeds.stats.rollup.keys import (
    COUNT_COLUMNS,
    COUNT_KEY,
    FACT_COLUMNS,
    HOUR_KEY,
    OUTCOME_KEY,
    STAGE_KEY,
    UNIT_KEY,
    Key,
    split,
    tables_of,
)
from feeds.stats.rollup.write import DERIVED, count_rows
from feeds.tables import (
    incident_events,
    incidents,
    roll_counts,
    roll_hours,
    roll_late,
    roll_patrol_days,
    roll_patrol_months,
)


def recount(conn: Connection, tz: str) -> dict[str, dict[Key, tuple[int, ...]]]:
    """Every rollup computed afresh from the incidents and their trail."""
    count_cols = [incidents.c[n] for n in COUNT_COLUMNS]
    all_rows = [dict(r._mapping) for r in conn.execute(select(*count_cols))]
    offset = utc_offset_ms(tz, all_rows[0]["reported_at"]) if all_rows else 0
    counts, hours, _ = count_rows(all_rows, offset)
    fact_rows = [
        dict(r._mapping) for r in conn.execute(select(*[incidents.c[n] for n in FACT_COLUMNS]))
    ]
    tls = timelines_all(conn)
    stage_d: Counter[Key] = Counter()
    unit_d: Counter[Key] = Counter()
    outcome_d: Counter[Key] = Counter()
    late: dict[Key, tuple[int, ...]] = {}
    for row in fact_rows:
        c = contributions(row, tls.get(row["id"], ((), ())), offset)
        for reported_at, street, late_ms in c["l"]:
            late[(row["id"], street)] = (reported_at, late_ms)
        stage_d.update(split(c["s"], len(STAGE_KEY)))
        unit_d.update(split(c["u"], len(UNIT_KEY)))
        outcome_d.update(split(c["o"], len(OUTCOME_KEY)))
    out: dict[str, dict[Key, tuple[int, ...]]] = {
        "roll_counts": {k: (n,) for k, n in counts.items()},
        "roll_hours": {k: (n,) for k, n in hours.items()},
    }
    for name, rows in tables_of(stage_d, unit_d, outcome_d).items():
        out[name] = {k: tuple(v) for k, v in rows.items()}
    out["roll_late"] = late
    out.update(patrol_rollup.recount(conn, tz))
    return out


def timelines_all(conn: Connection) -> dict[str, Timeline]:
    e = incident_events.c
    raw: dict[str, list[tuple[int, str, str]]] = {}
    stmt = select(e.incident_id, e.at, e.event_id, e.detail).where(e.action.in_(HOLDING_ACTIONS))
    for iid, at, eid, detail in conn.execute(stmt):
        raw.setdefault(iid, []).append((int(at), eid, unit_of_detail(detail)))
    return {iid: timeline(ev) for iid, ev in raw.items()}


TABLES: dict[str, tuple[Table, tuple[str, ...], tuple[str, ...]]] = {
    "roll_counts": (roll_counts, COUNT_KEY, ("n",)),
    "roll_hours": (roll_hours, HOUR_KEY, ("n",)),
    **DERIVED,
    "roll_late": (roll_late, ("incident_id", "street"), ("reported_at", "late_ms")),
    "roll_patrol_days": (roll_patrol_days, patrol_rollup.DAYS_KEY, patrol_rollup.DAYS_VAL),
    "roll_patrol_months": (roll_patrol_months, patrol_rollup.MONTHS_KEY, ("days",)),
}


def stored(conn: Connection) -> dict[str, dict[Key, tuple[int, ...]]]:
    """The rollups as they are in SQL (zero rows left out), shaped like ``recount``."""
    out: dict[str, dict[Key, tuple[int, ...]]] = {}
    for name, (table, keys, values) in TABLES.items():
        got = {}
        for r in conn.execute(select(table)):
            m = r._mapping
            vals = tuple(int(m[v]) for v in values)
            if any(vals):
                got[tuple(m[k] for k in keys)] = vals
        out[name] = got
    return out
