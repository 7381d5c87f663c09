"""Downloads of the figures' tables: one table as CSV or Excel, or every table in one
workbook, for a period given as on the page (``?period=last_month&lang=en``)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Connection

from dashboard.auth import VIEW, allowed
from dashboard.figures import catalog, data
from dashboard.i18n import lang_of
from dashboard.services import Services
from feeds.clock import now_ms
from feeds.stats.period import Period, parse
from layers.tabular import Table, file_name, to_csv, to_xlsx

DEFAULT_PERIOD = "this_month"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Asked:
    text: str  # the period as asked (preset name or dates)
    period: Period
    valid: bool  # False: the text was not a period, this is the default instead


def resolve(text: str | None, now: int, tz: str) -> Asked:
    """The period a page or a download asks for; a bad one falls back to this month."""
    t = (text or DEFAULT_PERIOD).strip()[:40]
    try:
        return Asked(t, parse(t, now, tz), True)
    except ValueError:
        return Asked(DEFAULT_PERIOD, parse(DEFAULT_PERIOD, now, tz), False)


def section_tables(conn: Connection, section: str, p: Period, now: int, lang: str) -> list[Table]:
    d = data.fetch(conn, section, p, now)
    return catalog.tables(section, d, catalog.period_label(p, lang), lang, p.tz)


def all_tables(conn: Connection, p: Period, now: int, lang: str) -> list[Table]:
    out: list[Table] = []
    for section in dict.fromkeys(catalog.TABLE_SECTION.values()):
        out.extend(section_tables(conn, section, p, now, lang))
    return out


def _download(body: bytes, media: str, name: str) -> Response:
    return Response(
        body,
        media_type=media,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def install(server: FastAPI, services: Services) -> None:
    tz = services.settings.timezone

    @server.get("/api/figures/table/{key}.{ext}", response_model=None)
    def one_table(key: str, ext: str, period: str = "", lang: str = "zh") -> Response:
        if not allowed(*VIEW):
            return JSONResponse({"error": "your role may not open this"}, status_code=403)
        if key not in catalog.TABLE_SECTION or ext not in ("csv", "xlsx"):
            return JSONResponse({"error": f"no table {key}.{ext}"}, status_code=404)
        now = now_ms()
        asked = resolve(period, now, tz)
        if not asked.valid:
            return JSONResponse({"error": f"not a period: {period!r}"}, status_code=400)
        with services.engine.connect() as conn:
            tables = section_tables(
                conn, catalog.TABLE_SECTION[key], asked.period, now, lang_of(lang)
            )
        table = next(t for t in tables if t.key == key)
        name = file_name(key, catalog.period_key(asked.period), ext)
        if ext == "csv":
            return _download(to_csv(table), CSV_TYPE, name)
        return _download(to_xlsx([table]), XLSX_TYPE, name)

    @server.get("/api/figures/all.xlsx", response_model=None)
    def every_table(period: str = "", lang: str = "zh") -> Response:
        if not allowed(*VIEW):
            return JSONResponse({"error": "your role may not open this"}, status_code=403)
        now = now_ms()
        asked = resolve(period, now, tz)
        if not asked.valid:
            return JSONResponse({"error": f"not a period: {period!r}"}, status_code=400)
        with services.engine.connect() as conn:
            tables = all_tables(conn, asked.period, now, lang_of(lang))
        name = file_name("all", catalog.period_key(asked.period), "xlsx")
        return _download(to_xlsx(tables), XLSX_TYPE, name)
