"""The fold: one transaction's actions applied to their incidents, in time order.

``Fold`` loads and locks the incidents, tries the actions of a batch with those parked
on the same incidents, parks what may yet become valid, dead-letters the rest (or, on
expiry, what waited too long), then writes the rows, the trail and live state.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from feeds import constants as K
from feeds import records, store
from feeds.ingest import parking
from feeds.ingest.entries import Dead, Entry, finish, record_dead
from feeds.ingest.parking import Waiting
from feeds.pipeline import ACTIVE, ALLOWED, IllegalTransition, Incident, apply, may_become_legal
from feeds.schemas import Action
from feeds.stats import rollup
from feeds.store import incident_of
from feeds.tables import incident_events

if TYPE_CHECKING:
    from feeds.ingest.worker import Worker

Problem = tuple[str, bool]  # the reason, and whether waiting may make it valid


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
