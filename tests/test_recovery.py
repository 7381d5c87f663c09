"""A consumer that dies mid-batch loses nothing: another claims its pending entries."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

import redis
from sqlalchemy import Engine, func, select

from feeds import constants as K
from feeds.ingest import Worker
from feeds.live import Live
from feeds.reference import Reference
from feeds.schemas import encode
from feeds.settings import Settings
from feeds.sla import SlaPolicy
from feeds.tables import incident_events, incidents
from tests.helpers import REPORTS, drain, ingest_process, report, xadd


def wait_until(cond: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(incidents)).scalar_one()
        t = conn.execute(select(func.count()).select_from(incident_events)).scalar_one()
    return int(n), int(t)


def test_entries_read_by_a_dead_consumer_are_claimed_and_applied(
    settings: Settings, r: redis.Redis, engine: Engine, reference: Reference, policy: SlaPolicy
) -> None:
    survivor = Worker(settings.with_(consumer="survivor"), r, engine, reference, policy)
    survivor.ensure_groups()
    reps = [report() for _ in range(50)]
    xadd(r, settings, REPORTS, *reps)
    # "victim" takes the whole batch and dies before committing anything
    taken = r.xreadgroup(K.GROUP, "victim", {settings.key(REPORTS): ">"}, count=100)
    assert len(taken[0][1]) == 50
    survivor.read_own_pending = False
    assert drain(survivor) == 0  # nothing new to read: all of it is pending on victim
    survivor.claim_idle_ms = 0
    assert survivor.claim_stale() == 50
    assert counts(engine) == (50, 50)
    assert r.xpending(settings.key(REPORTS), K.GROUP)["pending"] == 0
    survivor.reconcile()
    assert len(Live(r, settings).open_incidents()) == 50


def test_killed_worker_process_loses_nothing(
    settings: Settings,
    r: redis.Redis,
    engine: Engine,
    reference: Reference,
    policy: SlaPolicy,
    db_url: str,
) -> None:
    n = 20_000
    survivor = Worker(settings.with_(consumer="survivor"), r, engine, reference, policy)
    survivor.ensure_groups()
    pipe = r.pipeline(transaction=False)
    for i in range(n):
        pipe.xadd(settings.key(REPORTS), encode(report(id=f"k-{i}")))
    pipe.execute()
    proc = ingest_process(settings, db_url, "victim")
    try:

        def mid_batch() -> bool:
            pending = r.xpending(settings.key(REPORTS), K.GROUP)
            return bool(pending["pending"]) and counts(engine)[0] > 0

        wait_until(mid_batch)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    done_by_victim = counts(engine)[0]
    assert done_by_victim < n

    survivor.claim_idle_ms = 0
    survivor.read_own_pending = False
    survivor.claim_stale()
    drain(survivor, rounds=100)
    assert counts(engine) == (n, n)
    assert r.xpending(settings.key(REPORTS), K.GROUP)["pending"] == 0
    survivor.reconcile()
    live = Live(r, settings)
    assert len(live.open_incidents()) == n
    assert live.headline(int(time.time() * 1000))["reports"] == n
