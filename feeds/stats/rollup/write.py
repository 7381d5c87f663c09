"""Adding to the rollups as the ingest worker changes incidents (``on_reports``,
``on_changed``), in the transaction that changes them."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, delete, select

from feeds.stats.holders import (
    HOLDING_ACTIONS,
    Timeline,
    timeline,
    unit_of_detail,
)
from feeds.stats.period import utc_offset_ms
from feeds.stats.rollup.contrib import contributions
from feeds.stats.rollup.keys import (
    BY_KEY,
    COUNT_KEY,
    FACT_COLUMNS,
    HOUR_KEY,
    MONTH_KEY,
    OUTCOME_KEY,
    OUTCOME_VAL,
    STAGE_KEY,
    STAGE_VAL,
    UNIT_KEY,
    UNIT_VAL,
    Key,
    Row,
    local_day,
    split,
    tables_of,
)
from feeds.store import _insert
from feeds.tables import (
    incident_events,
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


def add(
    conn: Connection,
    table: Table,
    keys: Sequence[str],
    values: Sequence[str],
    rows: Mapping[Key, Sequence[int]],
    extra: Mapping[Key, Mapping[str, Any]] | None = None,
) -> None:
    """INSERT ... ON CONFLICT DO UPDATE SET v = v + excluded.v."""
    if not rows:
        return
    stmt = _insert(conn, table)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={v: table.c[v] + stmt.excluded[v] for v in values},
    )
    params = []
    for key, vals in sorted(rows.items()):
        p: Row = dict(zip(keys, key, strict=True))
        p.update(zip(values, vals, strict=True))
        if extra:
            p.update(extra[key])
        params.append(p)
    conn.execute(stmt, params)


def count_rows(
    rows: Iterable[Mapping[str, Any]], offset_ms: int
) -> tuple[Counter[Key], Counter[Key], dict[Key, Row]]:
    counts: Counter[Key] = Counter()
    hours: Counter[Key] = Counter()
    places: dict[Key, Row] = {}
    for r in rows:
        day = local_day(r["reported_at"], offset_ms)
        grid = r["grid"] or ""
        counts[(day, grid, r["category"], r["source"], r["kind"], r["priority"])] += 1
        hours[(day, (r["reported_at"] + offset_ms) // 3_600_000 % 24, grid)] += 1
        places[(grid,)] = {"street": r["street"] or "", "community": r["community"] or ""}
    return counts, hours, places


def add_counts(
    conn: Connection, counts: Counter[Key], hours: Counter[Key], places: dict[Key, Row]
) -> None:
    add(
        conn,
        roll_counts,
        COUNT_KEY,
        ("n",),
        {k: (n,) for k, n in counts.items()},
        {k: places[(k[1],)] for k in counts},
    )
    add(
        conn,
        roll_hours,
        HOUR_KEY,
        ("n",),
        {k: (n,) for k, n in hours.items()},
        {k: places[(k[2],)] for k in hours},
    )


def on_reports(conn: Connection, rows: Sequence[Mapping[str, Any]], tz: str) -> None:
    """New incident rows (those the INSERT created): add their counts."""
    if rows:
        add_counts(conn, *count_rows(rows, utc_offset_ms(tz, rows[0]["reported_at"])))


def timelines_of(conn: Connection, ids: Sequence[str]) -> dict[str, Timeline]:
    e = incident_events.c
    raw: dict[str, list[tuple[int, str, str]]] = {}
    for i in range(0, len(ids), 500):
        stmt = select(e.incident_id, e.at, e.event_id, e.detail).where(
            e.incident_id.in_(ids[i : i + 500]), e.action.in_(HOLDING_ACTIONS)
        )
        for iid, at, eid, detail in conn.execute(stmt):
            raw.setdefault(iid, []).append((int(at), eid, unit_of_detail(detail)))
    return {iid: timeline(ev) for iid, ev in raw.items()}


DERIVED: dict[str, tuple[Table, tuple[str, ...], tuple[str, ...]]] = {
    "roll_stages": (roll_stages, STAGE_KEY, STAGE_VAL),
    "roll_stages_month": (roll_stages_month, MONTH_KEY, STAGE_VAL),
    "roll_stages_by": (roll_stages_by, BY_KEY, STAGE_VAL),
    "roll_units": (roll_units, UNIT_KEY, UNIT_VAL),
    "roll_outcomes": (roll_outcomes, OUTCOME_KEY, OUTCOME_VAL),
}


def on_changed(conn: Connection, ids: Iterable[str], tz: str) -> None:
    """Incidents whose state or trail changed (their trail already written): apply the
    difference between their new and their last contribution."""
    wanted = sorted(set(ids))
    if not wanted:
        return
    rows: dict[str, Row] = {}
    old: dict[str, dict[str, list[Any]]] = {}
    cols = [incidents.c[n] for n in FACT_COLUMNS]
    f = incident_facts.c
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        rows.update(
            {
                r.id: dict(r._mapping)
                for r in conn.execute(select(*cols).where(incidents.c.id.in_(chunk)))
            }
        )
        old.update(
            {
                iid: json.loads(js)
                for iid, js in conn.execute(
                    select(f.incident_id, f.facts).where(f.incident_id.in_(chunk))
                )
            }
        )
    tls = timelines_of(conn, sorted(rows))
    offset = utc_offset_ms(tz, next(iter(rows.values()))["reported_at"]) if rows else 0
    stage_d: Counter[Key] = Counter()
    unit_d: Counter[Key] = Counter()
    outcome_d: Counter[Key] = Counter()
    facts_rows = []
    late_put: list[Row] = []
    late_drop: list[str] = []
    for iid, row in rows.items():
        new = contributions(row, tls.get(iid, ((), ())), offset)
        before = old.get(iid, {})
        stage_d.update(split(new["s"], len(STAGE_KEY)))
        stage_d.subtract(split(before.get("s", []), len(STAGE_KEY)))
        unit_d.update(split(new["u"], len(UNIT_KEY)))
        unit_d.subtract(split(before.get("u", []), len(UNIT_KEY)))
        outcome_d.update(split(new["o"], len(OUTCOME_KEY)))
        outcome_d.subtract(split(before.get("o", []), len(OUTCOME_KEY)))
        if new["l"] != before.get("l", []):
            if new["l"]:
                late_put.append(late_row(iid, new["l"][0]))
            else:
                late_drop.append(iid)
        if new != before:
            facts_rows.append({"incident_id": iid, "facts": json.dumps(new, ensure_ascii=False)})
    for name, deltas in tables_of(stage_d, unit_d, outcome_d).items():
        table, keys, values = DERIVED[name]
        add(conn, table, keys, values, deltas)
    write_late(conn, late_put, late_drop)
    write_facts(conn, facts_rows)


def late_row(iid: str, item: Sequence[Any]) -> Row:
    """A roll_late row from a contribution's "l" item [reported_at, street, late_ms]."""
    return {"incident_id": iid, "reported_at": item[0], "street": item[1], "late_ms": item[2]}


def write_late(conn: Connection, put: Sequence[Row], drop: Sequence[str] = ()) -> None:
    """Upsert roll_late rows and delete those of incidents no longer late: each row is
    the incident's whole value, so writing it twice changes nothing."""
    for i in range(0, len(drop), 500):
        conn.execute(delete(roll_late).where(roll_late.c.incident_id.in_(drop[i : i + 500])))
    if put:
        stmt = _insert(conn, roll_late)
        new = stmt.excluded
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["incident_id"],
                set_={"reported_at": new.reported_at, "street": new.street, "late_ms": new.late_ms},
            ),
            list(put),
        )


def write_facts(conn: Connection, rows: Sequence[Row]) -> None:
    """Upsert incident_facts rows ({incident_id, facts})."""
    if rows:
        stmt = _insert(conn, incident_facts)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["incident_id"], set_={"facts": stmt.excluded.facts}
            ),
            list(rows),
        )
