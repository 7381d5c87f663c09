"""SLA policy: deadlines per stage, per category and priority, and stage colours.

Every deadline counts from when the report arrived (DESIGN.md). Resolution is
due within 24 h for urgent matters and 3 working days for ordinary ones, on the
working calendar (feeds/workdays.py: weekends, public holidays, make-up working days).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import msgspec

from feeds.pipeline import STAGES, Incident, Stage
from feeds.workdays import WorkCalendar

Colour = Literal["green", "amber", "red"]
AMBER_SHARE = 0.8


class Budgets(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    accept_s: int = 60
    dispatch_s: int = 180
    arrive_s: int = 300
    resolve_urgent_s: int = 24 * 3600
    resolve_working_days: int = 3


class Rule(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    budgets: Budgets
    category: str = "*"
    priority: str = "*"


class PolicyFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    default: Budgets = Budgets()
    rules: tuple[Rule, ...] = ()


def add_working_days(start: datetime, days: int, calendar: WorkCalendar | None = None) -> datetime:
    return (calendar or WorkCalendar.load()).add_working_days(start, days)


DEFAULT_BUDGETS = Budgets()


@dataclass(frozen=True)
class SlaPolicy:
    default: Budgets = DEFAULT_BUDGETS
    rules: tuple[Rule, ...] = ()
    timezone: str = "Asia/Shanghai"
    calendar: WorkCalendar = field(default_factory=WorkCalendar.load)

    @classmethod
    def load(
        cls,
        path: Path | None,
        timezone: str = "Asia/Shanghai",
        calendar: WorkCalendar | None = None,
    ) -> SlaPolicy:
        cal = calendar or WorkCalendar.load()
        if path is None:
            return cls(timezone=timezone, calendar=cal)
        try:
            spec = msgspec.json.decode(path.read_bytes(), type=PolicyFile)
        except (OSError, msgspec.DecodeError) as exc:
            raise ValueError(f"SLA policy {path}: {exc}") from exc
        return cls(spec.default, spec.rules, timezone, cal)

    def budgets(self, category: str, priority: str) -> Budgets:
        """The most specific rule wins: category+priority, category, priority, default."""
        best: tuple[int, Budgets] = (-1, self.default)
        for rule in self.rules:
            if rule.category not in ("*", category) or rule.priority not in ("*", priority):
                continue
            score = 2 * (rule.category != "*") + (rule.priority != "*")
            if score > best[0]:
                best = (score, rule.budgets)
        return best[1]

    def deadlines(self, reported_at: int, category: str, priority: str) -> dict[Stage, int]:
        b = self.budgets(category, priority)
        if priority == "urgent":
            resolve = reported_at + b.resolve_urgent_s * 1000
        else:
            local = datetime.fromtimestamp(reported_at / 1000, ZoneInfo(self.timezone))
            due = self.calendar.add_working_days(local, b.resolve_working_days)
            resolve = int(due.timestamp() * 1000)
        return {
            "accept": reported_at + b.accept_s * 1000,
            "dispatch": reported_at + b.dispatch_s * 1000,
            "arrive": reported_at + b.arrive_s * 1000,
            "resolve": resolve,
        }


def colour(start: int, due: int, now: int, done: int | None = None) -> Colour:
    """Green, amber once 80% of the budget is used, red once late."""
    at = now if done is None else done
    if at > due:
        return "red"
    if done is None and at - start >= AMBER_SHARE * (due - start):
        return "amber"
    return "green"


def amber_from(start: int, due: int) -> int:
    return start + int(AMBER_SHARE * (due - start))


def stage_colours(inc: Incident, due: dict[Stage, int], now: int) -> dict[Stage, Colour | None]:
    """Colour of every stage reached or pending; None for stages not yet due to show."""
    out: dict[Stage, Colour | None] = {}
    for stage in STAGES:
        done = inc.done_at(stage)
        if done is not None:
            out[stage] = colour(inc.reported_at, due[stage], now, done)
        elif stage == inc.pending:
            out[stage] = colour(inc.reported_at, due[stage], now)
        else:
            out[stage] = None
    return out
