"""One fault run's system: our own Valkey, a fresh store, workers, the load, the figures."""

from __future__ import annotations

import contextlib
import os
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import Engine, select

from bench.faults.check import Figures, figures, settle
from bench.faults.clues import pending_owners, worker_logs_count
from bench.faults.load import Load, send
from bench.faults.services import OwnValkey, Workers, reading, wait_for
from feeds import constants as K
from feeds import store
from feeds.cluster import LoopbackCluster, free_ports
from feeds.connections import redis_client
from feeds.reference import Reference
from feeds.seed import reference_rows
from feeds.settings import Settings
from feeds.tables import incident_events, incidents, metadata
from layers.district import build_district

PREFIX = "wf:"
CLUSTER_SHARDS = 4
CLUSTER_LEASE_MS = 3000  # kills come every few seconds: shards change hands quickly


@cache
def district_rows() -> Any:
    return reference_rows(build_district())


@dataclass
class Row:
    """One line of the table."""

    case: str
    backend: str
    events: int = 0
    kills: int = 0
    figures: Figures = field(default_factory=Figures)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    extra_ok: bool = True  # the case's own checks (wall, RSS, malformed) held

    @property
    def ok(self) -> bool:
        return self.figures.clean and self.extra_ok


@dataclass
class System:
    tmp: Path
    valkey: OwnValkey
    settings: Settings
    engine: Engine
    ref: Reference
    env: dict[str, str]
    workers: Workers
    cluster: LoopbackCluster | None = None  # a Redis Cluster instead of the one Valkey

    def client(self) -> redis.Redis:
        if self.cluster is not None:
            return redis_client(self.cluster.url)
        return redis.Redis.from_url(self.valkey.url, decode_responses=True, socket_timeout=10)

    def reading(self, r: redis.Redis, name: str, since: float) -> bool:
        """Worker ``name`` (started ``since``, monotonic) is at work: it has read from the
        group, or, with shards, renewed its heartbeat."""
        if self.settings.shards <= 1:
            return reading(r, PREFIX, name, since)
        beat = r.get(PREFIX + K.K_HEARTBEAT + name)
        started_ms = (time.time() - (time.monotonic() - since)) * 1000
        return beat is not None and int(beat) > started_ms

    def start_workers(self, n: int, first: int = 0) -> list[str]:
        names = [f"w{first + i}" for i in range(n)]
        for name in names:
            self.workers.start(name)
        return names

    def wait_reading(self, names: list[str], timeout: float = 60.0) -> None:
        r = self.client()
        try:
            for name in names:
                since = self.workers.procs[name][1]
                wait_for(partial(self.reading, r, name, since), timeout, f"{name} up")
        finally:
            r.close()

    def measure(self, load: Load, valid: set[str] | None = None) -> Figures:
        r = self.client()
        try:
            return figures(
                r,
                self.settings,
                self.engine,
                load.reports,
                load.actions,
                load.trail,
                load.state,
                load.valid_ids if valid is None else valid,
            )
        finally:
            r.close()

    def settle(self, load: Load, timeout: float, quiet: float) -> tuple[Figures, float]:
        # still draining a backlog at the deadline (a loaded machine): up to 3x as long
        return settle(lambda: self.measure(load), timeout, quiet, moving=3.0)

    def sql_ids(self) -> set[str]:
        with self.engine.connect() as conn:
            ids = {i for (i,) in conn.execute(select(incidents.c.id))}
            return ids | {e for (e,) in conn.execute(select(incident_events.c.event_id))}


def fresh_store(database_url: str | None, tmp: Path) -> tuple[Settings, Engine]:
    settings = Settings(
        redis_url=None,
        database_url=database_url or f"sqlite:///{tmp / 'faults.db'}",
        var_dir=tmp / "var",
        key_prefix=PREFIX,
    )
    engine = store.make_engine(settings)
    metadata.drop_all(engine)
    store.create_schema(engine)
    with engine.begin() as conn:
        store.save_reference(conn, district_rows())
    return settings, engine


@contextlib.contextmanager
def system(
    tmp: Path,
    database_url: str | None,
    claim_idle_ms: int = 2000,
    park_wait_s: int = 60,
    cluster: bool = False,
) -> Iterator[System]:
    """``cluster``: a loopback Redis Cluster (3 primaries, 3 replicas) and CLUSTER_SHARDS
    shards instead of one Valkey."""
    valkey = OwnValkey(tmp / "valkey" / "data")
    own = LoopbackCluster(tmp / "cluster", free_ports(6)) if cluster else None
    settings, engine = fresh_store(database_url, tmp)
    try:
        if own is not None:
            own.start()
            settings = settings.with_(
                redis_url=own.url, shards=CLUSTER_SHARDS, shard_lease_ms=CLUSTER_LEASE_MS
            )
        else:
            valkey.start()
            settings = settings.with_(redis_url=valkey.url)
        with engine.connect() as conn:
            ref = Reference.load(conn)
        env = {
            **os.environ,
            "REDIS_URL": settings.redis_url or "",
            "WATCHFLOOR_SHARDS": str(settings.shards),
            "WATCHFLOOR_SHARD_LEASE_MS": str(settings.shard_lease_ms),
            "DATABASE_URL": settings.database_url or "",
            "WATCHFLOOR_KEY_PREFIX": PREFIX,
            "WATCHFLOOR_VAR": str(settings.var_dir),
            "WATCHFLOOR_CLAIM_IDLE_MS": str(claim_idle_ms),
            "WATCHFLOOR_PARK_MAX_WAIT_S": str(park_wait_s),
            "WATCHFLOOR_LOG_LEVEL": "WARNING",
        }
        workers = Workers(env, tmp / "logs")
        sys_ = System(tmp, valkey, settings, engine, ref, env, workers, own)
        stop = threading.Event()

        def supervise() -> None:
            while not stop.wait(1.0):
                workers.revive()

        supervisor = threading.Thread(target=supervise, daemon=True)
        supervisor.start()
        try:
            yield sys_
        finally:
            stop.set()
            supervisor.join(5)
            workers.stop_all()
    finally:
        valkey.stop()
        if own is not None:
            own.stop()
        engine.dispose()


class Producer(threading.Thread):
    """Sends a schedule in the background; ``error`` holds what stopped it, if anything."""

    def __init__(self, sys_: System, load: Load, timeout: float) -> None:
        super().__init__(daemon=True)
        self.sys = sys_
        self.load = load
        self.deadline = time.monotonic() + timeout
        self.entry_ids: list[str] = []
        self.error: BaseException | None = None
        self.paused = threading.Event()

    def run(self) -> None:
        try:
            self.entry_ids = send(
                self.sys.client,
                self.sys.settings,
                self.load.schedule,
                self.deadline,
                self.paused.is_set,
            )
        except BaseException as exc:  # reported by the case
            self.error = exc

    def finish(self) -> None:
        self.join(max(1.0, self.deadline - time.monotonic()))
        if self.is_alive():
            raise TimeoutError("producer did not finish in time")
        if self.error is not None:
            raise self.error


def kill_moments(rng: random.Random, kills: int, seconds: float) -> list[float]:
    return sorted(rng.uniform(0.05 * seconds, 0.95 * seconds) for _ in range(kills))


@dataclass(frozen=True)
class Size:
    """How big a run is: the full suite or the short one inside `make test`."""

    events: int = 200_000
    seconds: float = 60.0
    kills: int = 20
    fault_events: int = 50_000  # Redis/PostgreSQL restart runs
    fault_seconds: float = 30.0
    malformed: int = 10_000
    good: int = 20_000
    settle_s: float = 150.0
    quiet_s: float = 30.0


FULL = Size()
SHORT = Size(5_000, 10.0, 3, 4_000, 8.0, 200, 2_000, 60.0, 20.0)


def finish(sys_: System, row: Row, load: Load, size: Size, start: float) -> Row:
    if not sys_.workers.alive():
        sys_.start_workers(1, first=900)
    before = sys_.measure(load)
    f, waited = sys_.settle(load, size.settle_s, size.quiet_s)
    row.figures = f
    row.seconds = time.monotonic() - start
    row.notes.append(f"settled {waited:.0f}s after load")
    if not f.clean:  # stuck, or still at work when the deadline came?
        row.notes.append(
            f"over the settle: unread {before.unread} -> {f.unread}, "
            f"pending {before.pending} -> {f.pending}"
        )
    if f.pending:
        row.notes.append(
            "pending on " + pending_owners(sys_.client(), sys_.settings, sys_.workers.alive())
        )
    if f.wrong_state:
        row.notes.append(f"{f.wrong_state} incidents in the wrong state")
    if f.dead_valid:
        row.notes.append(f.worst())
    if not f.live_ok:
        row.notes.append("live-SQL: " + ", ".join(f"{k} {v}" for k, v in f.live_diff.items() if v))
    if f.unread:
        row.notes.append(f"{f.unread} never read")
    if sys_.workers.deaths:
        row.notes.append(f"{sys_.workers.deaths} workers died by themselves")
        row.extra_ok = False
    tracebacks = worker_logs_count(sys_.tmp / "logs", "Traceback")
    if tracebacks:
        row.notes.append(f"{tracebacks} worker tracebacks")
    for what in ("store unavailable", "lost its lease"):
        n = worker_logs_count(sys_.tmp / "logs", what)
        if n:
            row.notes.append(f"{n}x {what!r} in the workers' logs")
    return row
