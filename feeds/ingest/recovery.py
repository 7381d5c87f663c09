"""Recovery: a dead consumer's entries claimed, the overdue sweep, live state rebuilt."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from feeds import constants as K
from feeds import records, store
from feeds.clock import day_start, minute_of
from feeds.connections import is_cluster
from feeds.figures import compliance
from feeds.ingest import trims
from feeds.ingest.writelock import serialise
from feeds.store import incident_of
from feeds.tables import incident_events

if TYPE_CHECKING:
    from feeds.ingest.worker import Worker

log = logging.getLogger("watchfloor.ingest")


def claim_stale(w: Worker, keys: dict[str, str] | None = None, idle_ms: int | None = None) -> int:
    """Take over entries a dead consumer read but never acknowledged (of ``keys``, else
    of every stream the worker reads; idle ``idle_ms``, else the setting)."""
    claimed = 0
    idle = w.claim_idle_ms if idle_ms is None else idle_ms
    for key, stream in (w.keys if keys is None else keys).items():
        w.shard = w.shard_of[key]
        cursor = "0-0"
        while True:
            cursor, entries, deleted = w.r.xautoclaim(
                key, K.GROUP, w.consumer, idle, cursor, count=w.count
            )
            if deleted:  # pending on a dead consumer, then trimmed by MAXLEN
                trims.lost_pending(
                    w,
                    stream,
                    list(deleted),
                    "pending on a stopped consumer, then trimmed",
                )
            if entries:
                log.warning("claimed %d pending %s entries", len(entries), stream)
                gone = [eid for eid, fields in entries if not fields]
                trims.lost_pending(w, stream, gone, "pending on a stopped consumer, then trimmed")
                w.handle(stream, [(eid, fields) for eid, fields in entries if fields])
                claimed += len(entries)
                # A dead consumer may have committed without updating live state.
                w.needs_reconcile = True
            if cursor == "0-0":
                break
    return claimed


def watch_failover(w: Worker) -> None:
    """On a Redis Cluster, a failover (the cluster's epoch moved) may have lost the last
    writes the old primary had not passed to its replica yet: acknowledgements (entries
    pending again, read first), live state (rebuilt from SQL). Nothing else depends on
    them: SQL is the source of truth and every write is idempotent."""
    if not is_cluster(w.r):
        return
    epoch = int(w.r.cluster_info()["cluster_current_epoch"])
    if w.epoch is not None and epoch != w.epoch:
        log.warning(
            "Redis Cluster failover (epoch %s -> %s): re-reading pending, rebuilding",
            w.epoch,
            epoch,
        )
        w.read_own_pending = True
        w.needs_reconcile = True
    w.epoch = epoch


def sweep(w: Worker) -> int:
    """Flag incidents whose pending stage's deadline passed with no event."""
    now = w.clock()
    with w.engine.begin() as conn:
        serialise(conn)
        # read again under the incidents' locks: an action applied meanwhile is seen, and
        # the live state written below cannot overtake a later change
        overdue = [row["id"] for row in store.overdue(conn, now)]
        locked = store.load_incidents(conn, overdue, lock=True)
        rows = [r for r in locked.values() if r["sweep_at"] is not None and r["sweep_at"] < now]
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
        day = store.day_rows(conn, day_start(now, w.s.timezone))
        if rows:
            pipe = w.r.pipeline(transaction=False)
            w.live.put_incidents(pipe, rows, w.dirty)
            pipe.execute()
    w.r.set(w.s.key(K.K_COMPLIANCE), json.dumps(compliance(day, now)))
    w.dirty.board = True
    sensor_changes(w, now)
    return len(updates)


def sensor_changes(w: Worker, now: int) -> None:
    status = w.live.sensor_status(now)
    key = w.s.key(K.K_SENSOR_STATUS)
    before = w.r.hgetall(key)
    changed = {s: v for s, v in status.items() if before.get(s) != v}
    if changed:
        w.r.hset(key, mapping=changed)
        w.dirty.sensors.update(changed)


def reconcile(w: Worker) -> None:
    """Rebuild live state from SQL, the source of truth."""
    w.needs_reconcile = False
    now = w.clock()
    since_day = day_start(now, w.s.timezone)
    since_hour = (minute_of(now) - K.ROLLING_WINDOW_MIN + 1) * 60_000
    with w.engine.begin() as conn:
        serialise(conn, alone=True)  # no writer commits while this reads and rebuilds
        active = store.active_incidents(conn)
        day = store.grid_counts(conn, since_day)
        minutes = store.grid_minute_counts(conn, since_hour)
        reports, rating_sum, rating_n = store.day_totals(conn, since_day)
        w.live.rebuild(now, active, day, minutes, reports, rating_sum, rating_n)
    w.dirty.grids.update(day)
    w.dirty.board = True
