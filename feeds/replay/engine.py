"""Seek to a moment and step forward from it; frames shaped like the live wall's.

``seek(t)`` reads the windows one moment needs (today's reports, the incidents open at
t with their trail, the last minutes of readings, today's crowd peak). ``advance``
steps a cursor forward reading only what happened in between: the reports and trail
entries of (t1, t2] and the readings of the new minutes. ``snapshot`` and ``delta``
give what ``Live.snapshot`` and ``Live.delta`` give for the live wall.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine

from feeds.clock import day_start, minute_of
from feeds.constants import ROLLING_WINDOW_MIN
from feeds.figures import compliance
from feeds.pipeline import ACTIVE, Incident
from feeds.replay import moment, readings, reads
from feeds.store import load_rows
from feeds.tables import crowd_zones, sensors

Row = dict[str, Any]
MAX_STEP_MS = 3_600_000  # a step longer than this is a seek


@dataclass(frozen=True)
class Fixed:
    """The district's sensors and crowd zones (reference data, read once)."""

    kinds: dict[str, str]  # sensor -> kind
    where: dict[str, tuple[float, float]]  # crowd counter -> (lon, lat)
    zone_of: dict[str, str | None]  # crowd counter -> its zone
    zones: tuple[str, ...]
    meta: dict[str, list[Any]]  # sensor -> [kind, lon, lat], as Live.sensor_meta

    @classmethod
    def load(cls, conn: Connection) -> Fixed:
        rows = load_rows(conn, sensors)
        return cls(
            kinds={s["id"]: s["kind"] for s in rows},
            where={s["id"]: (s["lon"], s["lat"]) for s in rows if s["kind"] == "crowd"},
            zone_of={s["id"]: s["zone"] for s in rows if s["kind"] == "crowd"},
            zones=tuple(sorted(z["code"] for z in load_rows(conn, crowd_zones))),
            meta={s["id"]: [s["kind"], s["lon"], s["lat"]] for s in rows},
        )


@dataclass
class Changes:
    grids: set[str] = field(default_factory=set)
    upserts: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)


@dataclass
class Cursor:
    """Everything known at moment ``t``; ``advance`` moves it forward."""

    t: int
    day_start: int
    minutes: dict[int, Counter[str]]  # minute -> micro-grid -> reports, the rolling hour
    hour: Counter[str]
    day: Counter[str]
    day_rows: dict[str, Row]  # today's incidents, for the headline and compliance
    open: dict[str, tuple[Row, Incident]]
    summaries: dict[str, dict[str, Any]]  # open incident -> its wall summary at t
    ratings: list[int]
    latest: dict[str, tuple[int, Mapping[str, Any]]]  # reading key -> its latest minute row
    peak: dict[str, Any] | None
    seq: int = 0
    sent: dict[str, Any] = field(default_factory=dict)  # zones, sensors, board last sent
    compliance: tuple[int, dict[str, Any]] | None = None  # (minute, today's compliance then)
    # (minute, zones, sensors then): readings change only with the minute, a frame is 5 s at 60x
    readings: tuple[int, dict[str, int], dict[str, str]] | None = None


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

    def _parts(self, cur: Cursor) -> dict[str, Any]:
        m = minute_of(cur.t)
        if cur.readings is None or cur.readings[0] != m:
            zones = readings.zones(cur.latest, self.fixed.zones, m)
            cur.readings = (m, zones, readings.sensor_status(self.fixed.kinds, cur.latest, m))
        _, zones, status = cur.readings
        n = len(cur.ratings)
        items = cur.summaries.values()
        return {
            "zones": zones,
            "sensors": status,
            "board": moment.board(items, cur.t),
            "headline": {
                "reports": len(cur.day_rows),
                "open": len(cur.summaries),
                "late": moment.late(items, cur.t),
                "peak": cur.peak,
                "sensors_online": sum(1 for v in status.values() if v != "offline"),
                "sensors_total": len(status),
                "satisfaction": sum(cur.ratings) / n if n else None,
                "ratings": n,
            },
            "compliance": self._compliance(cur, m),
        }

    def _compliance(self, cur: Cursor, minute: int) -> dict[str, Any]:
        """Today's compliance as of the start of the minute: computed once a minute (it
        reads every report of the day), the same whether the cursor sought or stepped."""
        if cur.compliance is None or cur.compliance[0] != minute:
            at = minute * 60_000
            rows = [moment.masked(r, at) for r in cur.day_rows.values() if r["reported_at"] <= at]
            cur.compliance = (minute, compliance(rows, at))
        return cur.compliance[1]

    def grid_values(self, cur: Cursor, grids: set[str] | None = None) -> dict[str, list[int]]:
        keys = sorted(grids if grids is not None else (cur.hour.keys() | cur.day.keys()))
        return {g: [cur.hour.get(g, 0), cur.day.get(g, 0)] for g in keys}

    def snapshot(self, cur: Cursor) -> dict[str, Any]:
        parts = self._parts(cur)
        cur.seq += 1
        cur.sent = {k: parts[k] for k in ("zones", "sensors", "board")}
        return {
            "t": cur.t,
            "seq": cur.seq,
            "grids": self.grid_values(cur),
            "zones": parts["zones"],
            "incidents": dict(cur.summaries),
            "sensors": parts["sensors"],
            "sensor_meta": self.fixed.meta,
            "board": parts["board"],
            "headline": parts["headline"],
            "compliance": parts["compliance"],
            "last_event": cur.t,
        }

    def delta(self, cur: Cursor, ch: Changes) -> dict[str, Any]:
        parts = self._parts(cur)
        cur.seq += 1
        out: dict[str, Any] = {"t": cur.t, "last_event": cur.t, "seq": cur.seq}
        if ch.grids:
            out["grids"] = self.grid_values(cur, ch.grids)
        sent = cur.sent
        # the minute's readings are the same objects frame after frame: compared only when new
        old_zones = sent.get("zones", {})
        if parts["zones"] is not old_zones:
            zones = {z: v for z, v in parts["zones"].items() if old_zones.get(z) != v} | {
                z: 0 for z in old_zones if z not in parts["zones"]
            }
            if zones:
                out["zones"] = zones
        if ch.upserts:
            out["upsert"] = [cur.summaries[i] for i in sorted(ch.upserts)]
        if ch.removed:
            out["remove"] = sorted(ch.removed)
        old_sensors = sent.get("sensors", {})
        if parts["sensors"] is not old_sensors:
            changed = {s: v for s, v in parts["sensors"].items() if old_sensors.get(s) != v}
            if changed:
                out["sensors"] = changed
        if parts["board"] != sent.get("board"):
            out["board"] = parts["board"]
        out["headline"] = parts["headline"]
        out["compliance"] = parts["compliance"]
        cur.sent = {k: parts[k] for k in ("zones", "sensors", "board")}
        return out

    # --- the heat image's points ------------------------------------------------------

    def crowd_points(self, t: int) -> dict[str, tuple[float, float, int]]:
        m = minute_of(t)
        keys = [*self.fixed.where, *("zone:" + z for z in self.fixed.zones)]
        with self.engine.connect() as conn:
            rows = reads.keys_between(conn, keys, m - readings.LOOKBACK_MINUTES, m)
        return readings.crowd_points(readings.newest(rows), self.fixed.where, self.fixed.zone_of, m)
