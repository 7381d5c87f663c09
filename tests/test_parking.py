"""Actions that arrive before what they depend on wait, durably, and are applied in order;
only a bounded wait ends in a dead letter that says what it waited for."""

from __future__ import annotations

import pytest
import redis
from sqlalchemy import Engine

from dashboard import ops
from feeds import constants as K
from feeds import store
from feeds.ingest import Worker, parking
from feeds.ingest.actions import recheck_parked
from feeds.reference import Reference
from feeds.settings import Settings
from feeds.sla import SlaPolicy
from tests.helpers import ACTIONS, REPORTS, action, drain, report, xadd


def state(engine: Engine, iid: str) -> dict[str, object]:
    with engine.connect() as conn:
        return store.load_incidents(conn, [iid])[iid]


def trail(engine: Engine, iid: str) -> list[str]:
    with engine.connect() as conn:
        return [t["action"] for t in store.trail(conn, iid)]


def parked(engine: Engine) -> int:
    with engine.connect() as conn:
        return parking.count(conn)


def reasons(r: redis.Redis, settings: Settings) -> list[str]:
    return [f["reason"] for _, f in r.xrange(settings.key(K.STREAM_DEAD))]


def chain(iid: str, t0: int) -> list[object]:
    """An urgent matter's whole way, in the order it happened."""
    return [
        action(iid, "accept", ts=t0 + 10_000),
        action(iid, "dispatch", unit="U-FIRE-1", ts=t0 + 20_000),
        action(iid, "arrive", ts=t0 + 30_000),
        action(iid, "resolve", note="处理完毕", ts=t0 + 40_000),
        action(iid, "close", ts=t0 + 50_000),
    ]


def unit_id(reference: Reference) -> str:
    return sorted(reference.unit_ids)[0]


def test_actions_sent_before_their_report_wait_and_are_applied(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine, reference: Reference
) -> None:
    rep = report(priority="urgent", category="safety")
    acts = chain(rep.id, rep.ts)
    acts[1] = action(rep.id, "dispatch", unit=unit_id(reference), ts=rep.ts + 20_000)
    xadd(r, settings, ACTIONS, *acts)
    drain(worker)
    assert parked(engine) == 5 and reasons(r, settings) == []
    assert r.xpending(settings.key(ACTIONS), K.GROUP)["pending"] == 0  # parked, acknowledged
    xadd(r, settings, REPORTS, rep)
    drain(worker)
    row = state(engine, rep.id)
    assert row["state"] == "closed" and row["resolution"] == "处理完毕"
    assert row["accepted_at"] == rep.ts + 10_000 and row["on_site_at"] == rep.ts + 30_000
    assert trail(engine, rep.id) == ["report", "accept", "dispatch", "arrive", "resolve", "close"]
    assert parked(engine) == 0 and reasons(r, settings) == []


def test_actions_in_reverse_order_end_applied_in_their_time_order(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine, reference: Reference
) -> None:
    rep = report(priority="urgent", category="safety")
    xadd(r, settings, REPORTS, rep)
    drain(worker)
    acts = chain(rep.id, rep.ts)
    acts[1] = action(rep.id, "dispatch", unit=unit_id(reference), ts=rep.ts + 20_000)
    xadd(r, settings, ACTIONS, *reversed(acts))  # close, resolve, arrive, dispatch, accept
    drain(worker)
    row = state(engine, rep.id)
    assert row["state"] == "closed"
    assert row["accepted_at"] == rep.ts + 10_000  # the accept that came after its dispatch
    assert row["resolved_at"] == rep.ts + 40_000 and row["closed_at"] == rep.ts + 50_000
    assert trail(engine, rep.id) == ["report", "accept", "dispatch", "arrive", "resolve", "close"]
    assert parked(engine) == 0 and reasons(r, settings) == []


def test_a_resolve_before_its_arrive_waits_across_batches(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine, reference: Reference
) -> None:
    rep = report(priority="urgent", category="safety")
    xadd(r, settings, REPORTS, rep)
    drain(worker)
    xadd(r, settings, ACTIONS, action(rep.id, "arrive", ts=rep.ts + 30_000))
    xadd(r, settings, ACTIONS, action(rep.id, "resolve", note="ok", ts=rep.ts + 40_000))
    drain(worker)
    assert state(engine, rep.id)["state"] == "reported" and parked(engine) == 2
    xadd(r, settings, ACTIONS, action(rep.id, "accept", ts=rep.ts + 10_000))
    drain(worker)
    assert state(engine, rep.id)["state"] == "accepted"  # the arrive still needs its dispatch
    xadd(
        r,
        settings,
        ACTIONS,
        action(rep.id, "dispatch", unit=unit_id(reference), ts=rep.ts + 20_000),
    )
    drain(worker)
    assert state(engine, rep.id)["state"] == "resolved"
    assert trail(engine, rep.id) == ["report", "accept", "dispatch", "arrive", "resolve"]
    assert parked(engine) == 0 and reasons(r, settings) == []


def test_actions_of_reports_held_by_a_dead_worker_wait_for_them(
    settings: Settings, r: redis.Redis, engine: Engine, reference: Reference, policy: SlaPolicy
) -> None:
    survivor = Worker(settings.with_(consumer="survivor"), r, engine, reference, policy)
    survivor.ensure_groups()
    survivor.read_own_pending = False
    reps = [report(priority="urgent", category="safety") for _ in range(20)]
    xadd(r, settings, REPORTS, *reps)
    taken = r.xreadgroup(K.GROUP, "victim", {settings.key(REPORTS): ">"}, count=100)
    assert len(taken[0][1]) == 20  # the victim dies holding every report
    xadd(r, settings, ACTIONS, *[action(p.id, "accept", ts=p.ts + 1) for p in reps])
    drain(survivor)
    assert parked(engine) == 20
    survivor.claim_idle_ms = 0
    assert survivor.claim_stale() == 20
    assert {state(engine, p.id)["state"] for p in reps} == {"accepted"}
    assert parked(engine) == 0 and reasons(r, settings) == []


def test_a_parked_action_delivered_again_is_applied_once(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine
) -> None:
    rep = report(priority="urgent", category="safety")
    acc = action(rep.id, "accept", ts=rep.ts + 1)
    xadd(r, settings, ACTIONS, acc)
    drain(worker)
    xadd(r, settings, ACTIONS, acc)
    drain(worker)
    assert parked(engine) == 1
    xadd(r, settings, REPORTS, rep)
    drain(worker)
    xadd(r, settings, ACTIONS, acc)
    drain(worker)
    assert trail(engine, rep.id) == ["report", "accept"]
    assert parked(engine) == 0 and reasons(r, settings) == []


def test_a_race_with_another_worker_is_caught_by_the_recheck(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine
) -> None:
    rep = report(priority="urgent", category="safety")
    xadd(r, settings, REPORTS, rep)
    drain(worker)
    # parked by a worker that had not yet seen the report (its transaction began before)
    with engine.begin() as conn:
        acc = action(rep.id, "accept", ts=rep.ts + 1)
        from feeds.schemas import encode

        parking.park(conn, [parking.Waiting(acc, "1-0", encode(acc), "unknown incident")], 1)
    assert recheck_parked(worker) == 1
    assert state(engine, rep.id)["state"] == "accepted" and parked(engine) == 0
    assert r.hget(settings.key(K.K_COUNTERS), K.C_PARKED) == "0"


def test_a_bounded_wait_ends_in_a_dead_letter_that_says_what_it_waited_for(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine
) -> None:
    rep = report(priority="urgent", category="safety")
    xadd(r, settings, REPORTS, rep)
    drain(worker)
    xadd(r, settings, ACTIONS, action(rep.id, "close", ts=rep.ts + 5))
    drain(worker)
    start = worker.clock()
    worker.clock = lambda: start + K.PARK_MAX_WAIT_S * 1000 - 1000
    recheck_parked(worker)
    assert parked(engine) == 1 and reasons(r, settings) == []  # not yet
    [row] = [p for p in ops.problems(r, settings) if "waiting" in p["what"]]
    assert row["count"] == 1  # shown on /status
    worker.clock = lambda: start + K.PARK_MAX_WAIT_S * 1000 + 1
    recheck_parked(worker)
    assert parked(engine) == 0
    assert reasons(r, settings) == [
        "cannot close an incident that is reported: "
        "waited 10 min for the actions that must come before it"
    ]


def test_actions_that_can_never_become_valid_are_dead_lettered_at_once(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine
) -> None:
    rep, other = report(priority="urgent"), report(priority="urgent")
    xadd(r, settings, REPORTS, rep, other)
    drain(worker)
    xadd(
        r,
        settings,
        ACTIONS,
        action(rep.id, "reject", reason="重复", ts=rep.ts + 1),
        action(rep.id, "accept", ts=rep.ts + 2),  # on a rejected incident
        action(other.id, "accept", ts=other.ts + 1),
        action(other.id, "accept", ts=other.ts + 2),  # behind it
        action(other.id, "dispatch", unit="NO-UNIT", ts=other.ts + 3),
    )
    drain(worker)
    assert sorted(reasons(r, settings)) == [
        "cannot accept an incident that is accepted",
        "cannot accept an incident that is rejected",
        "unknown unit NO-UNIT",
    ]
    assert parked(engine) == 0


def test_the_fold_holds_the_write_lock_before_it_reads(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine
) -> None:
    """Two workers given the same entry (claimed while its first reader was still at it)
    must not both decide on what they read: the second waits, then sees it applied."""
    from sqlalchemy import select, text
    from sqlalchemy.exc import OperationalError

    from feeds.ingest.fold import Fold
    from feeds.ingest.writelock import serialise
    from feeds.tables import incidents

    rep = report(priority="urgent")
    xadd(r, settings, REPORTS, rep)
    drain(worker)
    with engine.begin() as conn:
        serialise(conn)
        Fold(worker, conn, 0, []).load([rep.id])
        with engine.connect() as other:
            if engine.dialect.name == "sqlite":
                other.exec_driver_sql("PRAGMA busy_timeout=100")
                probe = text("UPDATE incidents SET late = late WHERE id = :i")
            else:
                other.exec_driver_sql("SET lock_timeout = '100ms'")
                probe = select(incidents.c.id).where(incidents.c.id == rep.id).with_for_update()
            with pytest.raises(OperationalError):
                other.execute(probe, {"i": rep.id})
            other.rollback()
