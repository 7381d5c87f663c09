"""Session cookies and CSRF tokens, signed with the install's secret."""

from __future__ import annotations

import secrets

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from dashboard.auth.rules import KIOSK_SESSION_S


class Sessions:
    def __init__(self, secret: str) -> None:
        self.signer = URLSafeTimedSerializer(secret, salt="wf-session")
        self.csrf = URLSafeTimedSerializer(secret, salt="wf-csrf")

    def dump(self, sid: str) -> str:
        """The cookie for a server-side session id (signed: a forged one is refused unread)."""
        return self.signer.dumps(sid)

    def load(self, cookie: str | None) -> str | None:
        """The session id a cookie carries, when we signed it; SQL decides if it is live."""
        if not cookie:
            return None
        try:
            sid = self.signer.loads(cookie, max_age=KIOSK_SESSION_S)
        except BadSignature:
            return None
        return sid if isinstance(sid, str) else None

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
