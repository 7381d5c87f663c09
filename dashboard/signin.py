"""Sign in and out: a plain HTML form (works without JavaScript) that sets the session cookie."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dashboard import plain
from dashboard.auth import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    SESSION_S,
    cookie_header,
    safe_next,
    sessions_of,
)
from dashboard.services import Services
from feeds import signins
from feeds.clock import now_ms
from feeds.sessions import close_session, open_session, prune
from feeds.users import User, authenticate

HOME = {"wall": "/", "officer": "/incidents", "leader": "/incidents", "admin": "/incidents"}


def _form(request: Request, target: str, error: str = "", status: int = 200) -> HTMLResponse:
    cookie, token = sessions_of(request).form_token(request.cookies.get(CSRF_COOKIE))
    err = f"<p class='error' role='alert'>{plain.esc(error)}</p>" if error else ""
    body = f"""
<h1>watchfloor · 登录 <span class="en">Sign in</span></h1>
{err}
<form method="post" action="/login">
<input type="hidden" name="csrf" value="{plain.esc(token)}">
<input type="hidden" name="next" value="{plain.esc(target)}">
<label for="username">用户名 <span class="en">Username</span></label>
<input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">密码 <span class="en">Password</span></label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="login-submit">登录 <span class="en">Sign in</span></button>
</form>"""
    resp = HTMLResponse(plain.page("watchfloor · 登录 Sign in", body), status_code=status)
    resp.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="lax", max_age=86400)
    return resp


def _locked(request: Request, target: str, lock: signins.Lock, tz: str) -> HTMLResponse:
    wait_s = max(1, (lock.until - now_ms() + 999) // 1000)
    at = datetime.fromtimestamp(lock.until / 1000, ZoneInfo(tz)).strftime("%H:%M:%S")
    minutes = max(1, (wait_s + 59) // 60)
    who = (
        ("此地址", "from this address")
        if lock.scope == "address"
        else ("该账号", "for this account")
    )
    resp = _form(
        request,
        target,
        f"{who[0]}登录失败次数过多，请在 {at} 之后重试（约 {minutes} 分钟）"
        f" / Too many failed sign-ins {who[1]}: try again after {at} (in about {minutes} min)",
        429,
    )
    resp.headers["Retry-After"] = str(wait_s)
    return resp


def install(server: FastAPI, services: Services) -> None:
    throttle = asyncio.Lock()

    @server.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/") -> HTMLResponse:
        return _form(request, safe_next(next))

    @server.post("/login", response_model=None)
    async def login(
        request: Request,
        username: str = Form(""),
        password: str = Form(""),
        csrf: str = Form(""),
        next: str = Form("/"),
    ) -> Response:
        sessions = sessions_of(request)
        if not sessions.form_ok(request.cookies.get(CSRF_COOKIE), csrf):
            return _form(
                request, safe_next(next), "表单已过期，请重试 (form expired, try again)", 403
            )

        name = username.strip()[:64]
        address = request.client.host if request.client else ""

        def check() -> User | signins.Lock | None:
            now = now_ms()
            with services.engine.begin() as conn:
                lock = signins.locked(conn, name, address, now)
                if lock is not None:  # the password is not even looked at
                    signins.record_refused(conn, name, address, now, lock)
                    return lock
            with services.engine.begin() as conn:
                user = authenticate(conn, name, password[:200])
                if user is None:
                    return signins.record_failure(conn, name, address, now)
                signins.record_ok(conn, name, address, now)
                return user

        async with throttle:  # one check at a time, so parallel guesses cannot outrun the count
            outcome = await asyncio.to_thread(check)
        if isinstance(outcome, signins.Lock):
            return _locked(request, safe_next(next), outcome, services.settings.timezone)
        if outcome is None:
            return _form(
                request, safe_next(next), "用户名或密码错误 (wrong username or password)", 401
            )
        user = outcome
        agent = request.headers.get("user-agent", "")
        previous = request.scope.get("state", {}).get("session")

        def start() -> str:
            with services.engine.begin() as conn:
                if previous:  # whoever was signed in on this browser is signed out
                    close_session(conn, previous)
                prune(conn)  # forget expired sessions now and then: at each sign-in
                return open_session(conn, SESSION_S, address, agent, username=user.username)

        sid = await asyncio.to_thread(start)
        target = safe_next(next)
        if target == "/" and user.role != "wall":
            target = HOME[user.role]
        resp = RedirectResponse(target, status_code=303)
        resp.headers.append(
            "set-cookie", cookie_header(SESSION_COOKIE, sessions.dump(sid), SESSION_S)
        )
        return resp

    @server.get("/logout")
    def logout(request: Request) -> RedirectResponse:
        session = request.scope.get("state", {}).get("session")
        if session:  # the cookie stops working everywhere, not only in this browser
            with services.engine.begin() as conn:
                close_session(conn, session)
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(SESSION_COOKIE, path="/")
        return resp
