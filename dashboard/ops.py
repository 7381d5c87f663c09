"""Operational figures for the status page: streams, backlog, workers, dead letters."""

from __future__ import annotations

import json
from typing import Any, Final

import redis

from feeds import constants as K
from feeds import lag
from feeds.settings import Settings

EMPTY: Final = "—"  # what an empty cell shows (never "None")


def cell(value: Any) -> str:
    """What a status table cell shows: "—" for a value that is not there."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def stream_status(r: redis.Redis, settings: Settings) -> list[dict[str, Any]]:
    """Every input stream of every shard (length, lag, pending, owner; feeds/lag.py), then
    the dead-letter stream."""
    out: list[dict[str, Any]] = [
        {
            "shard": row.shard,
            "stream": row.stream,
            "length": row.length,
            "pending": row.pending,
            "lag": row.lag,
            "owner": row.owner,
        }
        for row in lag.stream_lags(r, settings)
    ]
    dead = r.xlen(settings.key(K.STREAM_DEAD))
    out.append(
        {
            "shard": None,
            "stream": K.STREAM_DEAD,
            "length": dead,
            "pending": None,
            "lag": None,
            "owner": None,
        }
    )
    return out


def workers(r: redis.Redis, settings: Settings) -> list[dict[str, Any]]:
    """Each worker alive (or holding entries unacknowledged): heartbeat age, shards owned,
    their lag, and its pending entries."""
    ages = lag.heartbeats(r, settings)
    rows = lag.worker_lags(lag.stream_lags(r, settings), list(ages))
    return [
        {
            "consumer": row.consumer,
            "age_s": ages.get(row.consumer),
            "shards": row.shards,
            "lag": row.lag,
            "pending": row.pending,
        }
        for row in rows
    ]


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


def problems(r: redis.Redis, settings: Settings) -> list[dict[str, Any]]:
    """Entries lost to MAXLEN trims per stream (``what`` "lost:<stream>"), actions waiting
    ("waiting"), readings of unregistered sensors ("unregistered"); the page words them."""
    counters = r.hgetall(settings.key(K.K_COUNTERS))
    rows: list[dict[str, Any]] = [
        {
            "what": f"lost:{stream}",
            "count": int(counters.get(K.C_LOST + stream, 0)),
            "e.g.": "",
        }
        for stream in K.INPUT_STREAMS
    ]
    rows.append(
        {
            "what": "waiting",
            "count": int(counters.get(K.C_PARKED, 0)),
            "e.g.": "",
        }
    )
    sample = r.zrevrange(settings.key(K.K_UNKNOWN_SENSORS), 0, 4)
    rows.append(
        {
            "what": "unregistered",
            "count": int(counters.get(K.C_UNKNOWN_SENSOR, 0)),
            "e.g.": ", ".join(sample),
        }
    )
    return rows
