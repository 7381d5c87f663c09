"""Printed reports as documents (layers.printed), from the figures' section data: the
daily report (城市运行日报) and the monthly report per grid (网格月度研判报告). Pure:
data in, Document out; the same tables as the page and the exports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dashboard.figures import catalog
from dashboard.figures.sections import HEADLINE, STAGE_WORDS
from dashboard.figures.words import SECTIONS, w
from feeds.stats.headline import BETTER
from feeds.vocab import CATEGORIES, label
from layers import svgchart
from layers.compare import Better, change
from layers.printed import Chapter, Section, Tile
from layers.tabular import Table, format_value

Data = dict[str, Any]
LANG = "zh"


def title_of(section: str) -> str:
    return SECTIONS[section][0][0]


def caption_of(section: str, period: str) -> str:
    return f"{SECTIONS[section][1][0]} · {period}"


def tiles(d: Data, against: str = "较前日") -> tuple[Tile, ...]:
    out = []
    for key, word, kind, share in HEADLINE:
        value = d["now"].get(key)
        better: Better = BETTER.get(key) or "none"  # type: ignore[assignment]
        c = change(value, d["previous"].get(key), better, share)
        ly = change(value, d["last_year"].get(key), better, share)
        name = STAGE_WORDS[key][0] if key in STAGE_WORDS else w(word, LANG)
        lines = (
            (f"{c.arrow} {c.text} {against}", c.tone),
            (f"{ly.arrow} {ly.text} 较去年同期", ly.tone),
        )
        out.append(Tile(name, format_value(value, kind), lines))
    if "late_now" in d:
        late = format_value(d["late_now"], "int")
        out.append(Tile(w("late_now", LANG), late, (("截至生成时", "none"),)))
    return tuple(out)


def _tables(section: str, d: Data, period: str, tz: str) -> list[Table]:
    return catalog.tables(section, d, period, LANG, tz)


def counts_section(d: Data, period: str, tz: str) -> Section:
    cats = d["category"]
    chart = svgchart.hbars(
        [label(CATEGORIES, r["key"]) for r in cats], [r["n"] for r in cats], "按分类"
    )
    t = _tables("counts", d, period, tz)
    return Section(
        title_of("counts"), caption_of("counts", period), charts=(chart,), tables=(t[0], t[2])
    )


def time_section(d: Data, period: str) -> Section:
    hours = d["hourly"]
    chart = svgchart.columns(
        [f"{r['hour']:02d}" for r in hours],
        [r["n"] for r in hours],
        "按小时分布",
        label_every=2,
        height=120,
    )
    return Section("按小时分布", f"按上报时间统计的事件数 · {period}", charts=(chart,))


def table_section(
    section: str,
    d: Data,
    period: str,
    tz: str,
    charts: Sequence[str] = (),
    max_rows: int = 15,
    only: Sequence[str] = (),
) -> Section:
    tables = [t for t in _tables(section, d, period, tz) if not only or t.key in only]
    return Section(
        title_of(section),
        caption_of(section, period),
        charts=tuple(charts),
        tables=tuple(tables),
        max_rows=max_rows,
    )


def sensors_section(d: Data, period: str, tz: str) -> Section:
    a = d["alarms"]
    charts = []
    if a["kinds"] and len(a["days"]) > 1:
        charts.append(
            svgchart.stacked_columns(
                [x[5:] for x in a["days"]],
                [(label(CATEGORIES, k["kind"]), [x["n"] for x in k["days"]]) for k in a["kinds"]],
                "感知告警逐日",
                label_every=max(1, len(a["days"]) // 10),
            )
        )
    return table_section("sensors", d, period, tz, charts)


def daily_chapter(parts: Mapping[str, Data], period: str, tz: str) -> Chapter:
    """Every section of the day, in the order a leader reads them."""
    sections = [
        Section(
            title_of("headline"), caption_of("headline", period), tiles=tiles(parts["headline"])
        ),
        counts_section(parts["counts"], period, tz),
        time_section(parts["time"], period),
        table_section("compliance", parts["compliance"], period, tz),
        table_section("closure", parts["closure"], period, tz),
        table_section("supervision", parts["supervision"], period, tz, max_rows=20),
        table_section("units", parts["units"], period, tz, max_rows=40),
        table_section("satisfaction", parts["satisfaction"], period, tz),
        table_section("repeats", parts["repeats"], period, tz),
        sensors_section(parts["sensors"], period, tz),
        table_section("patrols", parts["patrols"], period, tz, max_rows=12),
    ]
    return Chapter("", tuple(sections))


def grid_chapter(name: str, code: str, parts: Mapping[str, Data], period: str, tz: str) -> Chapter:
    """One grid's month: events, categories, compliance, repeat places, patrols, satisfaction."""
    head = parts["headline"]
    keep = {"n", "late", "accept", "arrive", "closure_ordinary", "satisfaction", "share_rated"}
    chosen = tuple(
        t for t, spec in zip(tiles(head, "较上月"), HEADLINE, strict=False) if spec[0] in keep
    )
    sections = [
        Section("本月概况", f"本网格事件与上月、去年同期对比 · {period}", tiles=chosen),
        counts_section(parts["counts"], period, tz),
        table_section("compliance", parts["compliance"], period, tz, only=("compliance",)),
        table_section("repeats", parts["repeats"], period, tz),
        table_section("patrols", parts["patrols"], period, tz, only=("patrols",)),
        table_section("satisfaction", parts["satisfaction"], period, tz),
    ]
    return Chapter(f"{name}（{code}）", tuple(sections))
