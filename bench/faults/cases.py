"""The fault cases: worker kills, Redis restart and wipe, PostgreSQL restart, malformed."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

import redis

from bench.faults import malformed as bad
from bench.faults.harness import (
    FULL,
    SHORT,
    Producer,
    Row,
    Size,
    System,
    finish,
    kill_moments,
    system,
)
from bench.faults.load import make_load
from bench.faults.services import OwnPostgres, wait_for
from bench.faults.wall import WallClient
from feeds import constants as K
from feeds import shards


def kills(
    tmp: Path,
    backend: str,
    database_url: str | None,
    size: Size,
    seed: int = 7,
    cluster: bool = False,
) -> Row:
    """SIGKILL workers at random moments during the load, 1-3 running at a time."""
    rng = random.Random(seed)
    with system(tmp, database_url, cluster=cluster) as sys_:
        load = make_load(sys_.ref, size.events, size.seconds, "k", seed)
        row = Row("kills", backend + (" cluster" if cluster else ""), len(load))
        sys_.wait_reading(sys_.start_workers(2))
        start = time.monotonic()
        producer = Producer(sys_, load, size.seconds * 6 + 120)
        producer.start()
        serial = 2
        for moment in kill_moments(rng, size.kills, size.seconds):
            time.sleep(max(0.0, moment - (time.monotonic() - start)))
            r = sys_.client()
            try:
                up = [n for n in sys_.workers.alive() if _reading(sys_, r, n)]
                while not up:  # only starting ones: kill a working one, not an import
                    time.sleep(0.2)
                    up = [n for n in sys_.workers.alive() if _reading(sys_, r, n)]
            finally:
                r.close()
            victim = rng.choice(up)
            sys_.workers.kill(victim)
            target = rng.randint(1, 3)
            for k in range(max(0, target - len(sys_.workers.alive()))):
                if k == 0 and rng.random() < 0.5:
                    sys_.workers.start(victim)  # back under the same name
                else:
                    sys_.workers.start(f"w{serial}")
                    serial += 1
            if not sys_.workers.alive():
                sys_.workers.start(f"w{serial}")
                serial += 1
        producer.finish()
        row.kills = sys_.workers.kills
        row.notes.append(f"{sys_.workers.started} worker starts")
        return finish(sys_, row, load, size, start)


def _reading(sys_: System, r: redis.Redis, name: str) -> bool:
    try:
        return sys_.reading(r, name, sys_.workers.procs[name][1])
    except Exception:  # the group may not exist yet
        return False


def _with_fault(
    tmp: Path,
    case: str,
    backend: str,
    database_url: str | None,
    size: Size,
    fault: Callable[[System], None],
    wall: bool,
    cluster: bool = False,
) -> Row:
    with system(tmp, database_url, cluster=cluster) as sys_:
        load = make_load(sys_.ref, size.fault_events, size.fault_seconds, case[:2], 11)
        row = Row(case, backend, len(load))
        sys_.wait_reading(sys_.start_workers(2))
        client = WallClient(sys_, tmp) if wall else None
        try:
            if client is not None:
                client.begin()
            start = time.monotonic()
            producer = Producer(sys_, load, size.fault_seconds * 6 + 120)
            producer.start()
            time.sleep(size.fault_seconds * 0.4)
            at = time.monotonic()
            fault(sys_)
            back = time.monotonic()
            row.notes.append(f"back in {back - at:.1f}s")
            producer.finish()
            finish(sys_, row, load, size, start)
            if client is not None:
                ok, note = client.verdict(back, timeout=30.0)
                row.extra_ok = row.extra_ok and ok
                row.notes.append(note)
        finally:
            if client is not None:
                client.end()
        return row


def redis_restart(tmp: Path, backend: str, database_url: str | None, size: Size) -> Row:
    return _with_fault(
        tmp, "redis restart", backend, database_url, size, lambda s: s.valkey.restart(), True
    )


def primary_kill(tmp: Path, backend: str, database_url: str | None, size: Size) -> Row:
    """A Redis Cluster primary SIGKILLed mid-load: its replica takes over; it comes back as
    the replica of the one that did."""

    def fault(s: System) -> None:
        assert s.cluster is not None
        victim = s.cluster.primary_of(shards.stream_key(s.settings, K.STREAM_ACTIONS, 0))
        s.cluster.kill(victim)
        wait_for(s.cluster.healthy, 60, "failover")
        s.cluster.start_node(victim)

    return _with_fault(
        tmp, "primary kill", backend + " cluster", database_url, size, fault, False, True
    )


def pg_restart(tmp: Path, pg: OwnPostgres, size: Size) -> Row:
    """Our own PostgreSQL cluster restarted (fast shutdown) mid-load."""
    return _with_fault(tmp, "pg restart", "postgresql", pg.url, size, lambda s: pg.restart(), False)


def redis_wipe(tmp: Path, backend: str, database_url: str | None, size: Size) -> Row:
    """Redis comes back empty mid-load: SQL keeps what it had, later events are applied,
    live state is rebuilt, an ongoing gas alarm stays one incident."""
    with system(tmp, database_url) as sys_:
        half = size.fault_seconds / 2
        alarm = sorted(s.id for s in sys_.ref.sensors.values() if s.kind == "gas")[0]
        quiet = frozenset({alarm})
        before = make_load(sys_.ref, size.fault_events // 2, half, "wa", 21, quiet=quiet)
        after = make_load(sys_.ref, size.fault_events // 2, half, "wb", 22, quiet=quiet)
        for load, tag in ((before, "a"), (after, "b")):
            for i in range(int(half * 2)):
                fields = {"v": "1", "id": f"gas-{tag}{i}", "sensor": alarm, "kind": "gas"}
                fields |= {"value": "40", "unit": "ppm", "ts": str(int(time.time() * 1000) + i)}
                load.schedule.append((i / 2, K.STREAM_SENSORS, fields))
                load.readings.add(fields["id"])
            load.schedule.sort(key=lambda item: item[0])
        row = Row("redis wipe", backend, len(before) + len(after))
        sys_.wait_reading(sys_.start_workers(2))
        client = WallClient(sys_, tmp)
        try:
            client.begin()
            start = time.monotonic()
            first = Producer(sys_, before, half * 6 + 60)
            first.run()
            if first.error is not None:
                raise first.error
            sys_.valkey.wipe()
            back = time.monotonic()
            kept = sys_.sql_ids()
            row.notes.append(f"{len(kept & before.trail)} events in SQL at the wipe")
            second = Producer(sys_, after, half * 6 + 60)
            second.start()
            second.finish()
            finish(sys_, row, after, size, start)
            gone = kept - sys_.sql_ids()
            row.figures.lost_reports += len(gone)
            alarms = _open_alarms(sys_)
            row.figures.duplicates += max(0, alarms - 1)
            row.notes.append(f"{alarms} open gas incidents for one ongoing alarm")
            ok, note = client.verdict(back, timeout=30.0)
            row.extra_ok = row.extra_ok and ok and alarms == 1
            row.notes.append(note)
        finally:
            client.end()
        return row


def _open_alarms(sys_: System) -> int:
    from sqlalchemy import func, select

    from feeds.pipeline import ACTIVE
    from feeds.tables import incidents

    with sys_.engine.connect() as conn:
        stmt = select(func.count()).where(
            incidents.c.category == "gas_leak", incidents.c.state.in_(sorted(ACTIVE))
        )
        return int(conn.execute(stmt).scalar_one())


malformed = bad.case
__all__ = [
    "FULL",
    "SHORT",
    "Size",
    "kills",
    "malformed",
    "pg_restart",
    "primary_kill",
    "redis_restart",
    "redis_wipe",
]
