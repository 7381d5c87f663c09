"""Operational figures for the status page: streams, backlog, workers, dead letters."""

from __future__ import annotations

import json
from typing import Any

import redis

from feeds import constants as K
from feeds.clock import now_ms
from feeds.settings import Settings


def stream_status(r: redis.Redis, settings: Settings) -> list[dict[str, Any]]:
    out = []
    for stream in (*K.INPUT_STREAMS, K.STREAM_DEAD):
        key = settings.key(stream)
        length = r.xlen(key)
        pending = lag = None
        if stream in K.INPUT_STREAMS:
            for group in r.xinfo_groups(key) if r.exists(key) else []:
                if group["name"] == K.GROUP:
                    pending, lag = group["pending"], group.get("lag")
        out.append({"stream": stream, "length": length, "pending": pending, "lag": lag})
    return out


def workers(r: redis.Redis, settings: Settings) -> list[dict[str, Any]]:
    prefix = settings.key(K.K_HEARTBEAT)
    now = now_ms()
    out = []
    for key in r.scan_iter(match=prefix + "*", count=100):
        beat = r.get(key)
        if beat:
            out.append({"consumer": key.removeprefix(prefix), "age_s": (now - int(beat)) / 1000})
    return sorted(out, key=lambda w: w["consumer"])


def recent_dead_letters(r: redis.Redis, settings: Settings, n: int = 10) -> list[dict[str, Any]]:
    out = []
    for entry_id, fields in r.xrevrange(settings.key(K.STREAM_DEAD), count=n):
        out.append(
            {
                "id": entry_id,
                "stream": fields.get("stream"),
                "reason": fields.get("reason"),
                "fields": json.loads(fields.get("fields") or "{}"),
            }
        )
    return out
