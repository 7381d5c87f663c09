"""The ingest worker's loop and set-up; a round's batch lives in batch.py, the duties
between rounds in duties.py, each stream's apply in its own module."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import redis
from sqlalchemy import Engine

from feeds import constants as K
from feeds import shards
from feeds.clock import now_ms
from feeds.connections import is_cluster, refresh
from feeds.ingest import alarms, batch, duties, geography, ownership, recovery, trims
from feeds.ingest.entries import TRANSIENT, Entry
from feeds.ingest.meter import Meter
from feeds.live import Dirty, Live
from feeds.minutes.collector import MinuteHistory
from feeds.reference import Reference
from feeds.sensing import Sensing
from feeds.settings import Settings
from feeds.sla import SlaPolicy

log = logging.getLogger("watchfloor.ingest")


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
        load_reference: Callable[[Engine], Reference] = geography.load_reference,
    ) -> None:
        self.s = settings
        self.r = r
        self.engine = engine
        self.ref = ref
        self.policy = policy
        self.clock = clock
        self.count = count
        self.claim_idle_ms = settings.claim_idle_ms
        self.park_max_wait_s = settings.park_max_wait_s
        self.consumer = settings.consumer
        self.meter = Meter(settings, self.consumer)
        self.live = Live(r, settings)
        self.sensing = Sensing(r, self.live, ref)
        self.history = MinuteHistory(
            settings, r, engine, {s.id: s.zone for s in ref.sensors.values()}, clock
        )
        self.dirty = Dirty()
        # the stream keys this worker reads (key -> stream): every stream with one shard;
        # with several, those of the shards it owns (feeds/ingest/ownership.py)
        if settings.shards < 2 and is_cluster(r):
            raise SystemExit(
                "watchfloor: on a Redis Cluster set WATCHFLOOR_SHARDS to 2 or more (one "
                "shard's streams share a slot; the unsharded streams sit in four)"
            )
        self.ownership = (
            ownership.Ownership(r, settings, self.consumer, clock) if settings.shards > 1 else None
        )
        self.keys = shards.shard_keys(settings, 0) if self.ownership is None else {}
        self.shard_of = {key: i for i, _s, key in shards.stream_keys(settings)}
        self.shard = 0  # the shard whose entries are being applied (they are acked there)
        self.epoch: int | None = None  # a Redis Cluster's epoch (recovery.watch_failover)
        self.gap_script = r.register_script(trims.GAP_SCRIPT)
        self.cluster = is_cluster(r)
        self.read_own_pending = True  # after a start or a failure, our own pending first
        self.needs_reconcile = True
        self.geo_token: str | None = None  # the geography key's value self.ref was loaded at
        self.load_reference = load_reference
        self.reloading: geography.Reload | None = None  # a new reference being loaded
        self.geo_retry_at = 0.0  # monotonic; after a failed load, no new one before it
        self._last: dict[str, float] = {}

    # --- set-up -------------------------------------------------------------

    def register_sensors(self) -> None:
        """Known sensors into live state; ids not (or no longer) registered out of it."""
        self.live.register_sensors(
            {s.id: f"{s.kind}|{s.lon}|{s.lat}|{s.zone or ''}" for s in self.ref.sensors.values()}
        )
        self.live.forget_sensors(set(self.ref.sensors))

    def ensure_groups(self) -> None:
        for _shard, _stream, key in shards.stream_keys(self.s):
            try:
                # entries_read=0: the stream's counters then tell entries trimmed unread
                self.r.xgroup_create(key, K.GROUP, id="0", mkstream=True, entries_read=0)
            except redis.ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    # --- the loop -------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        self.ensure_groups()
        self.register_sensors()
        if self.ownership is not None:
            ownership.rebalance(self)
        log.info("ingest worker %s started", self.consumer)
        backoff = 0.5
        while not stop.is_set():
            try:
                self.poll(K.BLOCK_MS)
                self.tick()
                backoff = 0.5
            except TRANSIENT as exc:
                log.warning("store unavailable (%s); retrying in %.1fs", exc, backoff)
                refresh(self.r)
                self.read_own_pending = True
                self.needs_reconcile = True  # live state may be ahead of a failed commit
                stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)
            except redis.ResponseError as exc:
                if "NOGROUP" not in str(exc):
                    raise
                # the stream or group vanished (a Redis restart without persistence, a
                # wipe, an operator's DEL): make them again, rebuild live state, go on
                log.warning("consumer group missing (%s): rebuilding live state from SQL", exc)
                self.rebuild_redis()
        self.heartbeat()  # the last counts for /metrics
        if self.ownership is not None:
            self.ownership.leave()
        self.r.delete(self.s.key(K.K_HEARTBEAT + self.consumer))
        log.info("ingest worker %s stopped", self.consumer)

    def rebuild_redis(self) -> None:
        """Redis lost its data (or this is the first start): groups, sensors, alarm state
        and live aggregates from SQL, then the marker that says it is done."""
        self.ensure_groups()
        self.sensing.forget()
        self.register_sensors()
        alarms.restore(self)
        self.reconcile()
        self.r.set(self.s.key(K.K_MARKER), self.clock())
        # once more shortly: a batch another worker committed around the rebuild may have
        # counted into the old state or into the new one twice
        self._last["reconcile"] = time.monotonic() - K.RECONCILE_EVERY_S + K.RECONCILE_AGAIN_S

    def checks(self) -> None:
        """Each round, one round trip: is live state there, and were entries trimmed
        before they were read?"""
        pipe = self.r.pipeline(transaction=False)
        pipe.exists(self.s.key(K.K_MARKER))
        pipe.get(self.s.key(K.K_GEO_VERSION))
        for key in self.keys:
            if self.cluster:  # a Cluster's pipeline refuses EVALSHA; EVAL it is
                pipe.execute_command("EVAL", trims.GAP_SCRIPT, 1, key, K.GROUP)
            else:
                self.gap_script(keys=[key], args=[K.GROUP], client=pipe)
        marker, geo, *gaps = pipe.execute()
        geography.follow(self, geo)
        if not marker:
            log.warning(
                "no live state in Redis (first start, Redis restarted empty, or wiped): "
                "building it from SQL"
            )
            self.rebuild_redis()
            return
        for stream, (lost, last, first) in zip(self.keys.values(), gaps, strict=True):
            if int(lost) > 0:
                trims.report_unread(self, stream, int(lost), last, first)

    def poll(self, block_ms: int | None) -> int:
        """Read one round from every stream and apply it; the number of entries handled."""
        self.checks()
        if self.ownership is not None:
            handled = ownership.read(self, block_ms)
        else:
            start = "0" if self.read_own_pending else ">"
            res = self.r.xreadgroup(
                K.GROUP,
                self.consumer,
                dict.fromkeys(self.keys, start),
                count=self.count,
                block=None if self.read_own_pending else block_ms,
            )
            handled = self.handle_all({self.keys[key]: entries for key, entries in res or []})
        if self.read_own_pending and handled == 0:
            self.read_own_pending = False
        return handled

    def handle_all(self, got: dict[str, list[Any]]) -> int:
        """Apply one round (feeds/ingest/batch.py)."""
        return batch.handle_all(self, got)

    def stream_key(self, stream: str) -> str:
        """The key of ``stream`` in the shard being applied."""
        return shards.stream_key(self.s, stream, self.shard)

    # --- between rounds (feeds/ingest/duties.py) ------------------------------

    def tick(self) -> None:
        duties.tick(self)

    def due(self, what: str, every: float, now: float | None = None) -> bool:
        """True at most once per ``every`` seconds for each ``what``."""
        return duties.due(self, what, every, now)

    def publish(self, force: bool = False) -> bool:
        return duties.publish(self, force)

    def heartbeat(self) -> None:
        """The heartbeat, and this worker's counts for /metrics, in one round trip."""
        duties.heartbeat(self)

    # --- applying a batch (feeds/ingest/batch.py) ------------------------------

    def handle(self, stream: str, entries: list[Entry], top: bool = True) -> None:
        """Apply entries; a batch that fails is split until the entries at fault are
        alone, and those are dead-lettered."""
        batch.handle(self, stream, entries, top)

    # --- recovery (feeds/ingest/recovery.py) -------------------------------------

    def claim_stale(self) -> int:
        """Take over entries a dead consumer read but never acknowledged."""
        return recovery.claim_stale(self)

    def sweep(self) -> int:
        """Flag incidents whose pending stage's deadline passed with no event."""
        return recovery.sweep(self)

    def reconcile(self) -> None:
        """Rebuild live state from SQL, the source of truth."""
        recovery.reconcile(self)
