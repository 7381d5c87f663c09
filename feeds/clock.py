"""Time helpers: epoch milliseconds and local-day boundaries."""

from __future__ import annotations

import time
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def day_key(ms: int, tz: str) -> str:
    return _day_of_minute(ms // 60_000, tz)


@lru_cache(maxsize=4096)
def _day_of_minute(minute: int, tz: str) -> str:
    # Called per event on the hot path: a day never changes inside a minute.
    return datetime.fromtimestamp(minute * 60, ZoneInfo(tz)).strftime("%Y%m%d")


def day_start(ms: int, tz: str) -> int:
    local = datetime.fromtimestamp(ms / 1000, ZoneInfo(tz))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return int(midnight.timestamp() * 1000)


def minute_of(ms: int) -> int:
    return ms // 60_000
