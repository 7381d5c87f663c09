"""Builders shared by tests: events as producers would send them."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from typing import Any

import redis

from feeds import constants as K
from feeds import shards
from feeds.clock import now_ms
from feeds.schemas import Action, Report, SensorReading, encode
from feeds.settings import Settings

_n = itertools.count()


def report(**over: Any) -> Report:
    base: dict[str, Any] = dict(
        id=f"r-{next(_n)}",
        source="qr",
        kind="complaint",
        category="environment",
        ts=now_ms(),
        text="垃圾堆放",
        lon=120.2,
        lat=30.2,
    )
    base.update(over)
    return Report(**base)


def action(incident: str, kind: str, **over: Any) -> Action:
    base: dict[str, Any] = dict(
        id=f"a-{next(_n)}",
        incident=incident,
        action=kind,
        actor="值班员 李",
        ts=now_ms(),
    )
    base.update(over)
    return Action(**base)


def reading(sensor: str, kind: str, value: float, **over: Any) -> SensorReading:
    base: dict[str, Any] = dict(
        id=f"s-{next(_n)}",
        sensor=sensor,
        kind=kind,
        value=value,
        unit="x",
        ts=now_ms(),
    )
    base.update(over)
    return SensorReading(**base)


def xadd(r: redis.Redis, settings: Settings, stream: str, *events: Any) -> list[str]:
    pipe = r.pipeline(transaction=False)
    for e in events:
        fields = e if isinstance(e, dict) else encode(e)
        pipe.xadd(shards.key_for(settings, stream, fields), fields)  # its shard's stream
    return [str(x) for x in pipe.execute()]


def drain(worker: Any, rounds: int = 20) -> int:
    """Poll until a round handles nothing; the total handled."""
    total = 0
    for _ in range(rounds):
        n = worker.poll(block_ms=None)
        total += n
        if n == 0:
            return total
    raise AssertionError("stream not drained")


REPORTS, SENSORS, ACTIONS = K.STREAM_REPORTS, K.STREAM_SENSORS, K.STREAM_ACTIONS


def ingest_process(settings: Settings, db_url: str, consumer: str) -> subprocess.Popen[bytes]:
    """`watchfloor ingest` in a process of its own on the test's Redis and store (to kill)."""
    env = {
        **os.environ,
        "REDIS_URL": settings.redis_url or "",
        "DATABASE_URL": db_url,
        "WATCHFLOOR_KEY_PREFIX": settings.key_prefix,
        "WATCHFLOOR_CONSUMER": consumer,
        "WATCHFLOOR_VAR": str(settings.var_dir),
    }
    return subprocess.Popen([sys.executable, "-m", "dashboard.cli", "ingest"], env=env)
