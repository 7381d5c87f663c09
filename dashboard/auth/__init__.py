"""Who may do what: signed session cookies, kiosk tokens, CSRF checks and role rules.

``rules`` holds the pure rules, ``sessions`` the cookies, ``gate`` the middleware in front
of everything the server serves.
"""

from __future__ import annotations

from fastapi import FastAPI

from dashboard.auth.gate import ASGIApp, AuthMiddleware, allowed, current_user, require
from dashboard.auth.rules import (
    ACT,
    ADMIN,
    CALLBACK_PATH,
    CSRF_COOKIE,
    KIOSK_SESSION_S,
    SESSION_COOKIE,
    SESSION_S,
    STATUS,
    VIEW,
    Forbidden,
    callback_allowed,
    callback_ids,
    is_public,
    path_allowed,
    routed_paths,
    safe_next,
    same_origin,
)
from dashboard.auth.sessions import Sessions, cookie_header, sessions_of
from dashboard.services import Services
from feeds.settings import session_secret
from feeds.users import KIOSK_PREFIX

__all__ = [
    "ACT",
    "ADMIN",
    "CALLBACK_PATH",
    "CSRF_COOKIE",
    "KIOSK_PREFIX",
    "KIOSK_SESSION_S",
    "SESSION_COOKIE",
    "SESSION_S",
    "STATUS",
    "VIEW",
    "AuthMiddleware",
    "Forbidden",
    "Sessions",
    "allowed",
    "callback_allowed",
    "callback_ids",
    "cookie_header",
    "current_user",
    "install",
    "is_public",
    "path_allowed",
    "require",
    "routed_paths",
    "safe_next",
    "same_origin",
    "sessions_of",
]


def install(server: FastAPI, services: Services) -> None:
    """Put the gate in front of everything the server serves, and the sign-in pages."""
    from dashboard import files, signin

    sessions = Sessions(session_secret(services.settings))
    server.state.sessions = sessions
    build = server.build_middleware_stack

    def outermost() -> ASGIApp:
        # Outside every other middleware (Dash adds its own later), so nothing is unchecked.
        return AuthMiddleware(build(), services, sessions)

    server.build_middleware_stack = outermost  # type: ignore[method-assign]
    signin.install(server, services)
    files.install(server, services)
