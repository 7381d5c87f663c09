"""/metrics: entries driven through a real worker, scraped in-process, parsed as Prometheus
text; and who may read it."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine

from dashboard.app import create_server
from dashboard.cli import cmd_check
from feeds import constants as K
from feeds import shards
from feeds.cluster import free_ports
from feeds.ingest import Worker
from feeds.ingest.meter import reason_class
from feeds.ingest.ownership import rebalance
from feeds.reference import Reference
from feeds.settings import Settings
from feeds.sla import SlaPolicy
from feeds.users import User
from tests.helpers import REPORTS, SENSORS, drain, reading, report, xadd
from tests.signin import login_client

LOOPBACK = ("127.0.0.1", 40000)
TOKEN = "s3cret-metrics-token-0123"
DASHBOARD = Path(__file__).parent.parent / "docs" / "grafana-watchfloor.json"


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def value(got: dict[Any, float], name: str, **labels: str) -> float:
    return got[(name, frozenset(labels.items()))]


def test_metrics_count_what_a_worker_did(
    settings: Settings, r: redis.Redis, worker: Worker, engine: Engine
) -> None:
    xadd(r, settings, REPORTS, report(), report(), report(), report(category="no-such-thing"))
    xadd(r, settings, SENSORS, *[reading("no-such-sensor", "gas", 1.0) for _ in range(2)])
    assert drain(worker) == 6
    worker.heartbeat()  # the worker's counts go to Redis with its heartbeat
    # behind: three readings not yet read, one of them then taken by a worker that died
    xadd(r, settings, SENSORS, *[reading("no-such-sensor", "gas", 1.0) for _ in range(3)])
    r.xreadgroup(K.GROUP, "gone-worker", {settings.key(SENSORS): ">"}, count=1)

    with TestClient(create_server(settings), client=LOOPBACK) as client:
        page = client.get("/metrics")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/plain")
    got = samples(page.text)
    me = "test-worker"
    assert value(got, "watchfloor_ingest_applied_total", stream="reports", worker=me) == 3
    assert value(got, "watchfloor_ingest_applied_total", stream="sensors", worker=me) == 2
    assert (
        value(got, "watchfloor_dead_letters_total", stream="reports", reason="invalid", worker=me)
        == 1
    )
    assert value(got, "watchfloor_unknown_sensor_readings_total") == 2
    assert value(got, "watchfloor_ingest_batch_seconds_count", stream="reports", worker=me) == 1
    bucket = "watchfloor_ingest_batch_seconds_bucket"
    assert value(got, bucket, stream="sensors", worker=me, le="+Inf") == 1
    assert value(got, "watchfloor_ingest_batch_seconds_sum", stream="reports", worker=me) > 0
    assert value(got, "watchfloor_stream_lag", stream="sensors", shard="0") == 2
    assert value(got, "watchfloor_stream_lag", stream="reports", shard="0") == 0
    assert value(got, "watchfloor_stream_pending", stream="sensors", shard="0") == 1
    assert value(got, "watchfloor_stream_entries_read_total", stream="reports", shard="0") == 4
    assert value(got, "watchfloor_stream_length", stream="sensors", shard="0") == 5
    pending = value(
        got, "watchfloor_consumer_pending", stream="sensors", shard="0", worker="gone-worker"
    )
    assert pending == 1
    assert value(got, "watchfloor_worker_pending", worker="gone-worker") == 1
    assert value(got, "watchfloor_worker_pending", worker=me) == 0
    assert 0 <= value(got, "watchfloor_worker_last_seen_seconds", worker=me) < 60
    assert value(got, "watchfloor_entries_lost_total", stream="sensors") == 0
    assert value(got, "watchfloor_websocket_clients") == 0


def test_a_second_flush_adds_to_the_first(
    settings: Settings, r: redis.Redis, worker: Worker, engine: Engine
) -> None:
    for _ in range(2):
        xadd(r, settings, SENSORS, reading("no-such-sensor", "gas", 1.0))
        drain(worker)
        worker.heartbeat()
    with TestClient(create_server(settings), client=LOOPBACK) as client:
        got = samples(client.get("/metrics").text)
    applied = value(got, "watchfloor_ingest_applied_total", stream="sensors", worker="test-worker")
    assert applied == 2


def two_owners(
    settings: Settings, r: redis.Redis, engine: Engine, reference: Reference
) -> tuple[Settings, int]:
    """Workers a and b own a shard each; 3 reports on a's (applied), 5 on b's (not yet):
    the settings, and a's shard."""
    sharded = settings.with_(shards=2, shard_lease_ms=60_000)  # none runs out here
    a, b = (Worker(sharded.with_(consumer=n), r, engine, reference, SlaPolicy()) for n in "ab")
    for w in (a, b):
        w.ensure_groups()
        w.read_own_pending = False
    rebalance(a)  # a takes both, b joins, a gives one back, b takes it
    rebalance(b)
    rebalance(a)
    rebalance(b)
    assert a.ownership is not None and b.ownership is not None
    [mine] = a.ownership.owned
    many = [report() for _ in range(40)]
    reps = [x for x in many if shards.shard_of(x.id, 2) == mine][:3]
    reps += [x for x in many if shards.shard_of(x.id, 2) != mine][:5]
    xadd(r, sharded, REPORTS, *reps)
    assert drain(a) == 3
    a.heartbeat()
    b.heartbeat()
    return sharded, mine


def test_lag_per_shard_and_per_owner(
    settings: Settings, r: redis.Redis, engine: Engine, reference: Reference
) -> None:
    sharded, mine = two_owners(settings, r, engine, reference)
    on = {mine: 3, 1 - mine: 5}
    with TestClient(create_server(sharded), client=LOOPBACK) as client:
        got = samples(client.get("/metrics").text)
    theirs = 1 - mine
    assert value(got, "watchfloor_stream_lag", stream="reports", shard=str(mine)) == 0
    assert value(got, "watchfloor_stream_lag", stream="reports", shard=str(theirs)) == on[theirs]
    assert value(got, "watchfloor_worker_lag", worker="a") == 0
    assert value(got, "watchfloor_worker_lag", worker="b") == on[theirs]
    assert value(got, "watchfloor_ingest_applied_total", stream="reports", worker="a") == on[mine]


def test_check_prints_the_same_lag(
    settings: Settings,
    r: redis.Redis,
    engine: Engine,
    reference: Reference,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sharded, mine = two_owners(settings, r, engine, reference)
    assert cmd_check(sharded, argparse.Namespace(consumer=None)) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "ok: ingest alive 入库进程在线: a, b"
    table = [line.split() for line in out]
    assert [
        str(1 - mine),
        "reports",
        "5",
        "5",
        "0",
        "b",
    ] in table  # shard stream length lag pending owner
    assert [str(mine), "reports", "3", "0", "0", "a"] in table
    workers = {row[0]: row for row in table if row and row[0] in ("a", "b")}
    assert workers["a"][3:] == [str(mine), "0", "0"]  # shards, lag, pending
    assert workers["b"][3:] == [str(1 - mine), "5", "0"]


def test_without_a_token_only_loopback_may_read(
    settings: Settings, r: redis.Redis, engine: Engine
) -> None:
    with TestClient(create_server(settings), client=("203.0.113.9", 5000)) as client:
        page = client.get("/metrics")
    assert page.status_code == 403
    assert "WATCHFLOOR_METRICS_TOKEN" in page.json()["error"]


def test_with_a_token_everyone_needs_it(settings: Settings, r: redis.Redis, engine: Engine) -> None:
    with TestClient(create_server(settings.with_(metrics_token=TOKEN)), client=LOOPBACK) as c:
        assert c.get("/metrics").status_code == 401
        wrong = {"Authorization": "Bearer not-the-token-at-all"}
        assert c.get("/metrics", headers=wrong).status_code == 401
        right = c.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert right.status_code == 200 and "watchfloor_stream_lag" in right.text


def test_a_signed_in_officer_may_read(
    settings: Settings, r: redis.Redis, engine: Engine, officer: User
) -> None:
    with TestClient(create_server(settings.with_(metrics_token=TOKEN))) as client:
        login_client(client, officer.username)
        assert client.get("/metrics").status_code == 200


def test_the_grafana_dashboard_asks_only_for_series_that_are_served(
    settings: Settings, r: redis.Redis, worker: Worker, engine: Engine
) -> None:
    xadd(r, settings, REPORTS, report(), report(category="no-such-thing"))
    drain(worker)
    worker.heartbeat()
    with TestClient(create_server(settings), client=LOOPBACK) as client:
        served = {name for name, _ in samples(client.get("/metrics").text)}
    board = json.loads(DASHBOARD.read_text())
    asked = {
        name
        for panel in board["panels"]
        for target in panel["targets"]
        for name in re.findall(r"watchfloor_\w+", target["expr"])
    }
    assert len(asked) >= 15
    assert asked <= served, asked - served


def test_redis_unreachable_is_a_503_with_the_reason(
    settings: Settings, r: redis.Redis, engine: Engine
) -> None:
    [port] = free_ports(1)
    down = settings.with_(redis_url=f"redis://127.0.0.1:{port}/0")
    page = TestClient(create_server(down), client=LOOPBACK).get("/metrics")  # no lifespan
    assert page.status_code == 503
    assert "Redis unreachable" in page.json()["error"]


def test_a_short_token_is_refused_with_its_name() -> None:
    with pytest.raises(SystemExit, match="WATCHFLOOR_METRICS_TOKEN"):
        Settings.from_env({"WATCHFLOOR_METRICS_TOKEN": "short"})


def test_dead_letter_reasons_fall_into_few_classes() -> None:
    assert reason_class("unknown address code 'x'") == "unknown_reference"
    assert reason_class("unknown incident r-1: waited 5 min for its report") == "waited"
    assert reason_class("not valid UTF-8: field name: 'a\\xff'") == "encoding"
    assert reason_class("processing failed: ValueError()") == "processing"
    assert reason_class("lon/lat 1, 2 outside the district (...)") == "outside"
    assert reason_class("unknown category 'no-such-thing'") == "invalid"
