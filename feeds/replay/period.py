"""The period a replay URL asks for, in the district's local time. Pure."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

MAX_SPAN_MS = 31 * 86_400_000  # a month at most: a replay is of an evening, a day, a week
EVENING = (18, 23)  # the "last night" preset: 18:00-23:00


class PeriodError(ValueError):
    """A period or moment that cannot be replayed; the message says why."""


def parse_moment(text: str, tz: str) -> int:
    """Epoch ms of a local time: YYYY-MM-DDTHH:MM[:SS] (or with an offset, or epoch ms)."""
    value = text.strip()
    if value.isdigit():
        return int(value)
    try:
        when = datetime.fromisoformat(value.replace(" ", "T"))
    except ValueError:
        raise PeriodError(f"not a time: {text!r} (use YYYY-MM-DDTHH:MM)") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo(tz))
    return int(when.timestamp() * 1000)


def parse_period(text: str, tz: str, now: int) -> tuple[int, int]:
    """(from, to) of "FROM,TO"; the end may not be in the future."""
    parts = text.split(",")
    if len(parts) != 2:
        raise PeriodError(f"a replay period is FROM,TO, got {text!r}")
    start, end = (parse_moment(p, tz) for p in parts)
    end = min(end, now)
    if end <= start:
        raise PeriodError("the period must end after it starts, and start in the past")
    if end - start > MAX_SPAN_MS:
        raise PeriodError("a replay period may be at most 31 days")
    return start, end


def local(ms: int, tz: str) -> str:
    """YYYY-MM-DDTHH:MM:SS in local time (what the URL carries)."""
    return datetime.fromtimestamp(ms / 1000, ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M:%S")


def last_night(now: int, tz: str) -> tuple[int, int]:
    """The latest 18:00-23:00 that is over."""
    today = datetime.fromtimestamp(now / 1000, ZoneInfo(tz)).replace(
        minute=0, second=0, microsecond=0
    )
    end = today.replace(hour=EVENING[1])
    if int(end.timestamp() * 1000) > now:
        end -= timedelta(days=1)
    start = end.replace(hour=EVENING[0])
    return int(start.timestamp() * 1000), int(end.timestamp() * 1000)
