"""Making a report: read the figures, lay out the document, print it to PDF, put its
tables in a workbook. Used by `watchfloor report`, the reports page and the scheduler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine

from dashboard.figures import catalog, data
from dashboard.figures.words import w
from dashboard.reports import documents
from dashboard.reports.pdf import html_to_pdf
from feeds import queries
from feeds.settings import Settings
from feeds.stats.period import Period
from layers.printed import Chapter, Document, render
from layers.tabular import Table, to_xlsx

Progress = Callable[[int, str], None]
FORMATS: Final = ("html", "pdf", "xlsx")
DAILY_SECTIONS: Final = (
    "headline",
    "counts",
    "time",
    "compliance",
    "closure",
    "supervision",
    "units",
    "satisfaction",
    "repeats",
    "sensors",
    "patrols",
)
GRID_SECTIONS: Final = ("headline", "counts", "compliance", "repeats", "patrols", "satisfaction")
FOOTNOTE: Final = "演示数据 · 合成网格。统计口径见 docs/figures.md；表格完整数据见同名 Excel 文件。"


@dataclass(frozen=True)
class Ask:
    """What report: ``daily`` for a date, ``grid`` for a month and an area (a grid, or a
    community or street: one chapter per grid), ``period`` for any range of dates."""

    kind: str
    day: date | None = None
    month: date | None = None  # the 1st
    area: str = ""
    first: date | None = None
    last: date | None = None

    @property
    def report_id(self) -> str:
        if self.kind == "daily" and self.day:
            return f"daily:{self.day.isoformat()}"
        if self.kind == "grid" and self.month:
            return f"grid:{self.month:%Y-%m}:{self.area}"
        return f"period:{self.first}_{self.last}"

    def params(self) -> dict[str, str]:
        out = {"kind": self.kind}
        for k in ("day", "month", "first", "last"):
            v = getattr(self, k)
            if v is not None:
                out[k] = v.isoformat()
        if self.area:
            out["area"] = self.area
        return out

    @classmethod
    def of(cls, params: dict[str, str]) -> Ask:
        def d(k: str) -> date | None:
            return date.fromisoformat(params[k]) if params.get(k) else None

        return cls(
            params["kind"], d("day"), d("month"), params.get("area", ""), d("first"), d("last")
        )

    def period(self, tz: str) -> Period:
        if self.kind == "daily" and self.day:
            return Period.days(self.day, self.day, tz)
        if self.kind == "grid" and self.month:
            nxt = (self.month + timedelta(days=32)).replace(day=1)
            return Period.days(self.month, nxt - timedelta(days=1), tz)
        if self.first and self.last:
            return Period.days(self.first, self.last, tz)
        raise ValueError(f"report {self.kind!r} needs its dates")


def daily(day: date) -> Ask:
    return Ask("daily", day=day)


def grid_month(month: str, area: str) -> Ask:
    first = date.fromisoformat(month + "-01")
    return Ask("grid", month=first, area=area)


def title_of(ask: Ask, area_name: str = "") -> str:
    if ask.kind == "daily":
        return "城市运行日报"
    if ask.kind == "grid":
        return f"网格月度研判报告 · {area_name or ask.area}"
    return "城市运行统计报告"


@dataclass(frozen=True)
class Made:
    title: str
    files: dict[str, bytes]
    tables: list[Table]


def _nothing(_pct: int, _step: str) -> None:
    return None


def make(
    engine: Engine,
    settings: Settings,
    ask: Ask,
    now: int,
    formats: tuple[str, ...] = FORMATS,
    progress: Progress = _nothing,
) -> Made:
    """The report's files (html, pdf, xlsx as asked) and the tables they hold."""
    tz = settings.timezone
    p = ask.period(tz)
    label = catalog.period_label(p)
    chapters: list[Chapter] = []
    tables: list[Table] = []
    area_name = ""
    with engine.connect() as conn:
        if ask.kind in ("daily", "period"):
            parts = {}
            for i, section in enumerate(DAILY_SECTIONS):
                progress(5 + 60 * i // len(DAILY_SECTIONS), f"读取 {section}")
                parts[section] = data.fetch(conn, section, p, now)
                tables.extend(catalog.tables(section, parts[section], label, "zh", tz))
            chapters.append(documents.daily_chapter(parts, label, tz))
        elif ask.kind == "grid":
            grids = grids_of(conn, ask.area)
            if not grids:
                raise ValueError(f"no grid in area {ask.area!r}")
            area_name = queries.area_names(conn, [ask.area]).get(ask.area, ask.area)
            for i, (code, name) in enumerate(grids):
                progress(5 + 60 * i // len(grids), f"网格 {name}")
                gp = p.within(code)
                parts = {s: data.fetch(conn, s, gp, now) for s in GRID_SECTIONS}
                chapters.append(documents.grid_chapter(name, code, parts, label, tz))
                for s in ("counts", "compliance", "repeats", "patrols"):
                    for t in catalog.tables(s, parts[s], f"{label} · {name}", "zh", tz):
                        tables.append(t)
        else:
            raise ValueError(f"unknown report kind {ask.kind!r}")
    made_at = datetime.fromtimestamp(now / 1000, ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")
    title = title_of(ask, area_name)
    doc = Document(
        title=title,
        district=w("district", "zh"),
        period=label,
        made_at=f"生成时间 {made_at}",
        chapters=tuple(chapters),
        footnote=FOOTNOTE,
        meta={"report": ask.report_id},
    )
    html = render(doc)
    files: dict[str, bytes] = {}
    if "html" in formats:
        files["html"] = html.encode("utf-8")
    if "pdf" in formats:
        progress(75, "打印 PDF")
        files["pdf"] = html_to_pdf(html, settings.chromium)
    if "xlsx" in formats:
        progress(92, "导出 Excel")
        files["xlsx"] = to_xlsx(tables)
    return Made(title, files, tables)


def grids_of(conn: Connection, area: str) -> list[tuple[str, str]]:
    """The grids of an area code (a grid itself, or those of a community or street)."""
    depth = area.count("-")
    if depth >= 2:
        names = queries.area_names(conn, [area])
        return [(area, names[area])] if area in names else []
    communities = (
        [area] if depth == 1 else [c["code"] for c in queries.area_options(conn, "community", area)]
    )
    out: list[tuple[str, str]] = []
    for community in communities:
        out.extend((g["code"], g["name"]) for g in queries.area_options(conn, "grid", community))
    return out
