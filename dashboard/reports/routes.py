"""HTTP routes for reports: the list with status, asking for one, the kept files, and the
printable daily report made on the spot."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from dashboard.auth import VIEW, allowed, current_user
from dashboard.reports import jobs, making
from dashboard.reports.pdf import PdfError
from dashboard.services import Services
from feeds import reports as store
from feeds.clock import now_ms

MAKERS = ("leader", "admin")  # who may ask for a report (officers read them)
TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _refuse() -> JSONResponse:
    return JSONResponse({"error": "your role may not open this"}, status_code=403)


def ask_of(form: dict[str, Any]) -> making.Ask:
    """A report asked for by a form or JSON body: kind daily (date), grid (month, area)
    or period (first, last). ValueError with the reason when it does not add up."""
    kind = str(form.get("kind", ""))
    if kind == "daily":
        return making.daily(date.fromisoformat(str(form.get("date", ""))))
    if kind == "grid":
        month, area = str(form.get("month", "")), str(form.get("area", "")).strip()
        if not area:
            raise ValueError("a grid report needs an area (grid, community or street code)")
        return making.grid_month(month, area)
    if kind == "period":
        first = date.fromisoformat(str(form.get("first", "")))
        last = date.fromisoformat(str(form.get("last", "")))
        if last < first:
            raise ValueError("the period ends before it starts")
        if (last - first).days > 400:
            raise ValueError("a period report covers at most 400 days")
        return making.Ask("period", first=first, last=last)
    raise ValueError(f"unknown report kind {kind!r} (daily, grid or period)")


def install(server: FastAPI, services: Services, runner: jobs.Runner | None) -> None:
    engine, settings = services.engine, services.settings

    @server.get("/api/reports", response_model=None)
    def listing() -> Response:
        if not allowed(*VIEW):
            return _refuse()
        with engine.connect() as conn:
            rows = store.listing(conn)
        return JSONResponse({"reports": rows})

    @server.post("/api/reports", response_model=None)
    async def ask(request: Request) -> Response:
        if not allowed(*MAKERS):
            return _refuse()
        if request.headers.get("content-type", "").startswith("application/json"):
            body = await request.json()
        else:
            body = dict(await request.form())
        try:
            a = ask_of(body if isinstance(body, dict) else {})
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        user = current_user()
        queued = jobs.ask(engine, a, user.username if user else "?", now_ms(), again=True)
        if runner is not None:
            runner.wake.set()
        return JSONResponse({"id": a.report_id, "queued": queued}, status_code=202)

    @server.get("/api/reports/file/{fmt}", response_model=None)
    def kept(fmt: str, id: str) -> Response:
        if not allowed(*VIEW):
            return _refuse()
        if fmt not in TYPES:
            return JSONResponse({"error": f"no format {fmt!r}"}, status_code=404)
        with engine.connect() as conn:
            body = store.file_of(conn, id, fmt)
        if body is None:
            return JSONResponse({"error": f"no {fmt} of report {id!r}"}, status_code=404)
        name = f"{id.replace(':', '-')}.{fmt}"
        disposition = "inline" if fmt in ("html", "pdf") else "attachment"
        return Response(
            body,
            media_type=TYPES[fmt],
            headers={
                "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}",
                "Cache-Control": "private, no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )

    @server.get("/reports/print/daily/{day}", response_model=None)
    def print_daily(day: str, format: str = "html") -> Response:
        """The day's printable report, made now (not kept): HTML to print, or its PDF."""
        if not allowed(*VIEW):
            return _refuse()
        try:
            a = making.daily(date.fromisoformat(day))
        except ValueError:
            return JSONResponse({"error": f"not a date: {day!r}"}, status_code=400)
        fmt = "pdf" if format == "pdf" else "html"
        try:
            made = making.make(engine, settings, a, now_ms(), formats=(fmt,))
        except PdfError as exc:
            return JSONResponse({"error": str(exc)}, status_code=503)
        if fmt == "html":
            return HTMLResponse(made.files["html"])
        return Response(made.files["pdf"], media_type=TYPES["pdf"])
