"""Telling running processes that the geography changed: a key they read, a message.

The key holds "VERSION:STAMP": the grid version, and when the last import (of grids or
of addresses) committed. Ingest workers reload their reference data whenever the whole
value changes; web processes redraw their map layers when the version part does.
"""

from __future__ import annotations

import json

import redis

from feeds import constants as K
from feeds.clock import now_ms
from feeds.settings import Settings


def announce(r: redis.Redis, settings: Settings, version: int, grids: bool = True) -> None:
    """After an import's SQL commit: the key processes watch; for grids, a message on the
    live channel too, so open pages reload their map."""
    r.set(settings.key(K.K_GEO_VERSION), f"{version}:{now_ms()}")
    if grids:
        r.publish(settings.key(K.CHANNEL_LIVE), json.dumps({"type": "geo", "geo": version}))


def token(r: redis.Redis, settings: Settings) -> str | None:
    value = r.get(settings.key(K.K_GEO_VERSION))
    return None if value is None else str(value)


def version_of(value: str | None) -> int | None:
    """The grid version in a key's value; None when there is no (readable) value."""
    head = (value or "").partition(":")[0]
    return int(head) if head.isdigit() else None
