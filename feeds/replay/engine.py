"""Seek to a moment and step forward from it; frames shaped like the live wall's.

``seek(t)`` reads the windows one moment needs (today's reports, the incidents open at
t with their trail, the last minutes of readings, today's crowd peak). ``advance``
steps a cursor forward reading only what happened in between: the reports and trail
entries of (t1, t2] and the readings of the new minutes. ``snapshot`` and ``delta``
give what ``Live.snapshot`` and ``Live.delta`` give for the live wall (``feeds.replay.frames``).
What the cursor holds is in ``feeds.replay.cursor``; its names stay importable from here.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Engine

from feeds.clock import day_start, minute_of
from feeds.constants import ROLLING_WINDOW_MIN
from feeds.pipeline import ACTIVE, Incident
from feeds.replay import frames, moment, readings, reads
from feeds.replay.cursor import Changes, Cursor, Fixed

__all__ = ["MAX_STEP_MS", "Changes", "Cursor", "Fixed", "Replay"]

Row = dict[str, Any]
MAX_STEP_MS = 3_600_000  # a step longer than this is a seek


class Replay:
    def __init__(self, engine: Engine, fixed: Fixed, tz: str) -> None:
        self.engine = engine
        self.fixed = fixed
        self.tz = tz

    # --- moving -------------------------------------------------------------------

    def seek(self, t: int) -> Cursor:
        ds = day_start(t, self.tz)
        m = minute_of(t)
        first = m - ROLLING_WINDOW_MIN + 1
        zone_keys = ["zone:" + z for z in self.fixed.zones]
        with self.engine.connect() as conn:
            reported, opened = reads.at_moment(conn, min(ds, first * 60_000) - 1, t)
            moves = reads.moves_of(conn, [r["id"] for r in opened])
            moved = sorted(
                i for i, ev in moves.items() if any(e["action"] == "reassign" for e in ev)
            )
            trails = reads.trail_of(conn, moved, t)  # sent elsewhere: fold their whole trail
            ratings = reads.ratings_between(conn, ds, t)
            latest = readings.newest(reads.minutes_between(conn, m - readings.LOOKBACK_MINUTES, m))
            best = reads.peak(conn, zone_keys, minute_of(ds), m)
        peak = readings.peak_of([best] if best else [])
        cur = Cursor(
            t=t,
            day_start=ds,
            minutes={},
            hour=Counter(),
            day=Counter(),
            day_rows={},
            open={},
            summaries={},
            ratings=ratings,
            latest=latest,
            peak=peak,
        )
        for row in reported:
            self._count(cur, row, first)
        for row in opened:
            iid = row["id"]
            if iid in trails:
                self._open(cur, row, moment.fold_at(row, trails[iid], t))
            else:
                self._open(cur, row, moment.from_stages(row, moves.get(iid, ()), t))
        return cur

    def advance(self, cur: Cursor, t: int) -> Changes | None:
        """Step ``cur`` forward to ``t``; None when ``t`` is not a short step ahead (seek)."""
        if t < cur.t or t - cur.t > MAX_STEP_MS or day_start(t, self.tz) != cur.day_start:
            return None
        ch = Changes()
        m1, m2 = minute_of(cur.t), minute_of(t)
        first = m2 - ROLLING_WINDOW_MIN + 1
        with self.engine.connect() as conn:
            new = reads.reported_between(conn, cur.t, t)
            new_trails = reads.trail_of(conn, [r["id"] for r in new], t) if new else {}
            events = reads.trail_between(conn, cur.t, t)
            if m2 != m1:
                rows = reads.minutes_between(conn, max(m1 + 1, m2 - readings.LOOKBACK_MINUTES), m2)
                if m2 - m1 > readings.LOOKBACK_MINUTES:
                    zone_keys = ["zone:" + z for z in self.fixed.zones]
                    best = reads.peak(conn, zone_keys, m1 + 1, m2)
                    zone_rows = [best] if best else []
                else:
                    zone_rows = rows
        for row in new:
            self._count(cur, row, first)
            if row["micro_grid"]:
                ch.grids.add(row["micro_grid"])
            if self._open(cur, row, moment.fold_at(row, new_trails[row["id"]], t)):
                ch.upserts.add(row["id"])
        fresh = {r["id"] for r in new}
        for event in events:
            if event["action"] == "rate" and event["at"] >= cur.day_start:
                rated = moment.action_of(event)
                if rated is not None and rated.rating is not None:
                    cur.ratings.append(rated.rating)
            iid = event["incident_id"]
            if iid in fresh or iid not in cur.open:
                continue
            row, inc = cur.open[iid]
            after = moment.step(inc, event)
            if after == inc:
                continue
            if after.state in ACTIVE:
                self._open(cur, row, after)
                ch.upserts.add(iid)
                ch.removed.discard(iid)
            else:
                del cur.open[iid]
                del cur.summaries[iid]
                ch.removed.add(iid)
                ch.upserts.discard(iid)
        for minute in [x for x in cur.minutes if x < first]:
            for grid, n in cur.minutes.pop(minute).items():
                cur.hour[grid] -= n
                ch.grids.add(grid)
        if m2 != m1:
            for key, got in readings.newest(rows).items():
                cur.latest[key] = got
            best = readings.peak_of(zone_rows)
            if best is not None and (cur.peak is None or best["people"] > cur.peak["people"]):
                cur.peak = best
        cur.t = t
        return ch

    def _count(self, cur: Cursor, row: Row, first: int) -> None:
        grid = row["micro_grid"]
        at = row["reported_at"]
        if at >= cur.day_start:
            cur.day_rows[row["id"]] = row
            if grid:
                cur.day[grid] += 1
        minute = minute_of(at)
        if grid and minute >= first:
            cur.minutes.setdefault(minute, Counter())[grid] += 1
            cur.hour[grid] += 1

    def _open(self, cur: Cursor, row: Row, inc: Incident) -> bool:
        if inc.state not in ACTIVE:
            return False
        cur.open[row["id"]] = (row, inc)
        cur.summaries[row["id"]] = moment.summary_at(row, inc)
        return True

    # --- frames in the live wall's shape -------------------------------------------

    def grid_values(self, cur: Cursor, grids: set[str] | None = None) -> dict[str, list[int]]:
        return frames.grid_values(cur, grids)

    def snapshot(self, cur: Cursor) -> dict[str, Any]:
        return frames.snapshot(self.fixed, cur)

    def delta(self, cur: Cursor, ch: Changes) -> dict[str, Any]:
        return frames.delta(self.fixed, cur, ch)

    # --- the heat image's points ------------------------------------------------------

    def crowd_points(self, t: int) -> dict[str, tuple[float, float, int]]:
        m = minute_of(t)
        keys = [*self.fixed.where, *("zone:" + z for z in self.fixed.zones)]
        with self.engine.connect() as conn:
            rows = reads.keys_between(conn, keys, m - readings.LOOKBACK_MINUTES, m)
        return readings.crowd_points(readings.newest(rows), self.fixed.where, self.fixed.zone_of, m)
