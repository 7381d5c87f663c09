"""The naive replay: every frame rebuilt from all raw rows up to the moment (every
incident reported by then, its whole trail, every minute of readings), with no window
and no index but the table scan. Gives the same snapshot as feeds.replay.engine."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Engine, select

from feeds.clock import day_start, minute_of
from feeds.constants import ROLLING_WINDOW_MIN
from feeds.pipeline import ACTIVE
from feeds.replay import moment, readings
from feeds.replay.engine import Cursor, Replay
from feeds.replay.reads import COLUMNS, TRAIL
from feeds.tables import reading_minutes


def naive_snapshot(replay: Replay, engine: Engine, t: int) -> dict[str, Any]:
    ds = day_start(t, replay.tz)
    m = minute_of(t)
    first = m - ROLLING_WINDOW_MIN + 1
    rm = reading_minutes.c
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(*COLUMNS))]
        events = [dict(r._mapping) for r in conn.execute(select(*TRAIL))]
        minutes = [
            dict(r._mapping)
            for r in conn.execute(select(rm.key, rm.minute, rm.kind, rm.n, rm.min, rm.max, rm.mean))
        ]
    by_incident: dict[str, list[dict[str, Any]]] = {}
    for e in events:
        if e["at"] <= t:
            by_incident.setdefault(e["incident_id"], []).append(e)
    cur = Cursor(t, ds, {}, Counter(), Counter(), {}, {}, {}, [], {}, None)
    for row in rows:
        if row["reported_at"] > t:
            continue
        grid = row["micro_grid"]
        if row["reported_at"] >= ds:
            cur.day_rows[row["id"]] = row
            if grid:
                cur.day[grid] += 1
        if grid and minute_of(row["reported_at"]) >= first:
            cur.hour[grid] += 1
        inc = moment.fold_at(row, by_incident.get(row["id"], []), t)
        if inc.state in ACTIVE:
            cur.open[row["id"]] = (row, inc)
            cur.summaries[row["id"]] = moment.summary_at(row, inc)
    cur.ratings = [
        int(a.rating)
        for e in events
        if e["action"] == "rate" and ds <= e["at"] <= t
        if (a := moment.action_of(e)) is not None and a.rating is not None
    ]
    cur.latest = readings.newest(
        r for r in minutes if m - readings.LOOKBACK_MINUTES <= r["minute"] <= m
    )
    cur.peak = readings.peak_of(r for r in minutes if minute_of(ds) <= r["minute"] <= m)
    return replay.snapshot(cur)
