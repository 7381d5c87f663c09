"""The system the web fault suite runs against: our own Valkey and a fresh SQLite store,
the live system on them (ingest worker and web server in this process), and
``watchfloor web`` as a process of its own for the parallel uploads."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import redis
from sqlalchemy import Engine

from bench.faults_web.site import Site
from feeds.connections import redis_client, valkey_unless
from feeds.reference import Reference
from feeds.seed import ensure_reference
from feeds.settings import Settings, session_secret
from feeds.store import make_engine
from tests.system import free_port, running_system


def wait_for(cond: Callable[[], bool], timeout: float, what: str) -> float:
    start = time.monotonic()
    while not cond():
        if time.monotonic() - start > timeout:
            raise TimeoutError(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.02)
    return time.monotonic() - start


def healthy(url: str) -> bool:
    try:
        return httpx.get(url + "/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def web_process(settings: Settings) -> Iterator[tuple[str, int]]:
    """``watchfloor web`` as its own process on this store (its memory is its own)."""
    port = free_port()
    env = {
        **os.environ,
        "REDIS_URL": settings.redis_url or "",
        "WATCHFLOOR_VAR": str(settings.var_dir),
        "WATCHFLOOR_KEY_PREFIX": settings.key_prefix,
        "PORT": str(port),
        "WATCHFLOOR_HOST": "127.0.0.1",
    }
    if settings.database_url:
        env["DATABASE_URL"] = settings.database_url
    proc = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "web"], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: healthy(url), 120, "the web process")
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(30)


@contextmanager
def own_store() -> Iterator[tuple[Settings, Engine, Reference]]:
    """Our own Valkey (unless REDIS_URL is set) and a fresh SQLite store with the district."""
    with valkey_unless(os.environ.get("REDIS_URL")) as url, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            redis_url=url, var_dir=Path(tmp), key_prefix=f"fw:{uuid.uuid4().hex[:8]}:"
        )
        engine = make_engine(settings)
        ensure_reference(engine)
        with engine.connect() as conn:
            reference = Reference.load(conn)
        try:
            yield settings, engine, reference
        finally:
            engine.dispose()


@contextmanager
def live_system(
    settings: Settings, engine: Engine, reference: Reference
) -> Iterator[tuple[Site, redis.Redis, Settings]]:
    r = redis_client(settings.redis_url or "")
    try:
        with running_system(settings, engine, reference) as system:
            address = sorted(reference.buildings)[3]
            site = Site(system.url, engine, session_secret(system.settings), address)
            yield site, r, system.settings
    finally:
        for key in r.scan_iter(match=settings.key_prefix + "*", count=1000):
            r.delete(key)
        r.close()
