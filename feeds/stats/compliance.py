"""1/3/5 compliance per stage and closure within 24 h / 3 working days.

An incident reported in the period counts for a stage once the stage is done, or its
deadline has passed while it is still in the pipeline. Share on time = done by the
deadline / counted; p90 = nearest-rank 90th percentile of the done stages' durations
from the report, in whole seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal

from sqlalchemy import Connection, select

from feeds.figures import percentile
from feeds.pipeline import STAGES
from feeds.stats import fast, links
from feeds.stats.holders import HOLDING_ACTIONS, StageFact, Timeline, facts, timeline
from feeds.stats.holders import unit_of_detail as _unit
from feeds.stats.period import Period
from feeds.stats.sql import c, in_period, share
from feeds.tables import incident_events, incidents

By = Literal["all", "street", "unit"]
Row = dict[str, Any]
COLUMNS = (
    c.id,
    c.state,
    c.priority,
    c.street,
    c.reported_at,
    c.accepted_at,
    c.dispatched_at,
    c.on_site_at,
    c.resolved_at,
    c.due_accept,
    c.due_dispatch,
    c.due_arrive,
    c.due_resolve,
)


def period_rows(conn: Connection, p: Period) -> list[Row]:
    return [dict(r._mapping) for r in conn.execute(select(*COLUMNS).where(in_period(p)))]


def timelines(conn: Connection, p: Period) -> dict[str, Timeline]:
    """Holding actions of the incidents reported in the period, per incident."""
    e = incident_events.c
    stmt = (
        select(e.incident_id, e.at, e.event_id, e.detail)
        .join(incidents, incidents.c.id == e.incident_id)
        .where(in_period(p), e.action.in_(HOLDING_ACTIONS))
    )
    raw: dict[str, list[tuple[int, str, str]]] = {}
    for iid, at, eid, detail in conn.execute(stmt):
        raw.setdefault(iid, []).append((int(at), eid, _unit(detail)))
    return {iid: timeline(ev) for iid, ev in raw.items()}


def summarise(items: Iterable[tuple[int | None, bool]]) -> Row:
    """(duration or None, on time) pairs -> counted, on time, share, p90."""
    n = ok = 0
    durations: list[float] = []
    for dur, on_time in items:
        n += 1
        ok += on_time
        if dur is not None:
            durations.append(dur)
    return {"due": n, "on_time": ok, "share": share(ok, n), "p90_s": percentile(durations, 90)}


def stage_facts(conn: Connection, p: Period, now: int) -> list[tuple[Row, StageFact]]:
    tls = timelines(conn, p)
    empty: Timeline = ((), ())
    return [
        (row, f) for row in period_rows(conn, p) for f in facts(row, tls.get(row["id"], empty), now)
    ]


def compliance(conn: Connection, p: Period, now: int, by: By = "all") -> Row:
    """Per stage {due, on_time, share, p90_s, filter}; with ``by`` street or unit, the
    same per street / per unit charged (see feeds.stats.holders). Whole-day periods read
    the rollups (p90 to the bucket, docs/figures.md); others the raw rows."""
    if by not in ("all", "street", "unit"):
        raise ValueError(f"unknown grouping {by!r}")
    if fast.usable(p, by):
        table = fast.stage_table(conn, p, now, "" if by == "all" else by)
        out_fast: dict[str, Row] = {}
        for g in sorted({g for g, _ in table} | ({""} if by == "all" else set())):
            extra = {by: g} if by != "all" and g else {}
            out_fast[g] = {
                s: {**table.get((g, s), summarise([])), "filter": links.of(p, late=s, **extra)}
                for s in STAGES
            }
        return out_fast[""] if by == "all" else out_fast
    pairs = stage_facts(conn, p, now)
    key: Callable[[Row, StageFact], str]
    if by == "all":
        key = lambda _r, _f: ""  # noqa: E731
    elif by == "street":
        key = lambda r, _f: r["street"] or ""  # noqa: E731
    elif by == "unit":
        key = lambda _r, f: f.unit  # noqa: E731
    else:
        raise ValueError(f"unknown grouping {by!r}")
    groups: dict[str, dict[str, list[tuple[int | None, bool]]]] = {}
    for row, f in pairs:
        groups.setdefault(key(row, f), {}).setdefault(f.stage, []).append((f.duration_s, f.on_time))
    out: dict[str, Row] = {}
    for k, stages in sorted(groups.items()):
        out[k] = {}
        for stage in STAGES:
            s = summarise(stages.get(stage, []))
            extra = {by: k} if by != "all" and k else {}
            s["filter"] = links.of(p, late=stage, **extra)
            out[k][stage] = s
    if by == "all":
        return out.get("", {s: {**summarise([]), "filter": links.of(p, late=s)} for s in STAGES})
    return out


def closure(conn: Connection, p: Period, now: int) -> Row:
    """Resolution on time: urgent within 24 h, ordinary within 3 working days (the
    ``due_resolve`` the SLA policy set on the working calendar), per priority."""
    out: Row = {}
    if fast.usable(p, "priority"):
        table = fast.stage_table(conn, p, now, "priority", ("resolve",))
        for prio in ("urgent", "ordinary"):
            out[prio] = {
                **table.get((prio, "resolve"), summarise([])),
                "filter": links.of(p, priority=prio, late="resolve"),
                "filter_all": links.of(p, priority=prio),
            }
        return out
    rows = period_rows(conn, p)
    for prio in ("urgent", "ordinary"):
        items = []
        for row in rows:
            if row["priority"] != prio:
                continue
            for f in facts(row, ((), ()), now):
                if f.stage == "resolve":
                    items.append((f.duration_s, f.on_time))
        s = summarise(items)
        s["filter"] = links.of(p, priority=prio, late="resolve")
        s["filter_all"] = links.of(p, priority=prio)
        out[prio] = s
    return out
