"""Sign in and out: a plain HTML form (works without JavaScript) that sets the session cookie."""

from __future__ import annotations

import asyncio

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


def install(server: FastAPI, services: Services) -> None:
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

        def check() -> User | None:
            with services.engine.connect() as conn:
                return authenticate(conn, username.strip()[:64], password[:200])

        user = await asyncio.to_thread(check)
        if user is None:
            return _form(
                request, safe_next(next), "用户名或密码错误 (wrong username or password)", 401
            )
        target = safe_next(next)
        if target == "/" and user.role != "wall":
            target = HOME[user.role]
        resp = RedirectResponse(target, status_code=303)
        resp.headers.append(
            "set-cookie", cookie_header(SESSION_COOKIE, sessions.dump(user), SESSION_S)
        )
        return resp

    @server.get("/logout")
    def logout() -> RedirectResponse:
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(SESSION_COOKIE, path="/")
        return resp
