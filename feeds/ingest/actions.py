"""Actions applied: folded into their incidents by the pipeline, with the trail.

An action that cannot be applied yet but may become valid (its incident's report, or the
actions before it, are still on their way, e.g. held by a worker that was killed) is
parked in SQL, in the same transaction, and tried again whenever its incident appears or
changes; it is dead-lettered only after PARK_MAX_WAIT_S, with what it waited for. An
action that can never become valid is dead-lettered at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Connection, false, text, update

from feeds import constants as K
from feeds import records, store
from feeds.ingest import parking
from feeds.ingest.entries import Dead, Entry, decode, finish, record_dead
from feeds.ingest.parking import Waiting
from feeds.pipeline import ACTIVE, ALLOWED, IllegalTransition, Incident, apply, may_become_legal
from feeds.schemas import Action, InvalidEntry, decode_action
from feeds.stats import rollup
from feeds.store import incident_of
from feeds.tables import incident_events, parked_actions

if TYPE_CHECKING:
    from feeds.ingest.worker import Worker

Problem = tuple[str, bool]  # the reason, and whether waiting may make it valid


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


LIVE_LOCK = 7_700_001  # PostgreSQL advisory lock: writers share it, a reconcile takes it alone


def serialise(conn: Connection, alone: bool = False) -> None:
    """Take the write lock before reading what a transaction decides on.

    SQLite reads outside a transaction until the first write, so a write that changes
    nothing comes first and takes the database's lock. On PostgreSQL the rows are locked
    by SELECT ... FOR UPDATE; besides, writers of live state share an advisory lock that a
    reconcile (``alone``) takes for itself, so a rebuild from SQL never overwrites in Redis
    a change committed while it was reading."""
    if conn.dialect.name == "sqlite":
        conn.execute(update(parked_actions).where(false()).values(ts=0))
    elif conn.dialect.name == "postgresql":
        fn = "pg_advisory_xact_lock" if alone else "pg_advisory_xact_lock_shared"
        conn.execute(text(f"SELECT {fn}(:k)"), {"k": LIVE_LOCK})


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


def waited(reason: str, wait_s: int) -> str:
    how_long = f"{wait_s / 60:g} min" if wait_s >= 60 else f"{wait_s} s"
    if reason.startswith("unknown incident"):
        return f"{reason}: waited {how_long} for its report"
    return f"{reason}: waited {how_long} for the actions that must come before it"


def _order(item: Waiting) -> tuple[int, str]:
    return item.action.ts, item.action.id


class Fold:
    """One transaction's worth of actions folded into their incidents."""

    def __init__(self, w: Worker, conn: Connection, now: int, dead: list[Dead]) -> None:
        self.w, self.conn, self.now, self.dead = w, conn, now, dead
        self.rows: dict[str, records.Row] = {}
        self.current: dict[str, Incident] = {}
        self.changed: set[str] = set()
        self.pulled: set[str] = set()  # incidents whose parked actions were taken out
        self.trail: list[records.Row] = []
        self.ratings: list[tuple[int, int]] = []
        self.waiting: dict[str, Waiting] = {}
        self.done: set[str] = set()
        self.applied = 0

    def load(self, ids: Iterable[str]) -> None:
        wanted = {i for i in ids if i not in self.rows}
        if wanted:
            rows = store.load_incidents(self.conn, wanted, lock=True)
            self.rows.update(rows)
            self.current.update({i: incident_of(row) for i, row in rows.items()})

    def pull(self, ids: Iterable[str]) -> None:
        """Take out the actions parked on these incidents, to be tried with the rest."""
        wanted = set(ids) - self.pulled
        self.pulled |= wanted
        for p in parking.take_for(self.conn, wanted):
            if p.action.id not in self.done:
                self.waiting.setdefault(p.action.id, p)

    def offer(self, item: Waiting) -> None:
        """Take an action of this batch; it is tried in time order by ``settle``."""
        self.waiting[item.action.id] = item

    def settle(self, park: bool = True) -> None:
        """Try the waiting actions in time order until none moves; park the rest.

        An action is not applied while an earlier one on the same incident still waits if
        applying it would leave that one impossible (a resolve past a waiting arrive)."""
        while True:
            self.pull(self.changed)
            moved = False
            behind: dict[str, list[Waiting]] = {}  # incident -> earlier actions still waiting
            for item in sorted(self.waiting.values(), key=_order):
                earlier = behind.setdefault(item.action.incident, [])
                problem = self.attempt(item.action, earlier)
                if problem is not None and problem[1]:
                    item.reason = problem[0]
                    earlier.append(item)
                    continue
                del self.waiting[item.action.id]
                moved = True
                if problem is not None:
                    self.dead.append((item.entry_id, item.fields, problem[0]))
            if not moved and not (self.changed - self.pulled):
                break
        if park:
            parking.park(self.conn, self.waiting.values(), self.now)

    def expire(self, before: int) -> None:
        """Dead-letter the first waiting action of an incident once it was parked before
        ``before``; those behind it get their chance again."""
        while True:
            self.settle(park=False)
            heads: dict[str, Waiting] = {}
            for item in sorted(self.waiting.values(), key=_order):
                heads.setdefault(item.action.incident, item)
            old = [h for h in heads.values() if h.parked_at is not None and h.parked_at < before]
            if not old:
                break
            for item in old:
                del self.waiting[item.action.id]
                self.dead.append(
                    (item.entry_id, item.fields, waited(item.reason, self.w.park_max_wait_s))
                )
        parking.park(self.conn, self.waiting.values(), self.now)

    def attempt(self, action: Action, earlier: Sequence[Waiting] = ()) -> Problem | None:
        """Apply the action if it can be; else why not."""
        if action.into:
            self.load([action.into])
        problem = self.check(action)
        if problem is not None:
            return problem
        inc = self.current[action.incident]
        try:
            new = apply(inc, action)
        except IllegalTransition as exc:
            return str(exc), may_become_legal(inc.state, action.action)
        for first in earlier:
            need = first.action.action
            if new.state not in ALLOWED[need] and not may_become_legal(new.state, need):
                return f"waits for the earlier {need} {first.action.id}: {first.reason}", True
        self.trail.append(records.action_trail(action))
        row = self.rows[action.incident]
        if (
            action.action == "accept"
            and new.state == "accepted"
            and row["suggested_unit"]
            and self.w.ref.router.automatic(row["category"], row["priority"])
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
            self.trail.append(records.action_trail(auto, kind="assign"))
        if action.action == "merge" and action.into:
            self.trail.append(
                records.system_trail(
                    f"{action.id}:into",
                    action.into,
                    "comment",
                    action.ts,
                    note=f"merged from {inc.id}",
                )
            )
        if action.action == "rate" and action.rating:
            self.ratings.append((action.ts, action.rating))
        self.current[inc.id] = new
        self.changed.add(inc.id)
        self.done.add(action.id)
        self.applied += 1
        return None

    def check(self, action: Action) -> Problem | None:
        """Why the action cannot be applied to what is known, or None."""
        if action.incident not in self.current:
            return f"unknown incident {action.incident}", True
        for unit in ([action.unit] if action.unit else []) + list(action.units):
            if unit not in self.w.ref.unit_ids:
                return f"unknown unit {unit}", False
        if action.action == "merge":
            target = self.current.get(action.into) if action.into else None
            if target is None:
                return f"unknown incident {action.into} to merge into", True
            if target.state not in ACTIVE | {"resolved"}:
                return f"cannot merge into an incident that is {target.state}", False
        return None

    def write(self) -> None:
        updates = []
        for iid in sorted(self.changed):
            row = self.rows[iid]
            cols = store.state_columns(self.current[iid])
            late = records.late_of(row)
            cols["sweep_at"] = records.sweep_at(self.current[iid], row, late)
            row.update(cols)
            updates.append({"id": iid, **cols})
        store.update_incidents(self.conn, updates)
        store.insert_new(self.conn, incident_events, "event_id", self.trail)
        self.dead[:] = record_dead(self.conn, K.STREAM_ACTIONS, self.dead, self.now)
        rollup.on_changed(self.conn, self.changed, self.w.s.timezone)

    def show(self) -> None:
        """Live state, written while the transaction still holds the incidents' locks: a
        later change by another worker is written after this one, never before."""
        pipe = self.w.r.pipeline(transaction=False)
        self.w.live.put_incidents(pipe, [self.rows[i] for i in sorted(self.changed)], self.w.dirty)
        for at, rating in self.ratings:
            self.w.live.count_rating(pipe, at, rating)
        pipe.execute()

    def finish(self, stream: str, entries: list[Entry]) -> None:
        """After the commit: dead letters and the acknowledgement."""
        finish(self.w, self.w.r.pipeline(transaction=False), stream, entries, self.dead, self.now)
