"""Rollups kept by the ingest worker equal a recount from raw rows after random events,
redeliveries and a dead consumer's entries claimed by another worker."""

from __future__ import annotations

import random
import uuid

import redis
from sqlalchemy import Engine, delete

from feeds import constants as K
from feeds.ingest import Worker
from feeds.reference import Reference
from feeds.schemas import Patrol
from feeds.settings import Settings
from feeds.sla import SlaPolicy
from feeds.stats import rollup
from feeds.stats.buckets import bounds, bucket, p90
from feeds.tables import (
    incident_facts,
    roll_counts,
    roll_patrol_days,
    roll_patrol_months,
    roll_stages,
    roll_stages_month,
    roll_units,
)
from tests.helpers import ACTIONS, REPORTS, drain, xadd
from tests.stats_history import TZ, History, ms

UNITS = ("BJ01-LE1", "BJ01-LE2", "BJ01-LE3", "BJ01-GW")
CATS = ("environment", "parking", "neighbour", "safety", "property")


def random_history(ref: Reference, seed: int, n: int = 60) -> History:
    rng = random.Random(seed)
    h = History(ref, f"rr{uuid.uuid4().hex[:6]}")
    addresses = sorted(ref.buildings)[:40]
    for i in range(n):
        t0 = ms(2026, 3, 2 + rng.randrange(20), rng.randrange(24), rng.randrange(60))
        pri = rng.choice(("urgent", "ordinary"))
        iid = h.report(f"i{i}", t0, rng.choice(addresses), category=rng.choice(CATS), priority=pri)
        t = t0
        steps = rng.randrange(6)
        if steps == 0:
            continue
        t += rng.randrange(20, 200) * 1000
        h.act(iid, "dispatch", t, unit=rng.choice(UNITS))
        for _ in range(rng.randrange(3)):  # returns and re-routes
            t += rng.randrange(30, 400) * 1000
            h.act(iid, "reassign", t, unit=rng.choice(UNITS), note="退单")
        if steps >= 2:
            t += rng.randrange(30, 500) * 1000
            h.act(iid, "arrive", t)
        if steps >= 3:
            t += rng.randrange(600, 5 * 86400) * 1000
            h.act(iid, "resolve", t)
        if steps >= 4:
            t += rng.randrange(60, 3600) * 1000
            h.act(iid, "rate", t, rating=rng.randrange(1, 6))
    return h


def random_patrols(ref: Reference, seed: int, n: int = 120) -> list[Patrol]:
    """Check-ins at a few buildings from late February to early April (three months),
    some of them the same building on the same day."""
    rng = random.Random(seed)
    tag = uuid.uuid4().hex[:6]
    addresses = sorted(ref.buildings)[:25]
    return [
        Patrol(
            id=f"pp{tag}-{i}",
            worker="网格员 王",
            address=rng.choice(addresses),
            ts=ms(2026, 2, 25, 7) + rng.randrange(38 * 86400) * 1000,
            found="issue" if rng.random() < 0.2 else "nothing",
        )
        for i in range(n)
    ]


def test_rollups_equal_a_recount_after_redeliveries_and_a_dead_consumer(
    worker: Worker,
    reference: Reference,
    engine: Engine,
    settings: Settings,
    r: redis.Redis,
    policy: SlaPolicy,
) -> None:
    h = random_history(reference, seed=8)
    reports = sorted(h.reports, key=lambda x: x.ts)
    actions = sorted(h.actions, key=lambda a: a.ts)
    rng = random.Random(1)
    # 1. reports, a third of them sent twice
    xadd(r, settings, REPORTS, *reports, *rng.sample(reports, len(reports) // 3))
    drain(worker)
    # 2. half the actions read by a consumer that dies before acknowledging them
    half = actions[: len(actions) // 2]
    xadd(r, settings, ACTIONS, *half)
    dead = r.xreadgroup(K.GROUP, "dead-worker", {settings.key(ACTIONS): ">"}, count=10_000)
    assert sum(len(e) for _, e in dead) == len(half)
    other = Worker(settings.with_(consumer="second"), r, engine, reference, policy)
    other.claim_idle_ms = 0
    other.read_own_pending = False
    assert other.claim_stale() == len(half)
    # 3. the rest, with a quarter of every action redelivered, and patrol check-ins, a
    # third of them sent twice and a few of those in another batch
    rest = actions[len(actions) // 2 :]
    xadd(r, settings, ACTIONS, *rest, *rng.sample(actions, len(actions) // 4))
    walks = random_patrols(reference, seed=8)
    xadd(r, settings, K.STREAM_PATROLS, *walks, *rng.sample(walks, len(walks) // 3))
    drain(worker)
    xadd(r, settings, K.STREAM_PATROLS, *rng.sample(walks, 10))
    drain(worker)
    with engine.connect() as conn:
        stored = rollup.stored(conn)
        recount = rollup.recount(conn, TZ)
    assert sum(v[0] for v in stored["roll_counts"].values()) == len(reports)
    assert stored == recount
    assert stored["roll_stages"], "some stages were done"
    assert sum(v[0] for v in stored["roll_patrol_days"].values()) == len(walks)
    assert len({k[0] for k in stored["roll_patrol_months"]}) == 3  # February to April
    # a rebuild from raw rows lands on the same rollups
    with engine.begin() as conn:
        rollup.rebuild(conn, TZ)
    with engine.connect() as conn:
        assert rollup.stored(conn) == recount


def test_buckets_and_their_p90() -> None:
    for s in [*range(0, 700), 3599, 3600, 21599, 21600, 172_799, 172_800, 10**7]:
        lo, hi = bounds(bucket(s))
        assert lo <= s < hi
    assert bounds(bucket(59)) == (59, 60)  # exact to the second below 10 minutes
    assert bounds(bucket(605)) == (600, 610)
    # 10 values 10..100 s: the 9th is 90
    assert p90([(bucket(v), 1) for v in range(10, 101, 10)]) == 90
    assert p90([]) is None
    # wider buckets report the largest second of the bucket: never below the true p90
    assert p90([(bucket(4000), 10)]) == 4019


def test_ensure_rebuilds_rollups_of_a_store_from_before_them(
    worker: Worker, reference: Reference, engine: Engine, settings: Settings, r: redis.Redis
) -> None:
    h = random_history(reference, seed=3, n=20)
    h.load(worker)
    xadd(r, settings, K.STREAM_PATROLS, *random_patrols(reference, seed=3, n=40))
    drain(worker)
    with engine.connect() as conn:
        expected = rollup.recount(conn, TZ)
        assert expected["roll_patrol_months"]
        assert rollup.ensure(conn, TZ) is None  # kept current: nothing to do
    with engine.begin() as conn:  # as a store made before the rollups existed
        for table in (roll_counts, roll_stages, roll_stages_month, roll_units, incident_facts):
            conn.execute(delete(table))
    with engine.begin() as conn:
        assert "rebuilt" in (rollup.ensure(conn, TZ) or "")
    with engine.begin() as conn:
        conn.execute(delete(roll_stages_month))
        assert "month rollup filled" in (rollup.ensure(conn, TZ) or "")
    with engine.begin() as conn:  # a store from before the patrol rollups
        conn.execute(delete(roll_patrol_days))
        conn.execute(delete(roll_patrol_months))
        assert "patrol rollups filled from 40 check-ins" in (rollup.ensure(conn, TZ) or "")
    with engine.connect() as conn:
        assert rollup.stored(conn) == expected
