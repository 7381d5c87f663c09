"""Following a report: its progress page and the resident's 1-5 rating."""

from __future__ import annotations

import asyncio
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dashboard import plain
from dashboard.auth import CSRF_COOKIE, sessions_of
from dashboard.files import media_response
from dashboard.resident import progress
from dashboard.resident.form import field_text, not_found
from dashboard.services import Services
from feeds import producer, queries, trackings

REFRESH_S: Final = 10
Found = tuple[dict[str, Any] | None, int | None, dict[str, Any] | None]


def _registering(refresh: str, number: str, sent: bool) -> HTMLResponse:
    # Just sent: the worker applies it within a second or two. The number is shown already,
    # so that the resident can note it down at once.
    body = f"""
<h1>办理进度 <span class="en">Progress</span></h1>
{progress.sent_note() if sent else ""}{progress.number_block(number)}
<p id="registering">{plain.bi("正在登记，请稍候…", "Being registered: this page refreshes.")}</p>"""
    return HTMLResponse(plain.page("办理进度 Progress", body, refresh), status_code=202)


def _unknown() -> HTMLResponse:
    return not_found("未找到该编号", "Unknown tracking number.")


def install(server: FastAPI, services: Services) -> None:
    def load(number: str) -> Found | None:
        """(the incident or None while it is being registered, the rating sent, the place of
        its address) or None."""
        with services.engine.connect() as conn:
            found = trackings.lookup(conn, number)
            if found is None:
                return None
            row = queries.incident(conn, found[0])
            address = row.get("address") if row else None
            place = queries.building_place(conn, address) if address else None
            return row, found[1], place

    @server.get("/t/{number}", response_class=HTMLResponse)
    async def track(request: Request, number: str, rated: int = 0, sent: int = 0) -> HTMLResponse:
        found = await asyncio.to_thread(load, number)
        refresh = f'<meta http-equiv="refresh" content="{REFRESH_S}">'
        if found is None:
            return _unknown()
        row, rating, place = found
        if row is None:
            return _registering(refresh, number, bool(sent))
        if row.get("rating") is None and rating is not None:
            row = {**row, "rating": rating}  # sent, not yet applied: shown as given
        final = row["state"] in ("closed", "rejected", "merged") and (
            row["rating"] is not None or row["state"] != "closed"
        )
        cookie, token = sessions_of(request).form_token(request.cookies.get(CSRF_COOKIE))
        body = progress.status_page(
            row,
            number,
            services.settings.timezone,
            (cookie, token),
            bool(rated),
            place=place,
            sent=bool(sent),
        )
        head = "" if final or row["state"] == "resolved" else refresh
        resp = HTMLResponse(plain.page("办理进度 Progress", body, head))
        resp.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="lax", max_age=86400)
        return resp

    @server.get("/t/{number}/photo/{ref}", response_model=None)
    async def photo(number: str, ref: str) -> Response:
        """A photo of this report only: the tracking number is the resident's key to it."""
        found = await asyncio.to_thread(load, number)
        if found is None or found[0] is None or ref not in progress.photo_refs(found[0]):
            return _unknown()
        return media_response(services.settings.var_dir, ref)

    @server.post("/t/{number}/rate", response_model=None)
    async def rate(request: Request, number: str) -> Response:
        found = await asyncio.to_thread(load, number)
        if found is None or found[0] is None:
            return _unknown()
        row = found[0]
        form = await request.form(max_files=0, max_fields=10)
        ok = sessions_of(request).form_ok(
            request.cookies.get(CSRF_COOKIE), field_text(form, "csrf", 500)
        )
        rating = field_text(form, "rating", 2)
        if not ok or rating not in {"1", "2", "3", "4", "5"}:
            return HTMLResponse(
                plain.message(
                    "评价 Rating", "请选择1-5星后重新提交", "Choose 1 to 5 stars and send again."
                ),
                status_code=400,
            )
        act = producer.action(
            row["id"],
            "rate",
            "resident",
            id=trackings.rate_action_id(row["id"]),
            rating=int(rating),
            note=field_text(form, "comment", 500),
        )

        def claim() -> bool:
            if row["state"] not in ("resolved", "closed") or row["rating"] is not None:
                return False
            with services.engine.begin() as conn:
                if not trackings.claim_rating(conn, number, int(rating)):
                    return False
            producer.send_action(services.redis, services.settings, act)
            return True

        if not await asyncio.to_thread(claim):
            return HTMLResponse(
                plain.message(
                    "评价 Rating",
                    "该事项已评价或当前不能评价",
                    "This report is rated already, or cannot be rated now.",
                ),
                status_code=409,
            )
        return RedirectResponse(f"/t/{number}?rated=1", status_code=303)
