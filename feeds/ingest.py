"""The ingest worker: consumer group in, SQL and live state out.

At-least-once: entries are committed to SQL, then applied to live state, then
acknowledged. Every write is idempotent on the event id, so a replay (after a
crash, or entries claimed from a dead consumer) changes nothing twice.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import redis
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from feeds import constants as K
from feeds import records, store
from feeds.clock import day_start, minute_of, now_ms
from feeds.figures import compliance
from feeds.live import Dirty, Live
from feeds.pipeline import ACTIVE, IllegalTransition, apply
from feeds.reference import Place, Reference
from feeds.schemas import (
    Action,
    InvalidEntry,
    Report,
    SensorReading,
    decode_action,
    decode_reading,
    decode_report,
)
from feeds.sensing import Sensing
from feeds.settings import Settings
from feeds.sla import SlaPolicy
from feeds.store import incident_of
from feeds.tables import incident_events, incidents

log = logging.getLogger("watchfloor.ingest")

Entry = tuple[str, dict[str, str]]
Dead = tuple[str, dict[str, str], str]  # entry id, fields, reason
TRANSIENT = (redis.ConnectionError, redis.TimeoutError, OperationalError)


class Worker:
    def __init__(
        self,
        settings: Settings,
        r: redis.Redis,
        engine: Engine,
        ref: Reference,
        policy: SlaPolicy,
        clock: Callable[[], int] = now_ms,
        count: int = K.READ_COUNT,
    ) -> None:
        self.s = settings
        self.r = r
        self.engine = engine
        self.ref = ref
        self.policy = policy
        self.clock = clock
        self.count = count
        self.claim_idle_ms = K.CLAIM_IDLE_MS
        self.consumer = settings.consumer
        self.live = Live(r, settings)
        self.sensing = Sensing(r, self.live, ref)
        self.dirty = Dirty()
        self.keys = {settings.key(s): s for s in K.INPUT_STREAMS}
        self.read_own_pending = True  # after a start or a failure, our own pending first
        self.needs_reconcile = True
        self._last: dict[str, float] = {}

    # --- set-up -------------------------------------------------------------

    def register_sensors(self) -> None:
        self.live.register_sensors(
            {s.id: f"{s.kind}|{s.lon}|{s.lat}|{s.zone or ''}" for s in self.ref.sensors.values()}
        )

    def ensure_groups(self) -> None:
        for key in self.keys:
            try:
                self.r.xgroup_create(key, K.GROUP, id="0", mkstream=True)
            except redis.ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    # --- the loop -------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        self.ensure_groups()
        self.register_sensors()
        log.info("ingest worker %s started", self.consumer)
        backoff = 0.5
        while not stop.is_set():
            try:
                self.poll(K.BLOCK_MS)
                self.tick()
                backoff = 0.5
            except TRANSIENT as exc:
                log.warning("store unavailable (%s); retrying in %.1fs", exc, backoff)
                self.read_own_pending = True
                stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)
            except redis.ResponseError as exc:
                if "NOGROUP" not in str(exc):
                    raise
                # the stream or group vanished (a Redis restart without persistence, an
                # operator's DEL): make them again and go on
                log.warning("consumer group missing (%s); recreating it", exc)
                self.ensure_groups()
                self.register_sensors()
        self.r.delete(self.s.key(K.K_HEARTBEAT + self.consumer))
        log.info("ingest worker %s stopped", self.consumer)

    def poll(self, block_ms: int | None) -> int:
        """Read one round from every stream and apply it; the number of entries handled."""
        start = "0" if self.read_own_pending else ">"
        res = self.r.xreadgroup(
            K.GROUP,
            self.consumer,
            dict.fromkeys(self.keys, start),
            count=self.count,
            block=None if self.read_own_pending else block_ms,
        )
        got = {self.keys[key]: entries for key, entries in res or []}
        handled = self.handle_all(got)
        if self.read_own_pending and handled == 0:
            self.read_own_pending = False
        return handled

    def handle_all(self, got: dict[str, list[Any]]) -> int:
        handled = 0
        # Reports first, so that actions in the same round find their incident.
        for stream in K.INPUT_STREAMS:
            entries = got.get(stream) or []
            if entries:
                self.handle(stream, [(eid, fields or {}) for eid, fields in entries])
                handled += len(entries)
        return handled

    def tick(self) -> None:
        now = time.monotonic()
        if self._due("heartbeat", K.HEARTBEAT_EVERY_S, now):
            self.heartbeat()
        if self._due("claim", K.CLAIM_EVERY_S, now):
            self.claim_stale()
        if self.needs_reconcile or self._due("reconcile", K.RECONCILE_EVERY_S, now):
            self.reconcile()
        if self._due("sweep", K.SWEEP_EVERY_S, now):
            self.sweep()
            self.dirty.grids.update(self.live.roll_hour(self.clock()))
        self.publish()

    def _due(self, what: str, every: float, now: float) -> bool:
        if now - self._last.get(what, -1e9) >= every:
            self._last[what] = now
            return True
        return False

    def publish(self, force: bool = False) -> bool:
        now = time.monotonic()
        if not self.dirty or (
            not force and now - self._last.get("publish", -1e9) < K.PUBLISH_MIN_INTERVAL_S
        ):
            return False
        self._last["publish"] = now
        dirty, self.dirty = self.dirty, Dirty()
        self.live.publish(self.live.delta(dirty, self.clock()))
        return True

    def heartbeat(self) -> None:
        self.r.set(self.s.key(K.K_HEARTBEAT + self.consumer), self.clock(), ex=K.HEARTBEAT_TTL_S)

    # --- applying a batch ---------------------------------------------------

    def handle(self, stream: str, entries: list[Entry]) -> None:
        """Apply entries; a batch that fails is retried one entry at a time."""
        try:
            self._apply(stream, entries)
        except TRANSIENT:
            raise
        except Exception as exc:
            if len(entries) == 1:
                eid, fields = entries[0]
                log.exception("entry %s %s failed", stream, eid)
                self._dead_only(stream, [(eid, fields, f"processing failed: {exc!r}")])
                return
            for entry in entries:
                self.handle(stream, [entry])

    def _apply(self, stream: str, entries: list[Entry]) -> None:
        if stream == K.STREAM_REPORTS:
            self._apply_reports(entries)
        elif stream == K.STREAM_SENSORS:
            self._apply_readings(entries)
        else:
            self._apply_actions(entries)

    @staticmethod
    def _decode(
        entries: list[Entry], decoder: Callable[[dict[str, str]], Any]
    ) -> tuple[list[Any], list[Dead]]:
        good, dead = [], []
        for eid, fields in entries:
            if not fields:  # trimmed from the stream before it was read
                continue
            try:
                good.append(decoder(fields))
            except InvalidEntry as exc:
                dead.append((eid, fields, str(exc)))
        return good, dead

    def _apply_reports(self, entries: list[Entry]) -> None:
        reports, dead = self._decode(entries, decode_report)
        fields_of = dict(entries)
        by_id = {e[1].get("id"): e[0] for e in entries}
        located, unknown = self._locate(reports)
        for report in unknown:
            eid = by_id[report.id]
            dead.append((eid, fields_of[eid], f"unknown address code {report.address!r}"))
        self._commit(K.STREAM_REPORTS, entries, located, dead)

    def _apply_readings(self, entries: list[Entry]) -> None:
        readings: list[SensorReading]
        readings, dead = self._decode(entries, decode_reading)
        alarms = self.sensing.apply(readings, self.dirty)
        located, _ = self._locate(alarms)
        self._commit(K.STREAM_SENSORS, entries, located, dead)

    def _locate(self, reports: Sequence[Report]) -> tuple[list[tuple[Report, Place]], list[Report]]:
        """Place each report: a building's code fixes it, else its lon/lat."""
        located: list[tuple[Report, Place]] = []
        unknown: list[Report] = []
        by_point: list[Report] = []
        for report in reports:
            if report.address is not None:
                building = self.ref.buildings.get(report.address)
                if building is None:
                    unknown.append(report)
                    continue
                lon, lat, micro = building
                located.append((report, self.ref.place(micro, lon, lat)))
            else:
                by_point.append(report)
        cells = self.ref.locate([(r.lon, r.lat) for r in by_point])  # type: ignore[misc]
        for report, micro in zip(by_point, cells, strict=True):
            located.append((report, self.ref.place(micro, report.lon, report.lat)))
        return located, unknown

    def _commit(
        self,
        stream: str,
        entries: list[Entry],
        located: list[tuple[Report, Place]],
        dead: list[Dead],
    ) -> None:
        """Insert new incidents, write dead letters, update live state, acknowledge."""
        rows, trail = {}, []
        for report, place in located:
            due = self.policy.deadlines(report.ts, report.category, report.priority)
            suggestion = self.ref.router.suggest(report.category, place.grid)
            rows[report.id] = records.incident_row(report, place, due, suggestion)
            trail.append(records.report_trail(report, suggestion))
        now = self.clock()
        new: set[str] = set()
        if rows or dead:  # most sensor batches write nothing to SQL
            with self.engine.begin() as conn:
                new = store.insert_new(conn, incidents, "id", list(rows.values()))
                store.insert_new(
                    conn, incident_events, "event_id", [t for t in trail if t["incident_id"] in new]
                )
                store.add_dead_letters(conn, [records.dead_row(stream, *d, at=now) for d in dead])
        new_rows = [rows[i] for i in rows if i in new]
        pipe = self.r.pipeline(transaction=False)
        self.live.count_reports(pipe, new_rows)
        self.live.put_incidents(pipe, new_rows, self.dirty, fresh=True)
        self._finish(pipe, stream, entries, dead, now)
        self.dirty.grids.update(r["micro_grid"] for r in new_rows if r["micro_grid"])

    def _finish(
        self, pipe: Any, stream: str, entries: list[Entry], dead: list[Dead], now: int
    ) -> None:
        for eid, fields, reason in dead:
            log.info("dead letter %s %s: %s", stream, eid, reason)
            pipe.xadd(
                self.s.key(K.STREAM_DEAD),
                {
                    "stream": stream,
                    "entry": eid,
                    "reason": reason,
                    "fields": json.dumps(fields, ensure_ascii=False),
                    "at": now,
                },
                maxlen=K.MAXLEN_DEAD,
                approximate=True,
            )
        pipe.set(self.s.key(K.K_LAST_EVENT), now)
        pipe.xack(self.s.key(stream), K.GROUP, *[eid for eid, _ in entries])
        pipe.execute()

    def _dead_only(self, stream: str, dead: list[Dead]) -> None:
        now = self.clock()
        with self.engine.begin() as conn:
            store.add_dead_letters(conn, [records.dead_row(stream, *d, at=now) for d in dead])
        self._finish(
            self.r.pipeline(transaction=False), stream, [(d[0], d[1]) for d in dead], dead, now
        )

    def _apply_actions(self, entries: list[Entry]) -> None:
        actions: list[Action]
        actions, dead = self._decode(entries, decode_action)
        by_id = {e[1].get("id"): e for e in entries}
        now = self.clock()
        ratings: list[tuple[int, int]] = []
        with self.engine.begin() as conn:
            seen = store.existing_events(conn, [a.id for a in actions])
            # first of each id only: a replay inside one batch is as harmless as across batches
            todo = list({a.id: a for a in reversed(actions) if a.id not in seen}.values())[::-1]
            wanted = {a.incident for a in todo} | {a.into for a in todo if a.into}
            rows = store.load_incidents(conn, wanted, lock=True)
            current = {i: incident_of(row) for i, row in rows.items()}
            changed: set[str] = set()
            trail: list[records.Row] = []
            for action in todo:
                problem = self._check(action, current)
                inc = current.get(action.incident)
                if problem is None and inc is not None:
                    try:
                        new = apply(inc, action)
                    except IllegalTransition as exc:
                        problem = str(exc)
                if problem is not None or inc is None:
                    eid, fields = by_id[action.id]
                    dead.append((eid, fields, problem or "unknown incident"))
                    continue
                trail.append(records.action_trail(action))
                row = rows[action.incident]
                if (
                    action.action == "accept"
                    and row["suggested_unit"]
                    and self.ref.router.automatic(row["category"], row["priority"])
                ):
                    auto = Action(
                        id=f"{action.id}:assign",
                        incident=inc.id,
                        action="dispatch",
                        actor="rule",
                        ts=action.ts,
                        unit=row["suggested_unit"],
                        note="智能交办",
                    )
                    new = apply(new, auto)
                    trail.append(records.action_trail(auto, kind="assign"))
                if action.action == "merge" and action.into:
                    trail.append(
                        records.system_trail(
                            f"{action.id}:into",
                            action.into,
                            "comment",
                            action.ts,
                            note=f"merged from {inc.id}",
                        )
                    )
                if action.action == "rate" and action.rating:
                    ratings.append((action.ts, action.rating))
                current[inc.id] = new
                changed.add(inc.id)
            updates = []
            for iid in sorted(changed):
                row = rows[iid]
                cols = store.state_columns(current[iid])
                late = records.late_of(row)
                cols["sweep_at"] = records.sweep_at(current[iid], row, late)
                row.update(cols)
                updates.append({"id": iid, **cols})
            store.update_incidents(conn, updates)
            store.insert_new(conn, incident_events, "event_id", trail)
            store.add_dead_letters(
                conn, [records.dead_row(K.STREAM_ACTIONS, *d, at=now) for d in dead]
            )
        pipe = self.r.pipeline(transaction=False)
        self.live.put_incidents(pipe, [rows[i] for i in sorted(changed)], self.dirty)
        for at, rating in ratings:
            self.live.count_rating(pipe, at, rating)
        self._finish(pipe, K.STREAM_ACTIONS, entries, dead, now)

    def _check(self, action: Action, current: dict[str, Any]) -> str | None:
        if action.incident not in current:
            return f"unknown incident {action.incident}"
        for unit in ([action.unit] if action.unit else []) + list(action.units):
            if unit not in self.ref.unit_ids:
                return f"unknown unit {unit}"
        if action.action == "merge":
            target = current.get(action.into) if action.into else None
            if target is None:
                return f"unknown incident {action.into} to merge into"
            if target.state not in ACTIVE | {"resolved"}:
                return f"cannot merge into an incident that is {target.state}"
        return None

    # --- recovery -----------------------------------------------------------

    def claim_stale(self) -> int:
        """Take over entries a dead consumer read but never acknowledged."""
        claimed = 0
        for key, stream in self.keys.items():
            cursor = "0-0"
            while True:
                cursor, entries, deleted = self.r.xautoclaim(
                    key, K.GROUP, self.consumer, self.claim_idle_ms, cursor, count=self.count
                )
                if deleted:
                    self.r.xack(key, K.GROUP, *deleted)
                if entries:
                    log.warning("claimed %d pending %s entries", len(entries), stream)
                    self.handle(stream, [(eid, fields or {}) for eid, fields in entries])
                    claimed += len(entries)
                    # A dead consumer may have committed without updating live state.
                    self.needs_reconcile = True
                if cursor == "0-0":
                    break
        return claimed

    def sweep(self) -> int:
        """Flag incidents whose pending stage's deadline passed with no event."""
        now = self.clock()
        with self.engine.begin() as conn:
            rows = store.overdue(conn, now)
            trail, updates = [], []
            for row in rows:
                inc = incident_of(row)
                stage = inc.pending
                if stage is None:
                    continue
                late = records.late_of(row) | {stage}
                row["late"] = ",".join(sorted(late))
                row["sweep_at"] = records.sweep_at(inc, row, late)
                updates.append({"id": row["id"], "late": row["late"], "sweep_at": row["sweep_at"]})
                trail.append(
                    records.system_trail(
                        f"{row['id']}:overdue:{stage}",
                        row["id"],
                        "overdue",
                        now,
                        stage=stage,
                        due=row[f"due_{stage}"],
                    )
                )
            store.update_incidents(conn, updates)
            store.insert_new(conn, incident_events, "event_id", trail)
            day = store.day_rows(conn, day_start(now, self.s.timezone))
        self.r.set(self.s.key(K.K_COMPLIANCE), json.dumps(compliance(day, now)))
        if rows:
            pipe = self.r.pipeline(transaction=False)
            self.live.put_incidents(pipe, rows, self.dirty)
            pipe.execute()
        self.dirty.board = True
        self._sensor_changes(now)
        return len(updates)

    def _sensor_changes(self, now: int) -> None:
        status = self.live.sensor_status(now)
        key = self.s.key(K.K_SENSOR_STATUS)
        before = self.r.hgetall(key)
        changed = {s: v for s, v in status.items() if before.get(s) != v}
        if changed:
            self.r.hset(key, mapping=changed)
            self.dirty.sensors.update(changed)

    def reconcile(self) -> None:
        """Rebuild live state from SQL, the source of truth."""
        self.needs_reconcile = False
        now = self.clock()
        since_day = day_start(now, self.s.timezone)
        since_hour = (minute_of(now) - K.ROLLING_WINDOW_MIN + 1) * 60_000
        with self.engine.connect() as conn:
            active = store.active_incidents(conn)
            day = store.grid_counts(conn, since_day)
            minutes = store.grid_minute_counts(conn, since_hour)
            reports, rating_sum, rating_n = store.day_totals(conn, since_day)
        self.live.rebuild(now, active, day, minutes, reports, rating_sum, rating_n)
        self.dirty.grids.update(day)
        self.dirty.board = True
