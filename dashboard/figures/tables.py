"""The figures as tables (layers.tabular.Table): what the page lists, what a leader
downloads as CSV or Excel and what the printed reports carry. Pure: stats data in,
tables out; every row links to the /incidents list (or the incident) it counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from dashboard.figures.words import LEVELS, STAGES, pick
from feeds.vocab import CATEGORIES, PRIORITIES, REPORT_KINDS, SOURCES, label
from layers.tabular import Column, Table

Row = Mapping[str, Any]
DIM_WORDS = {
    "source": (("来源", "Source"), SOURCES),
    "kind": (("类型", "Kind"), REPORT_KINDS),
    "category": (("分类", "Category"), CATEGORIES),
    "priority": (("紧急程度", "Priority"), PRIORITIES),
}
N = Column("n", "事件数", "Incidents", "int")


def href(filter_: Mapping[str, str] | None) -> str | None:
    """The /incidents list a figure counts (its filter as URL parameters)."""
    if filter_ is None:
        return None
    return "/incidents?" + urlencode(dict(filter_))


def when(ms: int | None, tz: str, fmt: str = "%m-%d %H:%M") -> str | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, ZoneInfo(tz)).strftime(fmt)


def name_of(row: Row, lang: str) -> str:
    return str(row.get("name_en") if lang == "en" and row.get("name_en") else row.get("name", ""))


def counts(dim: str, rows: Sequence[Row], period: str, lang: str) -> Table:
    words, vocab = DIM_WORDS[dim]
    total = sum(int(r["n"]) for r in rows) or 1
    return Table(
        f"by_{dim}",
        (f"按{words[0]}", f"By {words[1].lower()}"),
        (Column(dim, *words), N, Column("share", "占比", "Share", "share")),
        tuple((label(vocab, r["key"], lang), r["n"], r["n"] / total) for r in rows),
        period,
        links=tuple(href(r.get("filter")) for r in rows),
    )


def ranking(level: str, data: Row, period: str, lang: str) -> Table:
    words = LEVELS[level]
    by_residents = data.get("by") == "per_10k"
    note = (
        (
            "按每万人事件数排名；人口：" + str(data.get("residents_source")),
            "Ranked per 10,000 residents",
        )
        if by_residents
        else ("按事件数排名（人口数据缺失）", "Ranked by count (no resident figures)")
    )
    rows = list(data.get("rows", []))
    return Table(
        f"rank_{level}",
        (f"{words[0]}排名", f"{words[1]} ranking"),
        (
            Column("rank", "名次", "Rank", "int"),
            Column("name", words[0], words[1]),
            Column("code", "编码", "Code"),
            N,
            Column("residents", "常住人口", "Residents", "int"),
            Column("per_10k", "每万人", "Per 10,000", "float"),
            Column("per_grid", "每网格", "Per grid", "float"),
        ),
        tuple(
            (
                r.get("rank"),
                name_of(r, lang),
                r["code"],
                r["n"],
                r.get("residents"),
                r.get("per_10k"),
                r.get("per_grid"),
            )
            for r in rows
        ),
        period,
        note=note,
        links=tuple(href(r.get("filter")) for r in rows),
    )


def compliance(data: Mapping[str, Row], period: str, lang: str) -> Table:
    stages = [s for s in STAGES if s in data]
    return Table(
        "compliance",
        ("1-3-5 时限达标", "1/3/5 compliance"),
        (
            Column("stage", "环节", "Stage"),
            Column("due", "应计件数", "Counted", "int"),
            Column("on_time", "按时件数", "On time", "int"),
            Column("share", "按时率", "Share on time", "share"),
            Column("p90_s", "P90用时(秒)", "p90 (s)", "seconds"),
        ),
        tuple(
            (
                pick(STAGES[s], lang),
                data[s]["due"],
                data[s]["on_time"],
                data[s]["share"],
                data[s]["p90_s"],
            )
            for s in stages
        ),
        period,
        note=(
            "按时率 = 按时件数 / 应计件数；P90：90% 的事件在此时间内完成",
            "Share = on time / counted; p90: 90% of incidents were done within it",
        ),
        links=tuple(href(data[s].get("filter")) for s in stages),
    )


def compliance_by(
    by: str, data: Mapping[str, Mapping[str, Row]], names: Mapping[str, str], period: str, lang: str
) -> Table:
    """One row per street or unit: share on time and p90 for each stage."""
    who = ("街道", "Street") if by == "street" else ("责任单位", "Unit")
    cols = [Column("name", *who)]
    for s in STAGES:
        short = pick(STAGES[s], "zh")[:4]
        cols.append(Column(f"{s}_share", f"{short}按时率", f"{s} on time", "share"))
        cols.append(Column(f"{s}_p90", f"{short}P90(秒)", f"{s} p90 (s)", "seconds"))
    keys = sorted(data, key=lambda k: names.get(k, k))
    rows = tuple(
        (
            names.get(k, k) or "–",
            *[
                v
                for s in STAGES
                for v in (data[k].get(s, {}).get("share"), data[k].get(s, {}).get("p90_s"))
            ],
        )
        for k in keys
    )
    links = tuple(href(next(iter(data[k].values()), {}).get("filter")) for k in keys)
    return Table(
        f"compliance_{by}",
        (f"时限达标（按{who[0]}）", f"Compliance by {who[1].lower()}"),
        tuple(cols),
        rows,
        period,
        links=links,
    )


def closure(data: Mapping[str, Row], period: str, lang: str) -> Table:
    prios = [p for p in ("urgent", "ordinary") if p in data]
    limit = {"urgent": ("24小时", "24 h"), "ordinary": ("3个工作日", "3 working days")}
    return Table(
        "closure",
        ("办结时限", "Closure on time"),
        (
            Column("priority", "紧急程度", "Priority"),
            Column("limit", "时限", "Limit"),
            Column("due", "应办结", "Counted", "int"),
            Column("on_time", "按期办结", "On time", "int"),
            Column("share", "按期办结率", "Share on time", "share"),
            Column("p90_s", "P90用时(秒)", "p90 (s)", "seconds"),
        ),
        tuple(
            (
                label(PRIORITIES, p, lang),
                pick(limit[p], lang),
                data[p]["due"],
                data[p]["on_time"],
                data[p]["share"],
                data[p]["p90_s"],
            )
            for p in prios
        ),
        period,
        links=tuple(href(data[p].get("filter_all") or data[p].get("filter")) for p in prios),
    )


def late(key: str, title: tuple[str, str], data: Row, period: str, lang: str, tz: str) -> Table:
    rows = list(data.get("rows", []))
    return Table(
        key,
        title,
        (
            Column("id", "编号", "No."),
            Column("category", "分类", "Category"),
            Column("stage", "超时环节", "Late stage"),
            Column("late_s", "超时(秒)", "Late by (s)", "seconds"),
            Column("unit", "责任单位", "Held by"),
            Column("reported", "上报时间", "Reported"),
        ),
        tuple(
            (
                r.get("number") or r["id"],
                label(CATEGORIES, r["category"], lang),
                pick(STAGES.get(r["stage"], (r["stage"], r["stage"])), lang),
                r["late_s"],
                r.get("unit_name_en") if lang == "en" else r.get("unit_name"),
                when(r.get("reported_at"), tz),
            )
            for r in rows
        ),
        period,
        note=(f"共 {data.get('n', len(rows))} 件", f"{data.get('n', len(rows))} in all"),
        links=tuple(r.get("href") for r in rows),
    )


def units(data: Row, period: str, lang: str) -> Table:
    rows = list(data.get("rows", []))
    return Table(
        "units",
        ("单位考评", "Units league"),
        (
            Column("rank", "名次", "Rank", "int"),
            Column("unit", "单位", "Unit"),
            Column("assigned", "应结案数", "Assigned", "int"),
            Column("closed", "结案数", "Closed", "int"),
            Column("closure_rate", "结案率", "Closure rate", "share"),
            Column("on_time_rate", "按期结案率", "On-time closure rate", "share"),
            Column("backlog", "超期积压", "Overdue backlog", "int"),
            Column("arrive_p90", "到场P90(秒)", "On-site p90 (s)", "seconds"),
            Column("resolve_p90", "办结P90(秒)", "Resolve p90 (s)", "seconds"),
            Column("rating", "满意度", "Satisfaction", "rating"),
        ),
        tuple(
            (
                r.get("rank"),
                name_of(r, lang),
                r["assigned"],
                r["closed"],
                r["closure_rate"],
                r["on_time_rate"],
                r["backlog"],
                r["stages"]["arrive"]["p90_s"],
                r["stages"]["resolve"]["p90_s"],
                r.get("rating_mean"),
            )
            for r in rows
        ),
        period,
        note=(str(data.get("note_zh", "")), str(data.get("note", ""))),
        links=tuple(href(r.get("filter")) for r in rows),
    )
