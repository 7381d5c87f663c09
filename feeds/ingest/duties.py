"""A worker's duties between rounds, each at its own pace: heartbeat and counts, shard
leases, claiming a dead consumer's entries, reconcile, history, parked actions, the
overdue sweep, and the live deltas published to screens."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from feeds import constants as K
from feeds.ingest import ownership, recovery
from feeds.ingest.actions import recheck_parked
from feeds.live import Dirty

if TYPE_CHECKING:
    from feeds.ingest.worker import Worker


def tick(w: Worker) -> None:
    now = time.monotonic()
    if w.due("heartbeat", K.HEARTBEAT_EVERY_S, now):
        w.heartbeat()
        recovery.watch_failover(w)
    if w.ownership is not None and w.due("shards", w.s.shard_lease_ms / 4000, now):
        ownership.rebalance(w)
    if w.due("claim", min(K.CLAIM_EVERY_S, w.claim_idle_ms / 1000), now):
        w.claim_stale()
    if w.needs_reconcile or w.due("reconcile", K.RECONCILE_EVERY_S, now):
        w.reconcile()
    if w.due("history", K.HIST_FLUSH_EVERY_S, now):
        w.history.flush()
    if w.due("prune", K.HIST_PRUNE_EVERY_S, now):
        w.history.prune(w.s.readings_retention_days)
    if w.due("parked", K.PARK_RETRY_EVERY_S, now):
        recheck_parked(w)
    if w.due("sweep", K.SWEEP_EVERY_S, now):
        w.sweep()
        w.dirty.grids.update(w.live.roll_hour(w.clock()))
    w.publish()


def due(w: Worker, what: str, every: float, now: float | None = None) -> bool:
    """True at most once per ``every`` seconds for each ``what``."""
    now = time.monotonic() if now is None else now
    if now - w._last.get(what, -1e9) >= every:
        w._last[what] = now
        return True
    return False


def publish(w: Worker, force: bool = False) -> bool:
    """The live delta of what changed, at most every PUBLISH_MIN_INTERVAL_S unless forced."""
    now = time.monotonic()
    if not w.dirty or (not force and now - w._last.get("publish", -1e9) < K.PUBLISH_MIN_INTERVAL_S):
        return False
    w._last["publish"] = now
    dirty, w.dirty = w.dirty, Dirty()
    w.live.publish(w.live.delta(dirty, w.clock()))
    return True


def heartbeat(w: Worker) -> None:
    """The heartbeat, and this worker's counts for /metrics, in one round trip."""
    now = w.clock()
    pipe = w.r.pipeline(transaction=False)
    pipe.set(w.s.key(K.K_HEARTBEAT + w.consumer), now, ex=K.HEARTBEAT_TTL_S)
    w.meter.flush(pipe, now)
    pipe.execute()
