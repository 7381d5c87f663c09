"""Periods of local days (Settings.timezone) and comparisons between them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

Preset = Literal["today", "yesterday", "this_week", "this_month", "last_month", "custom"]
PRESETS: tuple[Preset, ...] = (
    "today",
    "yesterday",
    "this_week",
    "this_month",
    "last_month",
    "custom",
)
DAY_MS = 86_400_000


def local_midnight(d: date, tz: str) -> int:
    return int(datetime.combine(d, time(), ZoneInfo(tz)).timestamp() * 1000)


def local_date(ms: int, tz: str) -> date:
    return datetime.fromtimestamp(ms / 1000, ZoneInfo(tz)).date()


def utc_offset_ms(tz: str, at: int = 0) -> int:
    """The zone's offset from UTC at a moment, in ms (+8 h for Asia/Shanghai)."""
    off = datetime.fromtimestamp(at / 1000, ZoneInfo(tz)).utcoffset()
    return int(off.total_seconds() * 1000) if off else 0


def _minus_year(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


@dataclass(frozen=True)
class Period:
    """[start, end) in epoch ms, with the local time zone its days are counted in.

    ``first``/``last`` are the local dates it covers (``last`` inclusive). A period
    that ends before a midnight (today so far) has ``whole_days`` False. With ``area``
    (a street, community or grid code) every figure counts only that area's incidents.
    """

    start: int
    end: int
    tz: str = "Asia/Shanghai"
    preset: Preset = "custom"
    area: str | None = None

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("a period must end after it starts")

    @classmethod
    def days(
        cls,
        first: date,
        last: date,
        tz: str,
        preset: Preset = "custom",
        area: str | None = None,
    ) -> Period:
        """Whole local days from ``first`` to ``last`` inclusive."""
        if last < first:
            raise ValueError(f"period ends ({last}) before it starts ({first})")
        start, end = local_midnight(first, tz), local_midnight(last + timedelta(1), tz)
        return cls(start, end, tz, preset, area)

    def within(self, area: str | None) -> Period:
        return replace(self, area=area or None)

    @property
    def area_level(self) -> str | None:
        """street, community, grid or micro_grid, from the code's segments (BJ01-C03-G05)."""
        if not self.area:
            return None
        levels = ("street", "community", "grid", "micro_grid")
        return levels[min(self.area.count("-"), 3)]

    @property
    def first(self) -> date:
        return local_date(self.start, self.tz)

    @property
    def last(self) -> date:
        return local_date(self.end - 1, self.tz)

    @property
    def whole_days(self) -> bool:
        return local_midnight(self.last + timedelta(1), self.tz) == self.end

    @property
    def n_days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def offset_ms(self) -> int:
        """The zone's UTC offset at the start: SQL groups local days and hours by it
        (exact for zones without daylight saving, such as Asia/Shanghai)."""
        return utc_offset_ms(self.tz, self.start)

    def day_list(self) -> list[date]:
        return [self.first + timedelta(i) for i in range(self.n_days)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "tz": self.tz,
            "preset": self.preset,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "whole_days": self.whole_days,
            "area": self.area,
            "label": self.label,
        }

    @property
    def label(self) -> str:
        """e.g. "2026-11-01 – 2026-11-30", "2026-11-03", "2026-11-03 00:00 – 14:25"."""
        if self.whole_days:
            a, b = self.first.isoformat(), self.last.isoformat()
            return a if a == b else f"{a} – {b}"
        zone = ZoneInfo(self.tz)
        a_t = datetime.fromtimestamp(self.start / 1000, zone)
        b_t = datetime.fromtimestamp(self.end / 1000, zone)
        return (
            f"{a_t:%Y-%m-%d %H:%M} – {b_t:%H:%M}"
            if a_t.date() == b_t.date()
            else (f"{a_t:%Y-%m-%d %H:%M} – {b_t:%Y-%m-%d %H:%M}")
        )


def preset(name: Preset, now: int, tz: str) -> Period:
    """``today`` runs to ``now`` (so its comparisons are with the same hours of other
    days); the others are whole local days. Weeks start on Monday."""
    today = local_date(now, tz)
    if name == "today":
        return Period(local_midnight(today, tz), max(now, local_midnight(today, tz) + 1), tz, name)
    if name == "yesterday":
        d = today - timedelta(1)
        return Period.days(d, d, tz, name)
    if name == "this_week":
        return Period.days(today - timedelta(today.weekday()), today, tz, name)
    if name == "this_month":
        return Period.days(today.replace(day=1), today, tz, name)
    if name == "last_month":
        last = today.replace(day=1) - timedelta(1)
        return Period.days(last.replace(day=1), last, tz, name)
    raise ValueError(f"unknown period preset {name!r}; a custom period needs dates")


def parse(text: str, now: int, tz: str) -> Period:
    """A preset name, or ``YYYY-MM-DD`` or ``YYYY-MM-DD,YYYY-MM-DD`` (inclusive), or
    ``YYYY-MM`` (a month)."""
    t = text.strip()
    if t in PRESETS and t != "custom":
        return preset(t, now, tz)
    try:
        if len(t) == 7:
            first = date.fromisoformat(t + "-01")
            nxt = (first + timedelta(32)).replace(day=1)
            return Period.days(first, nxt - timedelta(1), tz)
        a, _, b = t.partition(",")
        first = date.fromisoformat(a.strip())
        return Period.days(first, date.fromisoformat(b.strip()) if b else first, tz)
    except ValueError as exc:
        raise ValueError(f"not a period: {text!r} ({exc})") from exc


def previous(p: Period) -> Period:
    """The same length just before: the previous whole days; for a part-day period (today
    so far) the same clock times as many whole days earlier as it spans (yesterday's
    00:00 to the same time)."""
    if p.whole_days:
        n = p.n_days
        return Period.days(p.first - timedelta(n), p.first - timedelta(1), p.tz, area=p.area)
    days = -(-(p.end - p.start) // DAY_MS)
    zone = ZoneInfo(p.tz)
    a = datetime.fromtimestamp(p.start / 1000, zone) - timedelta(days=days)
    b = datetime.fromtimestamp(p.end / 1000, zone) - timedelta(days=days)
    return Period(int(a.timestamp() * 1000), int(b.timestamp() * 1000), p.tz, area=p.area)


def last_year(p: Period) -> Period:
    """The same local dates (and for a part-day, the same clock times) a year before."""
    if p.whole_days:
        return Period.days(_minus_year(p.first), _minus_year(p.last), p.tz).within(p.area)
    zone = ZoneInfo(p.tz)
    a = datetime.fromtimestamp(p.start / 1000, zone)
    b = datetime.fromtimestamp(p.end / 1000, zone)
    a2 = datetime.combine(_minus_year(a.date()), a.time(), zone)
    b2 = datetime.combine(_minus_year(b.date()), b.time(), zone)
    return Period(int(a2.timestamp() * 1000), int(b2.timestamp() * 1000), p.tz, area=p.area)


@dataclass(frozen=True)
class Comparison:
    value: float | None
    previous: float | None
    last_year: float | None

    @staticmethod
    def _change(a: float | None, b: float | None) -> tuple[float | None, float | None]:
        if a is None or b is None:
            return None, None
        return a - b, ((a - b) / b * 100 if b else None)

    def to_dict(self) -> dict[str, Any]:
        ch, pct = self._change(self.value, self.previous)
        ch_y, pct_y = self._change(self.value, self.last_year)
        return {
            "value": self.value,
            "previous": self.previous,
            "last_year": self.last_year,
            "change": ch,
            "pct": pct,
            "change_ly": ch_y,
            "pct_ly": pct_y,
        }


def compare(value: float | None, prev: float | None, ly: float | None) -> dict[str, Any]:
    """Value beside the previous period and last year: change and % change (None when
    a side is missing, % None when the base is 0)."""
    return Comparison(value, prev, ly).to_dict()
