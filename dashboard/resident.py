"""The residents' pages, reached from a building's QR code: report, then follow it and rate it.

Plain server-rendered HTML (phone-sized, no JavaScript needed). The address code in the
URL fixes the place; a report goes to the `reports` stream like any other producer's.
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from dashboard import plain
from dashboard.auth import CSRF_COOKIE, sessions_of
from dashboard.services import Services
from feeds import constants as K
from feeds import media, producer, queries
from feeds.schemas import InvalidEntry
from feeds.vocab import ACTIONS, CATEGORIES, REPORT_KINDS, STATES

RESIDENT_KINDS: Final = ("complaint", "enquiry", "suggestion")
RESIDENT_CATEGORIES: Final = tuple(list(CATEGORIES)[:10])  # the ten residents report
RATE_LIMIT: Final = 5  # reports per address
RATE_WINDOW_S: Final = 600
REFRESH_S: Final = 10
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")
TRACKING = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,79}$")
CONTACT = re.compile(r"^\+?[0-9 \-]{5,20}$")
STEPS: Final = (
    ("reported_at", "report"),
    ("accepted_at", "accept"),
    ("dispatched_at", "dispatch"),
    ("on_site_at", "arrive"),
    ("resolved_at", "resolve"),
    ("closed_at", "close"),
)


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _when(ms: int | None, tz: str) -> str:
    if ms is None:
        return ""
    return datetime.fromtimestamp(ms / 1000, ZoneInfo(tz)).strftime("%m-%d %H:%M:%S")


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


def _text(form: Any, name: str, limit: int) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


async def _photos(form: Any, services: Services) -> list[str]:
    files = [f for f in form.getlist("photos") if isinstance(f, UploadFile) and f.filename]
    if len(files) > media.MAX_PHOTOS:
        raise Refused(400, "最多3张照片 / at most three photos")
    blobs = []
    for f in files:
        data = await f.read(media.MAX_BYTES + 1)
        if len(data) > media.MAX_BYTES:
            raise Refused(
                413, f"照片“{f.filename}”超过 5 MB / photo {f.filename!r} is larger than 5 MB"
            )
        blobs.append((f.filename, data))
    refs = []
    for name, data in blobs:
        try:
            media.check_image(data)
        except media.BadUpload as exc:
            raise Refused(415, f"{name}: {exc}") from exc
    for _name, data in blobs:
        refs.append(await asyncio.to_thread(media.save_image, data, services.settings.var_dir))
    return refs


def _over_limit(services: Services, address: str) -> bool:
    key = services.settings.key(K.K_RATE + address)
    pipe = services.redis.pipeline(transaction=True)
    pipe.incr(key)
    pipe.expire(key, RATE_WINDOW_S, nx=True)
    count, _ = pipe.execute()
    return int(count) > RATE_LIMIT


def status_page(row: dict[str, Any], tz: str, csrf: tuple[str, str] | None, rated: bool) -> str:
    steps = []
    for column, action in STEPS:
        at = row.get(column)
        label = ACTIONS[action]
        cls = "done" if at else "todo"
        steps.append(
            f"<li class='{cls}' data-step='{action}'>{plain.esc(label[0])} "
            f"<span class='en'>{plain.esc(label[1])}</span>"
            f"<br><span class='muted'>{plain.esc(_when(at, tz))}</span></li>"
        )
    state = STATES.get(row["state"], (row["state"], row["state"]))
    extra = ""
    if row["state"] in ("rejected", "merged"):
        extra = (
            f"<p class='ok'>{plain.esc(state[0])} · {plain.esc(row.get('reject_reason') or '')}</p>"
        )
    if row.get("resolution"):
        extra += f"<p>办理结果 <span class='en'>Outcome</span>: {plain.esc(row['resolution'])}</p>"
    rating = ""
    if row.get("rating") is not None:
        stars = "★" * int(row["rating"])
        rating = f"<p class='ok' id='rated'>{plain.bi('您的评价', 'Your rating')}: {stars}</p>"
    elif rated:
        rating = (
            "<p class='ok' id='rated'>感谢您的评价 <span class='en'>Thank you for rating</span></p>"
        )
    elif row["state"] in ("resolved", "closed") and csrf is not None:
        stars = "".join(
            f"<label><input type='radio' name='rating' value='{n}' required> {n} {'★' * n}</label>"
            for n in range(5, 0, -1)
        )
        rating = f"""
<form method="post" action="/t/{plain.esc(row["id"])}/rate" id="rate-form">
<input type="hidden" name="csrf" value="{plain.esc(csrf[1])}">
<fieldset><legend>{plain.bi("满意度评价", "How satisfied are you?")}</legend>{stars}</fieldset>
<label for="comment">意见（选填） <span class="en">Comment (optional)</span></label>
<textarea id="comment" name="comment" maxlength="500"></textarea>
<button type="submit" id="rate-submit">提交评价 <span class="en">Send rating</span></button>
</form>"""
    return f"""
<h1>办理进度 <span class="en">Progress</span></h1>
<p>{plain.bi("受理编号", "Tracking number")}<br>
<span class="track" id="tracking">{plain.esc(row["id"])}</span></p>
<p id="state"><b>{plain.esc(state[0])}</b> <span class="en">{plain.esc(state[1])}</span></p>
<p class="muted" id="report-text">{plain.esc(row.get("text") or "")}</p>
<ol class="stages">{"".join(steps)}</ol>
{extra}{rating}"""


def install(server: FastAPI, services: Services) -> None:
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

    @server.post("/r/{code}", response_class=HTMLResponse)
    async def report_submit(request: Request, code: str) -> HTMLResponse:
        place = await asyncio.to_thread(place_of, code)
        if place is None:
            return not_found(
                "未找到该地址码", "Unknown address code: this QR code is not registered."
            )
        form = await request.form(max_files=10, max_fields=20)
        values = {k: _text(form, k, 2000) for k in ("kind", "category", "text", "contact")}
        try:
            if not sessions_of(request).form_ok(
                request.cookies.get(CSRF_COOKIE), _text(form, "csrf", 500)
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
            if await asyncio.to_thread(_over_limit, services, place["code"]):
                raise Refused(
                    429,
                    "提交过于频繁，请10分钟后再试 / "
                    "too many reports from this address; try again in 10 minutes",
                )
            photos = await _photos(form, services)
            rep = producer.report(
                source="qr",
                kind=values["kind"],
                category=values["category"],
                address=place["code"],
                text=values["text"],
                photos=tuple(photos),
                contact=values["contact"] or None,
                reporter="居民 resident",
            )
        except Refused as exc:
            return form_page(request, place, str(exc), exc.status, values)
        except InvalidEntry as exc:
            return form_page(request, place, f"无法提交 / cannot send: {exc}", 400, values)
        finally:
            await form.close()
        await asyncio.to_thread(producer.send_report, services.redis, services.settings, rep)
        body = f"""
<h1>已提交 <span class="en">Sent</span></h1>
<p class="ok">{plain.bi("感谢您的反映，我们会尽快处理。", "Thank you, we are on it.")}</p>
<p>{plain.bi("受理编号", "Tracking number")}<br>
<span class="track" id="tracking">{plain.esc(rep.id)}</span></p>
<p><a href="/t/{plain.esc(rep.id)}" id="track-link">
{plain.bi("查看办理进度", "Follow your report")}</a></p>"""
        return HTMLResponse(plain.page("已提交 Sent", body))

    def load(iid: str) -> dict[str, Any] | None:
        if not TRACKING.match(iid):
            return None
        with services.engine.connect() as conn:
            return queries.incident(conn, iid)

    @server.get("/t/{iid}", response_class=HTMLResponse)
    async def track(request: Request, iid: str, rated: int = 0) -> HTMLResponse:
        row = await asyncio.to_thread(load, iid)
        refresh = f'<meta http-equiv="refresh" content="{REFRESH_S}">'
        if row is None:
            # Just sent: the worker applies it within a second or two.
            return HTMLResponse(
                plain.message(
                    "办理进度 Progress",
                    "正在登记，请稍候…",
                    "Not found yet: if you have just sent it, this page refreshes by itself.",
                ).replace("<style>", refresh + "<style>", 1),
                status_code=404,
            )
        final = row["state"] in ("closed", "rejected", "merged") and (
            row["rating"] is not None or row["state"] != "closed"
        )
        cookie, token = sessions_of(request).form_token(request.cookies.get(CSRF_COOKIE))
        body = status_page(row, services.settings.timezone, (cookie, token), bool(rated))
        head = "" if final or row["state"] == "resolved" else refresh
        resp = HTMLResponse(plain.page("办理进度 Progress", body, head))
        resp.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="lax", max_age=86400)
        return resp

    @server.post("/t/{iid}/rate", response_model=None)
    async def rate(request: Request, iid: str) -> Response:
        row = await asyncio.to_thread(load, iid)
        if row is None:
            return not_found("未找到该编号", "Unknown tracking number.")
        form = await request.form(max_files=0, max_fields=10)
        ok = sessions_of(request).form_ok(
            request.cookies.get(CSRF_COOKIE), _text(form, "csrf", 500)
        )
        rating = _text(form, "rating", 2)
        if not ok or rating not in {"1", "2", "3", "4", "5"}:
            return HTMLResponse(
                plain.message(
                    "评价 Rating", "请选择1-5星后重新提交", "Choose 1 to 5 stars and send again."
                ),
                status_code=400,
            )
        if row["state"] not in ("resolved", "closed") or row["rating"] is not None:
            return HTMLResponse(
                plain.message(
                    "评价 Rating", "该事项当前不能评价", "This report cannot be rated now."
                ),
                status_code=409,
            )
        act = producer.action(
            iid, "rate", "resident", rating=int(rating), note=_text(form, "comment", 500)
        )
        await asyncio.to_thread(producer.send_action, services.redis, services.settings, act)
        return RedirectResponse(f"/t/{iid}?rated=1", status_code=303)
