"""Shards: which stream key an event goes to, and who owns each shard.

One rule for every producer (docs/feeds.md, wire format v3): with N shards (N >= 2) an
event goes to shard ``crc32(utf-8 of its key) mod N``, its key being the report's id,
the action's incident, the reading's sensor or the patrol's address; the shard's streams
are ``<prefix>{s<i>}:<stream>``. The hash tag puts a shard's streams in one Redis Cluster
slot, so that one XREADGROUP reads them together. With one shard (the default) the keys
are those of wire format v2 and every worker reads every stream.

Everything about one incident (its report, its actions) lands in one shard, and one
worker at a time owns a shard: its actions are applied in the order they were sent.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

import redis

from feeds import constants as K
from feeds.settings import Settings

# what an event of each stream is sharded by
SHARD_FIELD = {
    K.STREAM_REPORTS: "id",
    K.STREAM_ACTIONS: "incident",
    K.STREAM_SENSORS: "sensor",
    K.STREAM_PATROLS: "address",
}


def shard_of(key: str, n: int) -> int:
    """The shard of an event whose shard key is ``key``, of ``n``."""
    if n <= 1:
        return 0
    return zlib.crc32(key.encode("utf-8", "surrogateescape")) % n


def stream_key(settings: Settings, stream: str, shard: int) -> str:
    """The full key of one shard's stream."""
    if settings.shards <= 1:
        return settings.key(stream)
    return settings.key(f"{{s{shard}}}:{stream}")


def key_for(settings: Settings, stream: str, fields: Mapping[str, Any]) -> str:
    """The stream key an event (as encoded, its fields) is sent to."""
    if settings.shards <= 1:
        return settings.key(stream)
    value = fields.get(SHARD_FIELD[stream]) or ""
    text = value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else str(value)
    return stream_key(settings, stream, shard_of(text, settings.shards))


def stream_keys(settings: Settings) -> list[tuple[int, str, str]]:
    """(shard, stream, key) of every input stream of every shard."""
    return [
        (i, stream, stream_key(settings, stream, i))
        for i in range(max(1, settings.shards))
        for stream in K.INPUT_STREAMS
    ]


def shard_keys(settings: Settings, shard: int) -> dict[str, str]:
    """key -> stream of one shard's input streams."""
    return {stream_key(settings, s, shard): s for s in K.INPUT_STREAMS}


def owner_key(settings: Settings, shard: int) -> str:
    return settings.key(f"{K.K_SHARD_OWNER}{shard}")


def owners(r: redis.Redis, settings: Settings) -> dict[int, str | None]:
    """shard -> the consumer that owns it now (None: nobody); empty with one shard."""
    if settings.shards <= 1:
        return {}
    keys = [owner_key(settings, i) for i in range(settings.shards)]
    return dict(enumerate(r.mget(keys)))
