"""The gate: one ASGI middleware (outermost, so nothing reaches Dash or a route unchecked)
decides for every HTTP request and WebSocket handshake; pages and callbacks check the role
again with ``require``/``allowed``: the middleware is the gate, they are the locks.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from contextvars import ContextVar
from http.cookies import SimpleCookie
from typing import Any, Final
from urllib.parse import parse_qs, quote

from dashboard import plain
from dashboard.auth.rules import (
    CALLBACK_PATH,
    KIOSK_SESSION_S,
    SESSION_COOKIE,
    Forbidden,
    callback_allowed,
    callback_ids,
    is_public,
    path_allowed,
    routed_paths,
    same_origin,
)
from dashboard.auth.sessions import Sessions, cookie_header
from dashboard.services import Services
from feeds.sessions import Session, check_session, kiosk_user, open_session
from feeds.users import User, kiosk_of

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

RECHECK_S: Final = 30.0  # how often an open WebSocket's session is checked again

_user: ContextVar[User | None] = ContextVar("wf_user", default=None)

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


class SessionEnded(RuntimeError):
    """An open WebSocket's session ended (the handler treats it as the socket closing)."""


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
        sid = (
            self.sessions.load(cookies[SESSION_COOKIE].value) if SESSION_COOKIE in cookies else None
        )
        # the session as SQL has it now: signed out, revoked, disabled or a changed role
        # take effect at once; nothing in the cookie but the session's id is trusted
        session = await asyncio.to_thread(self._session, sid) if sid else None
        user = session.user if session else None
        set_cookie: str | None = None
        token = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("kiosk", [""])[0]
        if token and (user is None or user.role == "wall"):
            kiosk = await asyncio.to_thread(self._kiosk, token)
            if kiosk is not None and (session is None or session.kiosk != kiosk[0]):
                user, session = kiosk_user(kiosk[1]), None
                if not websocket:  # a WebSocket cannot take a cookie: the token alone serves it
                    new = await asyncio.to_thread(self._open_kiosk, kiosk[0], scope, headers)
                    set_cookie = cookie_header(
                        SESSION_COOKIE, self.sessions.dump(new), KIOSK_SESSION_S
                    )
        scope.setdefault("state", {})["session"] = session.id_hash if session else None
        if websocket and user is not None:  # an open screen is checked again now and then
            if session is not None and sid:
                send = self._rechecked(send, lambda: self._session(sid) is not None)
            elif token:
                send = self._rechecked(send, lambda: self._kiosk(token) is not None)
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
            # Dash's page router renders a page by a callback: the page's own rule applies
            if not all(path_allowed(user.role, p) for p in routed_paths(parsed)):
                await self._refuse(scope, receive, send, 403, "your role may not open this")
                return
            receive = _replay(body, receive)
        await self._serve(user, scope, receive, send, set_cookie)

    def _session(self, sid: str) -> Session | None:
        with self.services.engine.begin() as conn:
            return check_session(conn, sid)

    def _kiosk(self, token: str) -> tuple[str, str] | None:
        with self.services.engine.connect() as conn:
            return kiosk_of(conn, token)

    def _open_kiosk(self, token_hash: str, scope: Scope, headers: dict[str, str]) -> str:
        with self.services.engine.begin() as conn:
            return open_session(
                conn,
                KIOSK_SESSION_S,
                client_address(scope),
                headers.get("user-agent", ""),
                kiosk=token_hash,
            )

    def _rechecked(self, send: Send, still: Callable[[], bool]) -> Send:
        """A WebSocket's send that, at most every RECHECK_S, asks SQL whether the session or
        kiosk token is still good, and closes the socket (4401) once it is not."""
        last = time.monotonic()

        async def checked(message: Message) -> None:
            nonlocal last
            if message["type"] == "websocket.send" and time.monotonic() - last >= RECHECK_S:
                last = time.monotonic()
                if not await asyncio.to_thread(still):
                    await send({"type": "websocket.close", "code": 4401, "reason": "signed out"})
                    raise SessionEnded("the session or kiosk token was revoked")
            await send(message)

        return checked

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


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else ""


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
