"""What every part of the live state stands on: the Redis client and its key names, the
row type the writers take, and ``Dirty`` (what changed since the last delta)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import redis

from feeds.settings import Settings

Row = Mapping[str, Any]


@dataclass
class Dirty:
    """What changed since the last delta."""

    grids: set[str] = field(default_factory=set)
    zones: set[str] = field(default_factory=set)
    upserts: dict[str, dict[str, Any]] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    sensors: dict[str, str] = field(default_factory=dict)  # sensor -> status
    board: bool = False

    def __bool__(self) -> bool:
        return bool(
            self.grids or self.zones or self.upserts or self.removed or self.sensors or self.board
        )


class LiveBase:
    """The client (decode_responses=True), the settings and the key naming."""

    def __init__(self, r: redis.Redis, settings: Settings) -> None:
        self.r = r
        self.s = settings
        self.tz = settings.timezone

    def k(self, suffix: str) -> str:
        return self.s.key(suffix)
