"""How far ingest is behind: per stream (and shard) and per worker, from Redis's own
consumer-group figures (XINFO GROUPS, XINFO CONSUMERS).

For ``watchfloor check``, /status and /metrics alike:
- lag: entries added to the stream that the group has not yet delivered to anyone;
- pending: delivered to a worker, not yet acknowledged (in its hands, or its dead hands);
- entries read: the group's count of entries delivered since the stream began.
A worker's lag is the sum over the shards it owns; with one shard every worker reads the
one set of streams, so only the pending entries are a worker's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import redis

from feeds import constants as K
from feeds import shards
from feeds.clock import now_ms
from feeds.settings import Settings


@dataclass
class StreamLag:
    shard: int
    stream: str  # the feed: reports, sensors, actions, patrols
    key: str
    length: int
    lag: int | None  # None: Redis cannot tell (an entry was deleted mid-stream)
    pending: int
    entries_read: int | None
    owner: str | None  # the worker that owns the shard (None: every worker, or nobody)
    pending_by: dict[str, int] = field(default_factory=dict)  # consumer -> pending


@dataclass
class WorkerLag:
    consumer: str
    shards: list[int]
    lag: int
    pending: int


def stream_lags(r: redis.Redis, settings: Settings) -> list[StreamLag]:
    keys = shards.stream_keys(settings)
    pipe = r.pipeline(transaction=False)
    for _shard, _stream, key in keys:
        pipe.exists(key)
    exists = pipe.execute()
    pipe = r.pipeline(transaction=False)
    present = [k for k, there in zip(keys, exists, strict=True) if there]
    for _shard, _stream, key in present:
        pipe.xlen(key)
        pipe.xinfo_groups(key)
        pipe.xinfo_consumers(key, K.GROUP)
    replies = iter(pipe.execute(raise_on_error=False))
    by_key: dict[str, tuple[Any, Any, Any]] = {
        key: (next(replies), next(replies), next(replies)) for _s, _n, key in present
    }
    own = shards.owners(r, settings)
    out = []
    for shard, stream, key in keys:
        length, groups, consumers = by_key.get(key, (0, [], []))
        group = _group(groups)
        out.append(
            StreamLag(
                shard=shard,
                stream=stream,
                key=key,
                length=int(length) if isinstance(length, int) else 0,
                lag=_int(group.get("lag")),
                pending=_int(group.get("pending")) or 0,
                entries_read=_int(group.get("entries-read")),
                owner=own.get(shard),
                pending_by={
                    str(c["name"]): int(c["pending"])
                    for c in (consumers if isinstance(consumers, list) else [])
                },
            )
        )
    return out


def heartbeats(r: redis.Redis, settings: Settings) -> dict[str, float]:
    """consumer -> seconds since its heartbeat, of the workers whose heartbeat is there."""
    prefix = settings.key(K.K_HEARTBEAT)
    now = now_ms()
    out = {}
    for key in r.scan_iter(match=prefix + "*", count=100):
        beat = r.get(key)
        if beat:
            out[key.removeprefix(prefix)] = (now - int(beat)) / 1000
    return out


def worker_lags(rows: list[StreamLag], workers: list[str]) -> list[WorkerLag]:
    """Per worker (the live ones, and any that still hold pending entries)."""
    names = set(workers) | {c for row in rows for c, n in row.pending_by.items() if n}
    out = []
    for name in sorted(names):
        owned = [row for row in rows if row.owner == name]
        out.append(
            WorkerLag(
                consumer=name,
                shards=sorted({row.shard for row in owned}),
                lag=sum(row.lag or 0 for row in owned),
                pending=sum(row.pending_by.get(name, 0) for row in rows),
            )
        )
    return out


def _group(groups: Any) -> dict[str, Any]:
    for group in groups if isinstance(groups, list) else []:
        if group.get("name") == K.GROUP:
            return dict(group)
    return {}


def _int(value: Any) -> int | None:
    return None if value is None else int(value)
