"""Who may do what: signed session cookies, kiosk tokens, CSRF checks and role rules.

One ASGI middleware (outermost, so nothing reaches Dash or a route unchecked) decides
for every HTTP request and WebSocket handshake. Pages and callbacks check the role
again with ``require``/``guard``: the middleware is the gate, they are the locks.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from contextvars import ContextVar
from http.cookies import SimpleCookie
from typing import Any, Final
from urllib.parse import parse_qs, quote, urlsplit

from fastapi import FastAPI, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from dashboard import plain
from dashboard.services import Services
from feeds.clock import now_ms
from feeds.users import User, get_user, kiosk_label

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_COOKIE: Final = "wf_session"
CSRF_COOKIE: Final = "wf_csrf"
SESSION_S: Final = 12 * 3600  # a duty shift and then some
KIOSK_SESSION_S: Final = 30 * 86400  # unattended screens; the token in the URL renews it

VIEW: Final = ("officer", "leader", "admin")  # the console, read
ACT: Final = ("officer", "admin")  # acting on incidents
ADMIN: Final = ("admin",)

PUBLIC_PATHS: Final = frozenset({"/login", "/logout", "/healthz", "/favicon.ico"})
PUBLIC_PREFIXES: Final = ("/r/", "/t/")
# What the wall role may reach: the wall page, its live feed, and what Dash needs to run it
# (layouts and callbacks check their own role).
WALL_PATHS: Final = frozenset({"/", "/ws/live", "/api/snapshot", "/api/heat.png", "/_reload-hash"})
WALL_PREFIXES: Final = ("/assets/", "/_dash-", "/_favicon", "/api/wall/", "/api/geo/")
ADMIN_PREFIXES: Final = ("/admin", "/api/admin")
CALLBACK_PATH: Final = "/_dash-update-component"
KIOSK_PREFIX: Final = "kiosk:"  # session user names of wall screens signed in by token
# Dash component ids by prefix (see dashboard/ids.py): who may run a callback touching them.
ID_ROLES: Final = (("act-", ACT), ("adm-", ADMIN), ("inc-", VIEW))

_user: ContextVar[User | None] = ContextVar("wf_user", default=None)


class Forbidden(PermissionError):
    """The signed-in person's role does not allow this."""


# --- rules (pure) -------------------------------------------------------------


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def path_allowed(role: str, path: str) -> bool:
    """May this role reach this path at all (before any page or callback check)."""
    if role == "admin":
        return True
    if path.startswith(ADMIN_PREFIXES):
        return False
    if role == "wall":
        return path in WALL_PATHS or path.startswith(WALL_PREFIXES)
    return role in VIEW


def callback_ids(body: Any) -> list[str]:
    """The (type of the) ids a Dash callback request touches: outputs, inputs and state."""
    if not isinstance(body, dict):
        return []
    items: list[Any] = []
    outs = body.get("outputs")
    items.extend(outs if isinstance(outs, list) else [outs])
    for key in ("inputs", "state"):
        for item in body.get(key) or []:
            items.extend(item if isinstance(item, list) else [item])
    ids: list[str] = []
    for item in items:
        cid = item.get("id") if isinstance(item, dict) else None
        if isinstance(cid, dict):
            cid = cid.get("type")
        if isinstance(cid, str):
            ids.append(cid)
    return ids


def callback_allowed(role: str, ids: list[str]) -> bool:
    for cid in ids:
        for prefix, roles in ID_ROLES:
            if cid.startswith(prefix) and role not in roles:
                return False
    return True


def safe_next(target: str | None) -> str:
    """A local path to go to after signing in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def same_origin(headers: dict[str, str]) -> bool:
    """Origin (or else Referer) names this host: the request comes from our own pages."""
    source = headers.get("origin") or headers.get("referer")
    host = headers.get("host")
    if not source or not host or source == "null":
        return False
    return urlsplit(source).netloc == host


# --- sessions -----------------------------------------------------------------


class Sessions:
    def __init__(self, secret: str) -> None:
        self.signer = URLSafeTimedSerializer(secret, salt="wf-session")
        self.csrf = URLSafeTimedSerializer(secret, salt="wf-csrf")

    def dump(self, user: User, kiosk: bool = False) -> str:
        ttl = KIOSK_SESSION_S if kiosk else SESSION_S
        return self.signer.dumps(
            {"u": user.username, "n": user.display_name, "r": user.role, "x": now_ms() + ttl * 1000}
        )

    def load(self, cookie: str | None) -> User | None:
        if not cookie:
            return None
        try:
            data = self.signer.loads(cookie, max_age=KIOSK_SESSION_S)
        except BadSignature:
            return None
        if not isinstance(data, dict) or int(data.get("x", 0)) < now_ms():
            return None
        return User(str(data["u"]), str(data["n"]), str(data["r"]))

    def form_token(self, cookie: str | None) -> tuple[str, str]:
        """(the CSRF cookie value to keep or set, the token to put in the form)."""
        value = cookie or secrets.token_urlsafe(16)
        return value, self.csrf.dumps(value)

    def form_ok(self, cookie: str | None, token: str | None) -> bool:
        if not cookie or not token:
            return False
        try:
            return bool(self.csrf.loads(token, max_age=86400) == cookie)
        except BadSignature:
            return False


def cookie_header(name: str, value: str, max_age: int) -> str:
    return f"{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax"


def sessions_of(request: Request) -> Sessions:
    sessions: Sessions = request.app.state.sessions
    return sessions


# --- who is asking ------------------------------------------------------------


def current_user() -> User | None:
    """The signed-in person of the request (or Dash callback) being served."""
    return _user.get()


def require(*roles: str) -> User:
    user = _user.get()
    if user is None or user.role not in roles:
        raise Forbidden(f"needs role {' or '.join(roles)}")
    return user


def allowed(*roles: str) -> bool:
    user = _user.get()
    return user is not None and user.role in roles


# --- the middleware -----------------------------------------------------------


class AuthMiddleware:
    def __init__(self, app: ASGIApp, services: Services, sessions: Sessions) -> None:
        self.app = app
        self.services = services
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        path: str = scope["path"]
        websocket = scope["type"] == "websocket"
        method = "GET" if websocket else scope["method"]
        if (websocket or method not in ("GET", "HEAD", "OPTIONS")) and not same_origin(headers):
            await self._refuse(scope, receive, send, 403, "cross-site request refused")
            return
        cookies = SimpleCookie(headers.get("cookie", ""))
        session = cookies[SESSION_COOKIE].value if SESSION_COOKIE in cookies else None
        user = self.sessions.load(session)
        if user is not None and not user.username.startswith(KIOSK_PREFIX):
            # the account as it is now: disabling it or changing its role takes effect at once
            user = await asyncio.to_thread(self._account, user.username)
        set_cookie: str | None = None
        token = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("kiosk", [""])[0]
        if token and (user is None or user.role == "wall"):
            label = await asyncio.to_thread(self._kiosk, token)
            if label is not None:
                user = User(f"{KIOSK_PREFIX}{label}"[:64], label, "wall")
                set_cookie = cookie_header(
                    SESSION_COOKIE, self.sessions.dump(user, kiosk=True), KIOSK_SESSION_S
                )
        if is_public(path):
            await self._serve(user, scope, receive, send, set_cookie)
            return
        if user is None:
            if not websocket and method == "GET" and _wants_page(path, headers):
                target = path + (
                    "?" + scope["query_string"].decode() if scope["query_string"] else ""
                )
                await _redirect(send, "/login?next=" + quote(target, safe=""))
                return
            await self._refuse(scope, receive, send, 401, "sign in first")
            return
        if not path_allowed(user.role, path):
            await self._refuse(scope, receive, send, 403, "your role may not open this")
            return
        if path == CALLBACK_PATH and method == "POST":
            body = await _read_body(receive)
            try:
                parsed = json.loads(body or b"null")
            except ValueError:
                parsed = None
            if not callback_allowed(user.role, callback_ids(parsed)):
                await self._refuse(scope, receive, send, 403, "your role may not do this")
                return
            receive = _replay(body, receive)
        await self._serve(user, scope, receive, send, set_cookie)

    def _account(self, username: str) -> User | None:
        with self.services.engine.connect() as conn:
            return get_user(conn, username)

    def _kiosk(self, token: str) -> str | None:
        with self.services.engine.connect() as conn:
            return kiosk_label(conn, token)

    async def _serve(
        self, user: User | None, scope: Scope, receive: Receive, send: Send, cookie: str | None
    ) -> None:
        scope.setdefault("state", {})["user"] = user
        reset = _user.set(user)
        try:
            if cookie is None or scope["type"] != "http":
                await self.app(scope, receive, send)
                return

            async def send_with_cookie(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [
                        *message.get("headers", []),
                        (b"set-cookie", cookie.encode("latin-1")),
                    ]
                await send(message)

            await self.app(scope, receive, send_with_cookie)
        finally:
            _user.reset(reset)

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, status: int, reason: str
    ) -> None:
        if scope["type"] == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 4000 + status, "reason": reason})
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        if _wants_page(scope["path"], headers):
            body = plain.message(
                "watchfloor",
                "无权访问" if status == 403 else "请先登录",
                f"{status}: {reason}",
                "<p><a href='/login'>登录 Sign in</a> · <a href='/logout'>退出 Sign out</a></p>",
            ).encode()
            ctype = b"text/html; charset=utf-8"
        else:
            body = json.dumps({"error": reason}).encode()
            ctype = b"application/json"
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _wants_page(path: str, headers: dict[str, str]) -> bool:
    if path.startswith(("/api/", "/_dash-", "/ws/", "/media/", "/assets/")):
        return False
    accept = headers.get("accept", "")
    return not accept or "text/html" in accept or "*/*" in accept


async def _redirect(send: Send, location: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [(b"location", location.encode("latin-1")), (b"content-length", b"0")],
        }
    )
    await send({"type": "http.response.body", "body": b""})


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


def install(server: FastAPI, services: Services) -> None:
    """Put the gate in front of everything the server serves, and the sign-in pages."""
    from dashboard import files, signin

    sessions = Sessions(services.settings.secret_key)
    server.state.sessions = sessions
    build = server.build_middleware_stack

    def outermost() -> ASGIApp:
        # Outside every other middleware (Dash adds its own later), so nothing is unchecked.
        return AuthMiddleware(build(), services, sessions)

    server.build_middleware_stack = outermost  # type: ignore[method-assign]
    signin.install(server, services)
    files.install(server, services)
