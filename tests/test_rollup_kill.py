"""Rollups stay equal to a recount from raw rows when an ingest worker is SIGKILLed in
the middle of its work: its open transaction (incidents, trail and rollup deltas
together) is lost whole, another worker claims the entries and applies them once."""

from __future__ import annotations

import signal

import pytest
import redis
from sqlalchemy import Engine

from feeds import constants as K
from feeds.ingest import Worker
from feeds.reference import Reference
from feeds.schemas import Patrol, encode
from feeds.settings import Settings
from feeds.sla import SlaPolicy
from feeds.stats import rollup
from tests.helpers import action, drain, ingest_process, report
from tests.test_recovery import counts, wait_until

pytestmark = pytest.mark.timeout(300)  # a worker process starts and is killed
N = 4_000


def test_rollups_equal_a_recount_after_a_worker_is_killed(
    settings: Settings,
    r: redis.Redis,
    engine: Engine,
    reference: Reference,
    policy: SlaPolicy,
    db_url: str,
) -> None:
    survivor = Worker(settings.with_(consumer="survivor"), r, engine, reference, policy)
    survivor.ensure_groups()
    addresses = sorted(reference.buildings)
    pipe = r.pipeline(transaction=False)
    for i in range(N):
        rep = report(id=f"rk-{i}", category=("environment", "parking", "safety")[i % 3])
        pipe.xadd(settings.key(K.STREAM_REPORTS), encode(rep))
        if i % 2 == 0:  # half of them accepted: stage rollups change too
            act = action(f"rk-{i}", "accept", ts=rep.ts + 20_000)
            pipe.xadd(settings.key(K.STREAM_ACTIONS), encode(act))
        if i % 4 == 0:  # and patrol check-ins: the patrol rollups
            walk = Patrol(
                id=f"rk-p{i}", worker="网格员 王", address=addresses[i % 50], ts=rep.ts + i * 60_000
            )
            pipe.xadd(settings.key(K.STREAM_PATROLS), encode(walk))
    pipe.execute()
    proc = ingest_process(settings, db_url, "victim")
    try:

        def mid_batch() -> bool:
            pending = r.xpending(settings.key(K.STREAM_REPORTS), K.GROUP)
            return bool(pending["pending"]) and counts(engine)[0] > 0

        wait_until(mid_batch, timeout=120)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert counts(engine)[0] < N  # killed before the end: some of it is left to claim
    survivor.claim_idle_ms = 0
    survivor.read_own_pending = False
    survivor.claim_stale()
    drain(survivor, rounds=100)
    assert counts(engine)[0] == N
    with engine.connect() as conn:
        stored = rollup.stored(conn)
        assert stored == rollup.recount(conn, settings.timezone)
    assert sum(n for (n,) in stored["roll_counts"].values()) == N
    accepted = sum(v[0] for k, v in stored["roll_stages"].items() if k[1] == "accept")
    assert accepted == N // 2
    assert sum(n for n, _ in stored["roll_patrol_days"].values()) == N // 4
