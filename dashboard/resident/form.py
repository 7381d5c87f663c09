"""The report form behind a building's QR code: the page, and what its post becomes."""

from __future__ import annotations

import asyncio
import re
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dashboard import plain
from dashboard.auth import CSRF_COOKIE, sessions_of
from dashboard.services import Services
from feeds import producer, queries, trackings
from feeds.schemas import InvalidEntry
from feeds.vocab import CATEGORIES, REPORT_KINDS

RESIDENT_KINDS: Final = ("complaint", "enquiry", "suggestion")
RESIDENT_CATEGORIES: Final = tuple(list(CATEGORIES)[:10])  # the ten residents report
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")
CONTACT = re.compile(r"^\+?[0-9 \-]{5,20}$")


class Refused(Exception):
    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


def _options(table: dict[str, tuple[str, str]], codes: tuple[str, ...], chosen: str) -> str:
    return "".join(
        f"<option value='{c}'{' selected' if c == chosen else ''}>"
        f"{plain.esc(table[c][0])} {plain.esc(table[c][1])}</option>"
        for c in codes
    )


def form_page(
    request: Request,
    place: dict[str, Any],
    error: str = "",
    status: int = 200,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    v = values or {}
    cookie, token = sessions_of(request).form_token(request.cookies.get(CSRF_COOKIE))
    kind = v.get("kind", "complaint")
    kinds = "".join(
        f"<label><input type='radio' name='kind' value='{k}'{' checked' if k == kind else ''}>"
        f" {plain.bi(*REPORT_KINDS[k])}</label>"
        for k in RESIDENT_KINDS
    )
    where = " · ".join(
        plain.esc(place[f"{lv}_name"])
        for lv in ("street", "community", "grid")
        if place.get(f"{lv}_name")
    )
    err = f"<p class='error' role='alert' id='form-error'>{plain.esc(error)}</p>" if error else ""
    categories = _options(CATEGORIES, RESIDENT_CATEGORIES, v.get("category", ""))
    contact = plain.esc(v.get("contact", ""))
    body = f"""
<h1>我要反映 <span class="en">Report a problem</span></h1>
<p class="muted">{plain.esc(place["name"])}<br>{where}</p>
{err}
<form method="post" enctype="multipart/form-data" action="/r/{plain.esc(place["code"])}">
<input type="hidden" name="csrf" value="{plain.esc(token)}">
<fieldset><legend>类型 <span class="en">Type</span></legend>{kinds}</fieldset>
<label for="category">事项分类 <span class="en">Category</span></label>
<select id="category" name="category">{categories}</select>
<label for="text">情况描述 <span class="en">What is happening</span></label>
<textarea id="text" name="text" maxlength="2000" required>{plain.esc(v.get("text", ""))}</textarea>
<label for="photos">{plain.bi("照片（最多3张，每张≤5 MB）", "Photos: up to 3, 5 MB each")}
</label>
<input id="photos" name="photos" type="file" accept="image/jpeg,image/png,image/webp" multiple>
<label for="contact">联系电话（选填） <span class="en">Phone (optional)</span></label>
<input id="contact" name="contact" type="tel" maxlength="20" value="{contact}">
<button type="submit" id="report-submit">提交 <span class="en">Send</span></button>
</form>"""
    resp = HTMLResponse(plain.page("我要反映 Report", body), status_code=status)
    resp.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="lax", max_age=86400)
    return resp


def not_found(what_zh: str, what_en: str) -> HTMLResponse:
    return HTMLResponse(plain.message("未找到 Not found", what_zh, what_en), status_code=404)


def field_text(form: Any, name: str, limit: int) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def install(server: FastAPI, services: Services) -> None:
    from dashboard.resident import uploads

    def place_of(code: str) -> dict[str, Any] | None:
        if not CODE.match(code):
            return None
        with services.engine.connect() as conn:
            return queries.building_place(conn, code)

    @server.get("/r/{code}", response_class=HTMLResponse)
    async def report_form(request: Request, code: str) -> HTMLResponse:
        place = await asyncio.to_thread(place_of, code)
        if place is None:
            return not_found(
                "未找到该地址码", "Unknown address code: this QR code is not registered."
            )
        return form_page(request, place)

    @server.post("/r/{code}", response_model=None)
    async def report_submit(request: Request, code: str) -> Response:
        place = await asyncio.to_thread(place_of, code)
        if place is None:
            return not_found(
                "未找到该地址码", "Unknown address code: this QR code is not registered."
            )
        if int(request.headers.get("content-length") or 0) > uploads.MAX_BODY:
            return form_page(
                request, place, "照片总大小超出限制 / the photos are too large in total", 413
            )
        form = await request.form(max_files=10, max_fields=20)
        values = {k: field_text(form, k, 2000) for k in ("kind", "category", "text", "contact")}
        try:
            if not sessions_of(request).form_ok(
                request.cookies.get(CSRF_COOKIE), field_text(form, "csrf", 500)
            ):
                raise Refused(
                    403, "表单已过期，请重新提交 / the form expired, please send it again"
                )
            if (
                values["kind"] not in RESIDENT_KINDS
                or values["category"] not in RESIDENT_CATEGORIES
            ):
                raise Refused(400, "请选择类型和分类 / choose a type and a category")
            if not values["text"]:
                raise Refused(400, "请填写情况描述 / please describe the problem")
            if values["contact"] and not CONTACT.match(values["contact"]):
                raise Refused(400, "电话号码格式不正确 / the phone number is not valid")
            client = uploads.client_key(request.cookies.get(CSRF_COOKIE))
            source = request.client.host if request.client else ""
            wait = await asyncio.to_thread(uploads.over_limit, services, client, source)
            if wait:
                minutes = max(1, (wait + 59) // 60)
                raise Refused(
                    429,
                    f"提交过于频繁，请{minutes}分钟后再试 / "
                    f"too many reports from this phone or network; try again in {minutes} min",
                    retry_after=wait,
                )
            photos = await request.app.state.photos.store(form, services.settings.var_dir)
            rep = producer.report(
                source="qr",
                kind=values["kind"],
                category=values["category"],
                address=place["code"],
                text=values["text"],
                photos=tuple(photos),
                contact=values["contact"] or None,
                reporter="居民 resident",
                # the form's own system, should it send a position: a browser's
                # geolocation is WGS-84 (docs/feeds.md, `crs`)
                crs="wgs84",
            )
        except Refused as exc:
            refused = form_page(request, place, str(exc), exc.status, values)
            if exc.retry_after:
                refused.headers["Retry-After"] = str(exc.retry_after)
            return refused
        except InvalidEntry as exc:
            return form_page(request, place, f"无法提交 / cannot send: {exc}", 400, values)
        finally:
            await form.close()

        def send() -> str:
            with services.engine.begin() as conn:  # the number first: the page works at once
                number = trackings.new_number(conn, rep.id)
            producer.send_report(services.redis, services.settings, rep)
            return number

        number = await asyncio.to_thread(send)
        # Post/redirect/get: the browser lands on the progress page by a GET, so reloading
        # it (or coming back to it) never sends the report a second time.
        return RedirectResponse(f"/t/{number}?sent=1", status_code=303)
