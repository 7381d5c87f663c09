"""QR code sheets of an area's buildings: the admin route, its box on the admin page, and
what the CLI calls (`watchfloor qr-sheet AREA_CODE --out FILE.pdf`)."""

from __future__ import annotations

from html import escape
from typing import Final
from urllib.parse import quote

from dash import dcc, html
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import Engine

from dashboard import console
from dashboard.reports.pdf import PdfError, html_to_pdf
from dashboard.services import Services
from feeds import building_lists
from feeds.settings import Settings
from layers.qrlabels import Label, Sheet, sheet_html

PATH: Final = "/admin/qr-sheet"
FORMATS: Final = ("pdf", "html")
# A sheet for more than this many buildings is refused: ~480 A4 pages, and minutes of
# printing. Print streets one community at a time.
MAX_LABELS: Final = 10_000


class NoSheet(ValueError):
    """The area is unknown, empty of buildings or too large; the message says which."""


def form_url(base: str, code: str) -> str:
    """The residents' form of one address (dashboard/resident/form.py: /r/<code>)."""
    return f"{base.rstrip('/')}/r/{quote(code, safe='')}"


def make_sheet(engine: Engine, area_code: str, base: str) -> Sheet:
    with engine.connect() as conn:
        where = building_lists.area(conn, area_code)
        if where is None:
            raise NoSheet(f"no area with the code {area_code!r} / 未找到该区域编码")
        found = building_lists.buildings_under(conn, area_code)
    if not found:
        raise NoSheet(f"no buildings in {where.name} {where.code} / 该区域没有楼幢")
    if len(found) > MAX_LABELS:
        raise NoSheet(
            f"{where.name} has {len(found):,} buildings, more than {MAX_LABELS:,} on one sheet: "
            "print its communities one at a time / 楼幢过多，请按社区分别打印"
        )
    labels = tuple(
        Label(
            code=b.code,
            address=b.name,
            place=" · ".join(x for x in (b.community_name, b.grid_name) if x),
            url=form_url(base, b.code),
        )
        for b in found
    )
    return Sheet(title=f"{where.name} {where.code}", labels=labels)


def render(sheet: Sheet, fmt: str, chromium: str) -> bytes:
    page = sheet_html(sheet)
    return html_to_pdf(page, chromium) if fmt == "pdf" else page.encode("utf-8")


def base_of(settings: Settings, reached_at: str) -> str:
    """Where residents' phones reach the forms: the configured public address, else the
    address this page was reached at."""
    return settings.public_url or reached_at.rstrip("/")


def box() -> html.Form:
    """The admin page's box: an area code, then the sheet as PDF or printable HTML."""
    return html.Form(
        [
            html.H2(console.bi(("楼幢二维码", "Building QR codes"))),
            html.Label(
                [
                    console.bi(("街道或社区编码", "Street or community code")),
                    html.Br(),
                    dcc.Input(id="adm-qr-area", name="area", required=True, maxLength=64),
                ]
            ),
            html.Button(
                console.bi(("打印 PDF", "PDF to print")),
                id="adm-qr-pdf",
                name="format",
                value="pdf",
                type="submit",
                className="wf-btn",
            ),
            html.Button(
                console.bi(("网页版", "Printable page")),
                id="adm-qr-html",
                name="format",
                value="html",
                type="submit",
                className="wf-btn",
            ),
        ],
        action=PATH,
        method="GET",
        target="_blank",
        className="wf-admin-box",
    )


def install(server: FastAPI, services: Services) -> None:
    @server.get(PATH, response_model=None)
    def qr_sheet(request: Request, area: str = "", format: str = "pdf") -> Response:
        # admin only: the gate refuses /admin... to every other role (auth/rules.py)
        if format not in FORMATS:
            return JSONResponse({"error": f"format is pdf or html, not {format!r}"}, 400)
        try:
            sheet = make_sheet(
                services.engine, area.strip(), base_of(services.settings, str(request.base_url))
            )
            body = render(sheet, format, services.settings.chromium)
        except NoSheet as exc:
            return HTMLResponse(
                f"<!doctype html><meta charset='utf-8'><p role='alert'>{escape(str(exc))}</p>", 404
            )
        except PdfError as exc:
            return JSONResponse({"error": str(exc)}, status_code=503)
        if format == "html":
            return HTMLResponse(body)
        name = quote(f"qr-{area.strip()}.pdf")
        return Response(
            body,
            media_type="application/pdf",
            headers={"Content-Disposition": f"inline; filename*=UTF-8''{name}"},
        )

