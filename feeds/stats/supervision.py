"""Red-light supervision (亮灯督办): incidents late now, and those late in the period."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, func, literal, or_, select

from feeds.pipeline import ACTIVE
from feeds.queries import LATE_DONE, PENDING_DUE, late_stage
from feeds.stats import fast, links, outcomes
from feeds.stats.period import Period
from feeds.stats.sql import c, in_period
from feeds.tables import roll_late, units

Row = dict[str, Any]
PENDING_STAGE = {"reported": "accept", "accepted": "dispatch", "dispatched": "arrive"}
LIMIT = 200
COLUMNS = (c.id, c.number, c.category, c.priority, c.state, c.street, c.grid, c.unit, c.reported_at)


def _unit_names(conn: Connection) -> dict[str, tuple[str, str]]:
    return {
        u: (n, e) for u, n, e in conn.execute(select(units.c.id, units.c.name, units.c.name_en))
    }


def _item(row: Any, stage: str, late_ms: int, names: dict[str, tuple[str, str]]) -> Row:
    unit = row.unit or ""
    name, name_en = names.get(unit, ("指挥中心", "Command centre") if not unit else (unit, unit))
    return {
        "id": row.id,
        "number": row.number,  # what the table shows; the link keeps the id
        "category": row.category,
        "priority": row.priority,
        "state": row.state,
        "street": row.street,
        "grid": row.grid,
        "reported_at": row.reported_at,
        "stage": stage,
        "late_s": late_ms // 1000,
        "unit": unit,
        "unit_name": name,
        "unit_name_en": name_en,
        "href": f"/incident/{row.id}",
    }


def late_now(conn: Connection, now: int, limit: int = LIMIT) -> Row:
    """Open incidents whose pending stage is past its deadline, longest late first, with
    the unit holding them (the command centre before dispatch)."""
    cols = COLUMNS
    base = and_(c.state.in_(sorted(ACTIVE)), literal(now) > PENDING_DUE)
    stmt = select(*cols, PENDING_DUE.label("due")).where(base).order_by(PENDING_DUE).limit(limit)
    names = _unit_names(conn)
    rows = [
        _item(r, PENDING_STAGE.get(r.state, "resolve"), now - int(r.due), names)
        for r in conn.execute(stmt)
    ]
    total = conn.execute(select(func.count()).where(base)).scalar_one()
    return {"n": int(total), "rows": rows, "filter": {"sla": "red"}}


def _over(done: Any, due: Any, now: int) -> Any:
    """How late a stage is or was (ms), 0 when on time or not yet due."""
    return case(
        (and_(done.is_not(None), done > due), done - due),
        (and_(done.is_(None), c.state.in_(sorted(ACTIVE)), due < literal(now)), literal(now) - due),
        else_=0,
    )


def _candidates(conn: Connection, p: Period, now: int, limit: int) -> list[str]:
    """Ids among which the period's ``limit`` longest late are: the ``limit`` whose
    stages done late were latest (roll_late, an index range), and the open ones pending
    past a deadline (their lateness grows with ``now``). Any other incident is late by
    its done stages alone, by no more than those, so it cannot rank above them."""
    rl = roll_late.c
    cond: list[ColumnElement[bool]] = [rl.reported_at.between(p.start, p.end - 1)]
    if p.area_level == "street":
        cond.append(rl.street == p.area)
    done = select(rl.incident_id).where(*cond).order_by(rl.late_ms.desc(), rl.incident_id)
    pending = or_(*(and_(d.is_(None), due < literal(now)) for d, due in LATE_DONE.values()))
    open_late = select(c.id).where(c.state.in_(sorted(ACTIVE)), in_period(p), pending)
    ids = [str(i) for (i,) in conn.execute(done.limit(limit))]
    return ids + [str(i) for (i,) in conn.execute(open_late)]


def late_in_period(conn: Connection, p: Period, now: int, limit: int = LIMIT) -> Row:
    """Incidents reported in the period with any stage late (done late, or overdue
    now), by how late their latest-running stage was, longest first."""
    stages = ("accept", "dispatch", "arrive", "resolve")
    cols = COLUMNS
    done = (c.accepted_at, c.dispatched_at, c.on_site_at, c.resolved_at)
    due = (c.due_accept, c.due_dispatch, c.due_arrive, c.due_resolve)
    overs = [_over(d, u, now) for d, u in zip(done, due, strict=True)]
    greatest = func.greatest if conn.dialect.name == "postgresql" else func.max
    worst = greatest(*overs)
    base = and_(in_period(p), or_(*(late_stage(s, now) for s in stages)))
    if fast.usable(p, ""):  # the counts from the rollups, only the listed rows raw
        table = fast.stage_table(conn, p, now, "", stages)
        late = [table.get(("", s), {"due": 0, "on_time": 0}) for s in stages]
        counts: Any = [outcomes.late_count(conn, p, now), *(v["due"] - v["on_time"] for v in late)]
    else:
        counts = conn.execute(
            select(func.count(), *(func.sum(case((o > 0, 1), else_=0)) for o in overs)).where(base)
        ).one()
    if outcomes.usable(p):  # only the few that can be listed are read raw
        base = and_(base, c.id.in_(_candidates(conn, p, now, limit)))
    stmt = (
        select(*cols, *(o.label(f"over_{s}") for o, s in zip(overs, stages, strict=True)))
        .where(base)
        .order_by(worst.desc(), c.id)
        .limit(limit)
    )
    names = _unit_names(conn)
    items: list[Row] = []
    for r in conn.execute(stmt):
        worst_ms, stage = 0, "accept"
        for s in stages:
            over = int(r._mapping[f"over_{s}"])
            if over > 0 and over >= worst_ms:
                worst_ms, stage = over, s
        items.append(_item(r, stage, worst_ms, names))
    return {
        "n": int(counts[0]),
        "rows": items,
        "by_stage": {
            s: {"n": int(counts[i + 1] or 0), "filter": links.of(p, late=s)}
            for i, s in enumerate(stages)
        },
    }
