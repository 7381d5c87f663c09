"""Producers for watchfloor's own pages: Report/Action events with fresh ids, XADDed.

The residents' form and the duty officers' console write through here, in the wire
format of docs/feeds.md, exactly as an outside report app would.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

import redis

from feeds import constants as K
from feeds import shards
from feeds.clock import now_ms
from feeds.connections import replicated
from feeds.schemas import (
    Action,
    Event,
    Patrol,
    Report,
    SensorReading,
    decode_action,
    decode_report,
    encode,
)
from feeds.settings import Settings

# event type -> (stream, approximate cap)
_STREAM: dict[type, tuple[str, int]] = {
    Report: (K.STREAM_REPORTS, K.MAXLEN_REPORTS),
    SensorReading: (K.STREAM_SENSORS, K.MAXLEN_SENSORS),
    Action: (K.STREAM_ACTIONS, K.MAXLEN_ACTIONS),
    Patrol: (K.STREAM_PATROLS, K.MAXLEN_PATROLS),
}


def new_id(prefix: str) -> str:
    """A fresh id: the prefix and 64 random bits in base32, e.g. ``RKX4Q7ZJ2M3ABC`` (14 chars).

    Upper case, no padding, no 0/1 look-alikes beyond base32's own: short enough to read
    out over the phone as a tracking number.
    """
    return prefix + base64.b32encode(secrets.token_bytes(8)).decode().rstrip("=")


def send(r: Any, settings: Settings, event: Event) -> Any:
    """XADD an event to its stream (its shard's, feeds/shards.py), capped; ``r`` is a
    client (the entry id) or a pipeline."""
    stream, maxlen = _STREAM[type(event)]
    fields = encode(event)
    key = shards.key_for(settings, stream, fields)
    return r.xadd(key, fields, maxlen=maxlen, approximate=True)


def report(**fields: Any) -> Report:
    """A Report with a fresh tracking number and the current time, validated as the worker would."""
    base: dict[str, Any] = {"id": new_id("R"), "ts": now_ms()}
    base.update(fields)
    rep = Report(**base)
    decode_report(encode(rep))  # raises InvalidEntry with a readable reason
    return rep


def action(incident: str, kind: str, actor: str, **fields: Any) -> Action:
    """An Action with a fresh id and the current time, validated as the worker would."""
    base: dict[str, Any] = {
        "id": new_id("A"),
        "incident": incident,
        "action": kind,
        "actor": actor[:200],
        "ts": now_ms(),
    }
    base.update(fields)
    act = Action(**base)
    decode_action(encode(act))
    return act


def send_report(r: redis.Redis, settings: Settings, rep: Report) -> str:
    """XADD to `reports` (on a Cluster, kept by a replica too); the stream entry id."""
    return _kept(r, settings, K.STREAM_REPORTS, rep)


def send_action(r: redis.Redis, settings: Settings, act: Action) -> str:
    """XADD to `actions` (on a Cluster, kept by a replica too); the stream entry id."""
    return _kept(r, settings, K.STREAM_ACTIONS, act)


def _kept(r: redis.Redis, settings: Settings, stream: str, event: Event) -> str:
    entry = str(send(r, settings, event))
    replicated(r, shards.key_for(settings, stream, encode(event)))
    return entry
