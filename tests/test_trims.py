"""Entries trimmed by MAXLEN before ingest applied them are reported, not lost silently."""

from __future__ import annotations

import logging

import pytest
import redis
from sqlalchemy import Engine, select

from feeds import constants as K
from feeds.ingest import Worker
from feeds.reference import Reference
from feeds.schemas import encode
from feeds.settings import Settings
from feeds.sla import SlaPolicy
from feeds.tables import dead_letters
from layers.district import District
from tests.helpers import SENSORS, drain, reading


def readings_of(district: District, n: int) -> list[dict[str, str]]:
    ids = district.sensors[district.sensors.kind == "fume"].id.tolist()
    return [encode(reading(ids[i % len(ids)], "fume", 0.5)) for i in range(n)]


def produce(r: redis.Redis, settings: Settings, entries: list[dict[str, str]], cap: int) -> None:
    pipe = r.pipeline(transaction=False)
    for e in entries:
        pipe.xadd(settings.key(SENSORS), e, maxlen=cap, approximate=False)
    pipe.execute()


def lost(r: redis.Redis, settings: Settings) -> int:
    return int(r.hget(settings.key(K.K_COUNTERS), K.C_LOST + SENSORS) or 0)


def summaries(r: redis.Redis, settings: Settings, engine: Engine) -> list[str]:
    with engine.connect() as conn:
        sql = [row.reason for row in conn.execute(select(dead_letters))]
    stream = [f["reason"] for _, f in r.xrange(settings.key(K.STREAM_DEAD))]
    assert sql == stream
    return stream


def test_entries_trimmed_before_they_were_read_are_reported_once(
    worker: Worker,
    r: redis.Redis,
    settings: Settings,
    engine: Engine,
    district: District,
    caplog: pytest.LogCaptureFixture,
) -> None:
    drain(worker)  # the group exists; then ingest is down while 3,000 come with a cap of 1,000
    produce(r, settings, readings_of(district, 3000), cap=1000)
    with caplog.at_level(logging.WARNING, logger="watchfloor.ingest"):
        assert drain(worker) == 1000
    assert lost(r, settings) == 2000
    [reason] = summaries(r, settings, engine)
    assert reason.startswith("2000 entries lost: trimmed by MAXLEN before ingest read them")
    assert any("2000 entries lost" in rec.getMessage() for rec in caplog.records)
    # reported once; the group's lag is true again
    produce(r, settings, readings_of(district, 10), cap=1000)
    assert drain(worker) == 10
    assert lost(r, settings) == 2000
    [group] = [g for g in r.xinfo_groups(settings.key(SENSORS)) if g["name"] == K.GROUP]
    assert group["lag"] == 0


def test_nothing_is_reported_when_nothing_was_lost(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine, district: District
) -> None:
    drain(worker)
    for _ in range(3):  # each round trims the one before, after it was read and applied
        produce(r, settings, readings_of(district, 300), cap=300)
        assert drain(worker) == 300
    assert lost(r, settings) == 0
    assert summaries(r, settings, engine) == []
    produce(r, settings, readings_of(district, 500), cap=300)  # now 200 are trimmed unread
    assert drain(worker) == 300
    assert lost(r, settings) == 200


@pytest.mark.parametrize("who", ["another worker claiming them", "the same name restarting"])
def test_pending_entries_trimmed_before_a_claim_are_reported(
    who: str,
    settings: Settings,
    r: redis.Redis,
    engine: Engine,
    reference: Reference,
    policy: SlaPolicy,
    district: District,
) -> None:
    first = Worker(settings, r, engine, reference, policy)
    first.ensure_groups()
    produce(r, settings, readings_of(district, 100), cap=1000)
    taken = r.xreadgroup(K.GROUP, settings.consumer, {settings.key(SENSORS): ">"}, count=1000)
    assert len(taken[0][1]) == 100  # read, then the worker died; meanwhile MAXLEN trims them
    produce(r, settings, readings_of(district, 50), cap=50)
    if who.startswith("another"):
        other = Worker(settings.with_(consumer="other"), r, engine, reference, policy)
        other.read_own_pending = False
        other.claim_idle_ms = 0
        other.claim_stale()
        drain(other)
    else:
        again = Worker(settings, r, engine, reference, policy)
        drain(again)
        drain(again)
    assert lost(r, settings) == 100
    [reason] = summaries(r, settings, engine)
    assert reason.startswith("100 entries lost: pending")
    assert r.xpending(settings.key(SENSORS), K.GROUP)["pending"] == 0
