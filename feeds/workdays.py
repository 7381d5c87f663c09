"""The working calendar: weekends, public holidays and make-up working days (调休).

One JSON file per year (``holidays-YYYY.json``) lists the days off (``holidays``: named
ranges, weekends inside them included) and the make-up working days (``workdays``,
usually a Saturday or Sunday). A year without a file falls back to Monday to Friday.
watchfloor ships them in ``feeds/data``; an admin points ``WATCHFLOOR_CALENDAR_DIR`` at a
directory of edited copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import msgspec

SHIPPED = Path(__file__).parent / "data"


class HolidayRange(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: str
    to: date
    from_: date = msgspec.field(name="from")


class YearFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    year: int
    status: str  # official | provisional
    holidays: tuple[HolidayRange, ...] = ()
    workdays: tuple[date, ...] = ()
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class WorkCalendar:
    """Which local dates are working days."""

    off: frozenset[date] = frozenset()  # holidays
    on: frozenset[date] = frozenset()  # make-up working days on a weekend
    names: dict[date, str] = field(default_factory=dict)
    status: dict[int, str] = field(default_factory=dict)  # year -> official/provisional

    @classmethod
    def load(cls, directory: Path | None = None) -> WorkCalendar:
        """Every ``holidays-YYYY.json`` in the directory (the shipped one by default)."""
        folder = directory or SHIPPED
        off: set[date] = set()
        on: set[date] = set()
        names: dict[date, str] = {}
        status: dict[int, str] = {}
        for path in sorted(folder.glob("holidays-*.json")):
            try:
                spec = msgspec.json.decode(path.read_bytes(), type=YearFile)
            except (OSError, msgspec.DecodeError) as exc:
                raise ValueError(f"working calendar {path}: {exc}") from exc
            status[spec.year] = spec.status
            for h in spec.holidays:
                if h.to < h.from_:
                    raise ValueError(f"working calendar {path}: {h.name} ends before it starts")
                d = h.from_
                while d <= h.to:
                    off.add(d)
                    names[d] = h.name
                    d += timedelta(days=1)
            on.update(spec.workdays)
        clash = off & on
        if clash:
            raise ValueError(f"working calendar: both day off and working day: {sorted(clash)}")
        return cls(frozenset(off), frozenset(on), names, status)

    def is_working(self, d: date) -> bool:
        if d in self.on:
            return True
        if d in self.off:
            return False
        return d.weekday() < 5

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The same time of day ``days`` working days later (a report on a Friday
        afternoon with 3 working days is due Wednesday afternoon)."""
        out = start
        while days > 0:
            out += timedelta(days=1)
            if self.is_working(out.date()):
                days -= 1
        return out

    def working_days_between(self, a: date, b: date) -> int:
        """Working days after ``a`` up to and including ``b``."""
        n, d = 0, a
        while d < b:
            d += timedelta(days=1)
            n += self.is_working(d)
        return n


WEEKDAYS_ONLY = WorkCalendar()
