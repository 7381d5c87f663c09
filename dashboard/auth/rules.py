"""Who may reach what: pure rules on roles, paths, Dash callback ids and origins."""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import urlsplit

SESSION_COOKIE: Final = "wf_session"
CSRF_COOKIE: Final = "wf_csrf"
SESSION_S: Final = 12 * 3600  # a duty shift and then some
KIOSK_SESSION_S: Final = 30 * 86400  # unattended screens; the token in the URL renews it

VIEW: Final = ("officer", "leader", "admin")  # the console, read
ACT: Final = ("officer", "admin")  # acting on incidents
ADMIN: Final = ("admin",)
STATUS: Final = ("officer", "admin")  # the system's health: whoever keeps it running

# /metrics decides itself: a bearer token, a loopback client or a STATUS role
# (dashboard/metrics.py); a Prometheus scraper has no session.
PUBLIC_PATHS: Final = frozenset({"/login", "/logout", "/healthz", "/favicon.ico", "/metrics"})
PUBLIC_PREFIXES: Final = ("/r/", "/t/")
# What the wall role may reach: the wall page, its live feed, and what Dash needs to run it
# (layouts and callbacks check their own role).
# A replay (/ws/replay, /api/replay/...) shows nothing the live wall does not: the wall
# role may open and drive one too.
WALL_PATHS: Final = frozenset(
    {"/", "/ws/live", "/ws/replay", "/api/snapshot", "/api/heat.png", "/_reload-hash"}
)
WALL_PREFIXES: Final = (
    "/assets/",
    "/_dash-",
    "/_favicon",
    "/api/wall/",
    "/api/geo/",
    "/api/replay/",
)
ADMIN_PREFIXES: Final = ("/admin", "/api/admin")
STATUS_PATH: Final = "/status"
CALLBACK_PATH: Final = "/_dash-update-component"
ROUTER_LOCATION: Final = "_pages_location"  # the dcc.Location of Dash's pages router
# Dash component ids by prefix (see dashboard/ids.py): who may run a callback touching them.
ID_ROLES: Final = (("act-", ACT), ("adm-", ADMIN), ("inc-", VIEW), ("fig-", VIEW))


class Forbidden(PermissionError):
    """The signed-in person's role does not allow this."""


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def path_allowed(role: str, path: str) -> bool:
    """May this role reach this path at all (before any page or callback check)."""
    if role == "admin":
        return True
    if path.startswith(ADMIN_PREFIXES):
        return False
    if path == STATUS_PATH or path.startswith(STATUS_PATH + "/"):
        return role in STATUS
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


def routed_paths(body: Any) -> list[str]:
    """The page paths a callback asks Dash's pages router to render (its pathname inputs)."""
    if not isinstance(body, dict):
        return []
    found: list[str] = []
    for key in ("inputs", "state"):
        for item in body.get(key) or []:
            for one in item if isinstance(item, list) else [item]:
                if (
                    isinstance(one, dict)
                    and one.get("id") == ROUTER_LOCATION
                    and one.get("property") == "pathname"
                ):
                    value = one.get("value")
                    # Dash matches pages on the path stripped of slashes: judge it the same way
                    found.append("/" + (value if isinstance(value, str) else "").strip("/"))
    return found


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
