"""Time helpers: epoch milliseconds and local-day boundaries."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def day_key(ms: int, tz: str) -> str:
    return datetime.fromtimestamp(ms / 1000, ZoneInfo(tz)).strftime("%Y%m%d")


def day_start(ms: int, tz: str) -> int:
    local = datetime.fromtimestamp(ms / 1000, ZoneInfo(tz))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return int(midnight.timestamp() * 1000)


def minute_of(ms: int) -> int:
    return ms // 60_000
