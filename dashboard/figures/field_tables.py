"""More tables from the field: residents' ratings and comments, repeat places, sensor
alarms, crowd peaks and patrols (see dashboard.figures.tables)."""

from __future__ import annotations

from collections.abc import Sequence

from dashboard.figures.tables import N, Row, href, name_of, when
from feeds.vocab import CATEGORIES, label
from layers.tabular import Column, Table


def ratings(data: Row, period: str) -> Table:
    dist = list(data.get("distribution", []))
    total = sum(int(d["n"]) for d in dist) or 1
    return Table(
        "ratings",
        ("评分分布", "Ratings"),
        (Column("rating", "评分", "Rating", "int"), N, Column("share", "占比", "Share", "share")),
        tuple((d["rating"], d["n"], d["n"] / total) for d in dist),
        period,
        links=tuple(href(d.get("filter")) for d in dist),
    )


def comments(data: Row, period: str, tz: str) -> Table:
    notes = list(data.get("comments", []))
    return Table(
        "comments",
        ("群众留言", "Residents' comments"),
        (
            Column("id", "编号", "No."),
            Column("at", "评价时间", "Rated"),
            Column("rating", "评分", "Rating", "int"),
            Column("text", "留言", "Comment"),
        ),
        tuple((n["id"], when(n["at"], tz), n.get("rating"), n.get("text", "")) for n in notes),
        period,
        links=tuple(f"/incident/{n['id']}" for n in notes),
    )


def repeats(place: str, rows: Sequence[Row], period: str, lang: str, tz: str) -> Table:
    where = ("楼幢", "Building") if place == "building" else ("网格", "Grid")
    return Table(
        f"repeats_{place}",
        (f"重复报事{where[0]}", f"Repeat {where[1].lower()}s"),
        (
            Column("name", *where),
            Column("code", "编码", "Code"),
            Column("category", "分类", "Category"),
            N,
            Column("first", "首次", "First"),
            Column("last", "最近", "Latest"),
        ),
        tuple(
            (
                r.get("name") or r["code"],
                r["code"],
                label(CATEGORIES, r["category"], lang),
                r["n"],
                when(r.get("first"), tz),
                when(r.get("last"), tz),
            )
            for r in rows
        ),
        period,
        links=tuple(href(r.get("filter")) for r in rows),
    )


def alarms(data: Row, period: str, lang: str) -> Table:
    kinds = list(data.get("kinds", []))
    days = list(data.get("days", []))
    cols = [Column("day", "日期", "Day")] + [
        Column(
            k["kind"], label(CATEGORIES, k["kind"], "zh"), label(CATEGORIES, k["kind"], "en"), "int"
        )
        for k in kinds
    ]
    per = [{d["day"]: d["n"] for d in k["days"]} for k in kinds]
    return Table(
        "alarms",
        ("感知告警逐日", "Sensor alarms per day"),
        tuple(cols),
        tuple((d, *[p.get(d, 0) for p in per]) for d in days),
        period,
    )


def crowd(rows: Sequence[Row], period: str, lang: str, tz: str) -> Table:
    return Table(
        "crowd_peaks",
        ("人流峰值", "Crowd peaks"),
        (
            Column("zone", "区域", "Zone"),
            Column("peak", "峰值人数", "Peak (people)", "int"),
            Column("capacity", "承载量", "Capacity", "int"),
            Column("share", "占承载量", "Of capacity", "share"),
            Column("at", "峰值时间", "At"),
        ),
        tuple(
            (
                name_of(r, lang),
                r.get("peak"),
                r.get("capacity"),
                r.get("share_of_capacity"),
                when(r.get("at"), tz),
            )
            for r in rows
        ),
        period,
        links=tuple(href(r.get("filter")) for r in rows),
    )


def patrols(data: Row, period: str, lang: str) -> Table:
    """Coverage per grid, least covered first (the grids to chase)."""
    cov = data["coverage"]
    fresh = data.get("fresh", {})
    rows = sorted(
        cov["grids"],
        key=lambda r: (r["coverage"] if r["coverage"] is not None else 2, r["grid"]),
    )
    return Table(
        "patrols",
        ("巡查覆盖", "Patrol coverage"),
        (
            Column("name", "网格", "Grid"),
            Column("code", "编码", "Code"),
            Column("buildings", "楼幢数", "Buildings", "int"),
            Column("visited", "走访楼幢", "Visited", "int"),
            Column("coverage", "覆盖率", "Coverage", "share"),
            Column("checkins", "打卡次数", "Check-ins", "int"),
            Column("issues", "发现问题", "Issues found", "int"),
            Column("days_without", "无巡查天数", "Days without", "int"),
            # building data freshness now (DOMAIN.md's three colours)
            Column("fresh_green", "半年内更新", "Updated within 6 months", "int"),
            Column("fresh_yellow", "超半年未更新", "Not for 6 months", "int"),
            Column("fresh_red", "从未更新", "Never updated", "int"),
        ),
        tuple(
            (
                name_of(r, lang),
                r["grid"],
                r["buildings"],
                r["visited"],
                r["coverage"],
                r["checkins"],
                r["issues"],
                r["days_without"],
                *(fresh.get(r["grid"], {}).get(c, 0) for c in ("green", "yellow", "red")),
            )
            for r in rows
        ),
        period,
        note=(
            f"覆盖率 {_pct(cov['coverage'])}，打卡 {cov['checkins']} 次",
            f"Coverage {_pct(cov['coverage'])}, {cov['checkins']} check-ins",
        ),
        links=tuple(href(r.get("filter")) for r in rows),
    )


def no_patrol(data: Row, period: str, lang: str) -> Table:
    grids = {r["grid"]: r for r in data["coverage"]["grids"]}
    codes = list(data["coverage"]["no_patrol"])
    return Table(
        "no_patrol",
        ("无巡查网格", "Grids with no patrol"),
        (
            Column("name", "网格", "Grid"),
            Column("code", "编码", "Code"),
            Column("buildings", "楼幢数", "Buildings", "int"),
        ),
        tuple((name_of(grids[c], lang), c, grids[c]["buildings"]) for c in codes),
        period,
        links=tuple(href(grids[c].get("filter")) for c in codes),
    )


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{v * 100:.1f}%"
