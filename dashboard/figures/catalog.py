"""Which tables each section holds, built from its data: the one list the page, the
exports and the reports share, so a downloaded table is the table on the page."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from dashboard.figures import field_tables as ft
from dashboard.figures import tables as t
from feeds.stats.period import Period
from layers.tabular import Table

Data = dict[str, Any]
WEEKDAYS: Final = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def period_label(p: Period, lang: str = "zh") -> str:
    """2026-11-01 – 2026-11-30, 2026-11-30 (周一), or today's 2026-12-01 00:00–14:47."""
    if not p.whole_days:
        a = datetime.fromtimestamp(p.start / 1000, ZoneInfo(p.tz))
        b = datetime.fromtimestamp(p.end / 1000, ZoneInfo(p.tz))
        return f"{a:%Y-%m-%d %H:%M}–{b:%H:%M}"
    if p.first == p.last:
        day = p.first.strftime("%a") if lang == "en" else WEEKDAYS[p.first.weekday()]
        return f"{p.first.isoformat()} ({day})"
    return f"{p.first.isoformat()} – {p.last.isoformat()}"


def period_key(p: Period) -> str:
    """For file names and report ids: 2026-11, 2026-11-30 or 2026-11-01_2026-11-15."""
    if p.first == p.last:
        return p.first.isoformat()
    nxt = p.last.toordinal() + 1
    if p.first.day == 1 and datetime.fromordinal(nxt).day == 1 and p.first.month == p.last.month:
        return p.first.strftime("%Y-%m")
    return f"{p.first.isoformat()}_{p.last.isoformat()}"


def tables(section: str, data: Data, label: str, lang: str, tz: str) -> list[Table]:
    """The section's tables, in the order the page shows them."""
    if section == "counts":
        return [t.counts(dim, data[dim], label, lang) for dim in ("source", "kind", "category")]
    if section == "areas":
        return [
            t.ranking(level, data[level], label, lang) for level in ("street", "community", "grid")
        ]
    if section == "compliance":
        n = data["names"]
        suffix = "_en" if lang == "en" else ""
        return [
            t.compliance(data["all"], label, lang),
            t.compliance_by("street", data["street"], n["street" + suffix], label, lang),
            t.compliance_by("unit", data["unit"], n["unit" + suffix], label, lang),
        ]
    if section == "closure":
        return [t.closure(data, label, lang)]
    if section == "supervision":
        return [
            t.late("late_now", ("当前超时", "Late now"), data["now"], label, lang, tz),
            t.late(
                "late_period", ("本期曾超时", "Late in the period"), data["period"], label, lang, tz
            ),
        ]
    if section == "units":
        return [t.units(data, label, lang)]
    if section == "satisfaction":
        return [ft.ratings(data, label), ft.comments(data, label, tz)]
    if section == "repeats":
        return [ft.repeats(place, data[place], label, lang, tz) for place in ("building", "grid")]
    if section == "sensors":
        return [ft.alarms(data["alarms"], label, lang), ft.crowd(data["crowd"], label, lang, tz)]
    if section == "patrols":
        return [ft.patrols(data, label, lang), ft.no_patrol(data, label, lang)]
    return []


TABLE_SECTION: Final[dict[str, str]] = {
    **{f"by_{d}": "counts" for d in ("source", "kind", "category")},
    **{f"rank_{lv}": "areas" for lv in ("street", "community", "grid")},
    "compliance": "compliance",
    "compliance_street": "compliance",
    "compliance_unit": "compliance",
    "closure": "closure",
    "late_now": "supervision",
    "late_period": "supervision",
    "units": "units",
    "ratings": "satisfaction",
    "comments": "satisfaction",
    "repeats_building": "repeats",
    "repeats_grid": "repeats",
    "alarms": "sensors",
    "crowd_peaks": "sensors",
    "patrols": "patrols",
    "no_patrol": "patrols",
}
