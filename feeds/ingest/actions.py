"""Actions applied: folded into their incidents by the pipeline, with the trail.

An action that cannot be applied yet but may become valid (its incident's report, or the
actions before it, are still on their way, e.g. held by a worker that was killed) is
parked in SQL, in the same transaction, and tried again whenever its incident appears or
changes; it is dead-lettered only after PARK_MAX_WAIT_S, with what it waited for. An
action that can never become valid is dead-lettered at once.

Here the stream's batches and the parked actions' retries and expiry; the fold itself
(one transaction's actions applied in time order) is in ``fold``, the lock it takes in
``writelock``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from feeds import constants as K
from feeds import store
from feeds.ingest import parking
from feeds.ingest.entries import Entry, decode
from feeds.ingest.fold import Fold
from feeds.ingest.parking import Waiting
from feeds.ingest.writelock import serialise
from feeds.pipeline import apply
from feeds.schemas import Action, InvalidEntry, decode_action
from feeds.store import incident_of

if TYPE_CHECKING:
    from feeds.ingest.worker import Worker


def apply_actions(w: Worker, entries: list[Entry]) -> None:
    actions: list[Action]
    actions, dead = decode(entries, decode_action)
    by_id = {e[1].get("id"): e for e in entries}
    now = w.clock()
    with w.engine.begin() as conn:
        serialise(conn)
        fold = Fold(w, conn, now, dead)
        fold.load({a.incident for a in actions} | {a.into for a in actions if a.into})
        # after the locks: an action another worker applied meanwhile (an entry claimed
        # while its first reader was still at it) is seen here and not applied twice
        seen = store.existing_events(conn, [a.id for a in actions])
        # first of each id only: a replay inside one batch is as harmless as across batches
        todo = list({a.id: a for a in reversed(actions) if a.id not in seen}.values())[::-1]
        fold.pull(fold.current)  # what already waits on these incidents goes first, by time
        # delivered again while parked: it goes on waiting from when it was first parked
        rest = [a.id for a in todo if a.id not in fold.waiting]
        again = {p.action.id: p for p in parking.take_ids(conn, rest)}
        for action in todo:
            if action.id in fold.waiting:
                continue
            eid, fields = by_id[action.id]
            first = again.get(action.id)
            fold.offer(Waiting(action, eid, fields, "", first.parked_at if first else None))
        fold.settle()
        fold.write()
        fold.show()
    fold.finish(K.STREAM_ACTIONS, entries)


def retry_parked(w: Worker, incident_ids: Iterable[str]) -> int:
    """Try again the actions parked on these incidents; how many were applied."""
    ids = set(incident_ids)
    if not ids:
        return 0
    with w.engine.begin() as conn:
        serialise(conn)
        fold = Fold(w, conn, w.clock(), [])
        fold.load(ids)
        fold.pull(ids)
        fold.settle()
        fold.write()
        fold.show()
    fold.finish(K.STREAM_ACTIONS, [])
    return fold.applied


def recheck_parked(w: Worker) -> int:
    """Retry parked actions that would apply now (their incident appeared or moved while
    another worker was parking them), then dead-letter those that waited too long."""
    with w.engine.connect() as conn:
        waits = parking.waiting_on_known(conn)
        rows = store.load_incidents(conn, {p.action.incident for p in waits}) if waits else {}
    ready = set()
    for p in waits:
        try:
            apply(incident_of(rows[p.action.incident]), p.action)
        except InvalidEntry:
            continue
        ready.add(p.action.incident)
    applied = retry_parked(w, ready)
    expire_parked(w)
    with w.engine.connect() as conn:
        waiting = parking.count(conn)
    w.r.hset(w.s.key(K.K_COUNTERS), K.C_PARKED, waiting)  # a gauge, for /status
    return applied


def expire_parked(w: Worker) -> int:
    """Dead-letter the actions that waited longer than PARK_MAX_WAIT_S."""
    now = w.clock()
    before = now - w.park_max_wait_s * 1000
    with w.engine.connect() as conn:
        due = parking.incidents_parked_before(conn, before)
    if not due:
        return 0
    with w.engine.begin() as conn:
        serialise(conn)
        fold = Fold(w, conn, now, [])
        fold.load(due)
        fold.pull(due)
        fold.expire(before)
        fold.write()
        fold.show()
    fold.finish(K.STREAM_ACTIONS, [])
    return len(fold.dead)
