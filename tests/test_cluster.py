"""Ingest on a real Redis Cluster (three primaries, three replicas, loopback): sharded
streams, ordered actions, hand-over, and a primary killed mid-load."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import Engine

from bench.faults.check import figures, settle
from bench.faults.load import make_load, send
from feeds import constants as K
from feeds import shards, store
from feeds.cluster import LoopbackCluster, free_ports
from feeds.connections import redis_client
from feeds.ingest import Worker
from feeds.ingest.ownership import rebalance
from feeds.reference import Reference
from feeds.settings import Settings
from feeds.sla import SlaPolicy
from tests.helpers import ACTIONS, REPORTS, action, drain, report, xadd
from tests.test_shards import hold, pending, wait_until


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackCluster]:
    c = LoopbackCluster(tmp_path_factory.mktemp("cluster"), free_ports(6))
    try:
        c.start()
        yield c
    finally:
        c.stop()


@pytest.fixture
def cs(settings: Settings, cluster: LoopbackCluster) -> Settings:
    return settings.with_(redis_url=cluster.url, shards=4, shard_lease_ms=1000)


@pytest.fixture
def rc(cs: Settings) -> Iterator[redis.Redis]:
    client = redis_client(cs.redis_url or "")
    yield client
    keys = list(client.scan_iter(match=cs.key_prefix + "*", count=1000))
    for key in keys:
        client.delete(key)
    client.close()


def make(s: Settings, engine: Engine, ref: Reference, name: str) -> Worker:
    w = Worker(s.with_(consumer=name), redis_client(s.redis_url or ""), engine, ref, SlaPolicy())
    w.ensure_groups()
    w.read_own_pending = False
    return w


def incident(engine: Engine, iid: str) -> dict[str, object]:
    with engine.connect() as conn:
        return store.load_incidents(conn, [iid])[iid]


def test_a_shards_streams_share_a_slot_and_shards_spread_over_primaries(
    cs: Settings, rc: redis.Redis
) -> None:
    slots = {i: {int(rc.cluster_keyslot(shards.stream_key(cs, st, i))) for st in K.INPUT_STREAMS}
             for i in range(cs.shards)}  # fmt: skip
    assert all(len(s) == 1 for s in slots.values())
    nodes = {rc.get_node_from_key(shards.stream_key(cs, REPORTS, i)).name for i in range(4)}
    assert len(nodes) >= 2  # {s0}..{s3} do not all sit on one primary


def test_two_workers_on_the_cluster_keep_each_incidents_order(
    cs: Settings, rc: redis.Redis, engine: Engine, reference: Reference
) -> None:
    a, b = make(cs, engine, reference, "ca"), make(cs, engine, reference, "cb")
    for w in (a, b, a, b):
        rebalance(w)
    assert a.ownership is not None and b.ownership is not None
    assert a.ownership.owned | b.ownership.owned == {0, 1, 2, 3}
    assert not a.ownership.owned & b.ownership.owned
    u1, u2, u3 = sorted(reference.unit_ids)[:3]
    reps = [report(priority="urgent", category="safety") for _ in range(12)]
    for rep in reps:  # actions first: they wait for their report
        xadd(rc, cs, ACTIONS, action(rep.id, "dispatch", unit=u1, ts=rep.ts + 1_000))
        xadd(rc, cs, ACTIONS, action(rep.id, "reassign", unit=u2, ts=rep.ts + 2_000))
        xadd(rc, cs, ACTIONS, action(rep.id, "reassign", unit=u3, ts=rep.ts + 3_000))
    xadd(rc, cs, REPORTS, *reps)
    for _ in range(3):
        drain(b)
        drain(a)
    assert {incident(engine, x.id)["unit"] for x in reps} == {u3}
    assert {incident(engine, x.id)["state"] for x in reps} == {"dispatched"}
    assert pending(rc, cs) == 0


def test_a_dead_owner_is_replaced_on_the_cluster_without_loss_or_duplicates(
    cs: Settings, rc: redis.Redis, engine: Engine, reference: Reference
) -> None:
    a = make(cs, engine, reference, "ca")
    rebalance(a)
    assert a.ownership is not None and a.ownership.owned == {0, 1, 2, 3}
    reps = [report(priority="urgent", category="safety") for _ in range(10)]
    xadd(rc, cs, REPORTS, *reps)
    xadd(rc, cs, ACTIONS, *[action(x.id, "accept", ts=x.ts + 1) for x in reps])
    for _i, _stream, key in shards.stream_keys(cs):
        hold(a, key, 100)  # read, never applied: a dies here
    wait_until(lambda: all(o is None for o in shards.owners(rc, cs).values()))
    b = make(cs, engine, reference, "cb")
    rebalance(b)
    assert {incident(engine, x.id)["state"] for x in reps} == {"accepted"}
    assert pending(rc, cs) == 0
    with engine.connect() as conn:
        trail = [e["event_id"] for x in reps for e in store.trail(conn, x.id)]
    assert len(trail) == len(set(trail)) == 20


def test_a_primary_killed_mid_load_loses_nothing(
    cs: Settings,
    rc: redis.Redis,
    engine: Engine,
    reference: Reference,
    cluster: LoopbackCluster,
    tmp_path: Path,
) -> None:
    load = make_load(reference, 2_000, 4.0, "ck", seed=5)
    stop = threading.Event()
    workers = [make(cs, engine, reference, f"c{i}") for i in range(2)]
    threads = [threading.Thread(target=w.run, args=(stop,), daemon=True) for w in workers]
    for t in threads:
        t.start()
    sent: list[str] = []
    producer = threading.Thread(
        target=lambda: sent.extend(
            send(lambda: redis_client(cs.redis_url or ""), cs, load.schedule, time.monotonic() + 60)
        ),
        daemon=True,
    )
    producer.start()
    victim = cluster.primary_of(shards.stream_key(cs, ACTIONS, 0))
    try:
        wait_until(lambda: len(incidents_now(engine)) >= len(load.reports) // 3, 30)
        cluster.kill(victim)  # mid-load: SIGKILL, its replica takes over
        wait_until(cluster.healthy, 30)
        producer.join(60)
        assert len(sent) == len(load.schedule)
        f, _waited = settle(
            lambda: figures(
                rc, cs, engine, load.reports, load.actions, load.trail, load.state, load.valid_ids
            ),
            timeout=60,
            quiet=10,
        )
        assert (f.lost, f.duplicates, f.pending, f.unread, f.dead_valid) == (0, 0, 0, 0, 0)
        assert f.wrong_state == 0
        assert f.live_ok, f.live_diff
    finally:
        stop.set()
        for t in threads:
            t.join(15)
        cluster.start_node(victim)  # back, as the replica of the one that took over
        wait_until(cluster.replicated, 30)


def incidents_now(engine: Engine) -> list[str]:
    from sqlalchemy import select

    from feeds.tables import incidents

    with engine.connect() as conn:
        return list(conn.execute(select(incidents.c.id)).scalars())


def test_metrics_and_lag_are_read_from_the_cluster(
    cs: Settings, rc: redis.Redis, engine: Engine, reference: Reference
) -> None:
    from fastapi.testclient import TestClient

    from dashboard.app import create_server
    from tests.test_metrics import LOOPBACK, samples, value

    s = cs.with_(shard_lease_ms=60_000)  # no lease runs out while the test runs
    a = make(s, engine, reference, "ma")
    rebalance(a)
    assert a.ownership is not None and a.ownership.owned == {0, 1, 2, 3}
    reps = [report() for _ in range(8)]
    xadd(rc, s, REPORTS, *reps)
    assert drain(a) == 8
    a.heartbeat()
    xadd(rc, s, REPORTS, report())  # one not yet read
    # not started as a context: the live channel's reader (the hub) is not what is tested
    page = TestClient(create_server(s), client=LOOPBACK).get("/metrics")
    got = samples(page.text)
    assert value(got, "watchfloor_ingest_applied_total", stream="reports", worker="ma") == 8
    lags = [value(got, "watchfloor_stream_lag", stream="reports", shard=str(i)) for i in range(4)]
    assert sorted(lags) == [0, 0, 0, 1]
    assert value(got, "watchfloor_worker_lag", worker="ma") == 1


def test_screens_get_live_deltas_from_a_web_process_on_the_cluster(
    cluster: LoopbackCluster, cs: Settings, rc: redis.Redis, engine: Engine, reference: Reference
) -> None:
    import json

    from fastapi.testclient import TestClient

    from dashboard.app import create_server
    from tests.signin import login_client, make_user, origin
    from tests.test_metrics import LOOPBACK

    s = cs.with_(shard_lease_ms=60_000)
    a = make(s, engine, reference, "wa")
    rebalance(a)
    officer = make_user(engine, "officer")
    with TestClient(create_server(s), client=LOOPBACK) as client:
        hub = client.app.state.hub  # type: ignore[attr-defined]
        # the cluster's nodes as the client knows them, to listen on the next if one is
        # lost (five or six: an earlier test killed a primary, and the client's view of
        # the nodes catches up with that in its own time)
        ports = {int(u.rsplit(":", 1)[1].split("/")[0]) for u in hub.urls}
        assert len(ports) >= 5 and ports <= set(cluster.ports)
        login_client(client, officer.username)
        with client.websocket_connect("/ws/live", headers=origin(client)) as ws:
            assert json.loads(ws.receive_text())["type"] == "snapshot"
            # the hub subscribes asynchronously: wait until its node has it
            node = redis.Redis.from_url(hub.url)
            while node.pubsub_numsub(s.key(K.CHANNEL_LIVE))[0][1] == 0:
                pass
            rep = report()
            xadd(rc, s, REPORTS, rep)
            assert drain(a) == 1
            assert a.publish(force=True)
            delta = json.loads(ws.receive_text())
            assert [i["id"] for i in delta["upsert"]] == [rep.id]
            node.close()
