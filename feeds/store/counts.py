"""Counts of incidents for the wall's figures: reports per micro-grid (in all and per
minute), today's rows for compliance and headline figures, and the day's totals."""

from __future__ import annotations

import json

from sqlalchemy import Connection, func, select

from feeds.store.writes import Row
from feeds.tables import incident_events, incidents


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
