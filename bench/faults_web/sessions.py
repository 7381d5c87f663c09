"""Session cases: forged cookies (dev and install secrets), well-signed unknown sessions,
cookies replayed after sign-out, password change and disable, a revoked kiosk's session,
and the throttled sign-in."""

from __future__ import annotations

from typing import Any

from itsdangerous import URLSafeTimedSerializer

from bench.faults_web.site import PASSWORD, Row, Site, row, sign_in
from feeds import sessions, users
from feeds.clock import now_ms
from feeds.settings import DEV_SECRET


def forge(secret: str, payload: Any) -> str:
    return URLSafeTimedSerializer(secret, salt="wf-session").dumps(payload)


def cookies(site: Site) -> list[Row]:
    out: list[Row] = []
    claim = {"u": "kiosk:x", "n": "x", "r": "admin", "x": now_ms() + 86_400_000}
    for name, secret in (("dev secret", DEV_SECRET), ("install secret", site.secret)):
        with site.client(cookies={"wf_session": forge(secret, claim)}) as c:
            got = c.get("/admin", follow_redirects=False).status_code
            out.append(
                row("cookie", f"forged admin claim ({name}) GET /admin", "303", got, got == 303)
            )
    with site.client(cookies={"wf_session": forge(site.secret, "no-such-session")}) as c:
        got = c.get("/api/snapshot").status_code
        out.append(row("cookie", "well-signed unknown session id", "401", got, got == 401))
    with site.engine.begin() as conn:
        name = f"fw-replay-{now_ms() % 100000}"
        users.create_user(conn, name, "officer", PASSWORD)
    for how in ("sign-out", "password change", "disable"):
        with site.client() as c:
            sign_in(site, c, name)
            stolen = c.cookies.get("wf_session") or ""
            if how == "sign-out":
                c.get("/logout", follow_redirects=False)
            with site.engine.begin() as conn:
                if how == "password change":
                    users.set_password(conn, name, PASSWORD)
                if how == "disable":
                    users.set_disabled(conn, name, True)
        with site.client(cookies={"wf_session": stolen}) as thief:
            got = thief.get("/api/snapshot").status_code
        out.append(row("cookie", f"cookie replayed after {how}", "401", got, got == 401))
    with site.engine.begin() as conn:
        token = users.create_kiosk_token(conn, "fault wall", "faults")
    with site.client() as wall:
        wall.get(f"/?kiosk={token}")
        with site.engine.begin() as conn:
            kid = next(
                str(k["id"])
                for k in users.list_kiosks(conn)
                if k["label"] == "fault wall" and not k["revoked"]
            )
            users.revoke_kiosk(conn, kid)
        got = wall.get("/api/snapshot").status_code
    out.append(row("cookie", "kiosk session after its token is revoked", "401", got, got == 401))
    return out


def throttle(site: Site) -> list[Row]:
    with site.engine.begin() as conn:
        name = f"fw-throttle-{now_ms() % 100000}"
        users.create_user(conn, name, "officer", PASSWORD)
    with site.client() as c:
        codes = [sign_in(site, c, name, f"wrong-{i}") for i in range(5)]
        right = sign_in(site, c, name)
    return [
        row("sign-in", "5 wrong passwords", "401 x4, 429", codes, codes == [401] * 4 + [429]),
        row("sign-in", "then the right one", "429", right, right == 429),
    ]


def session_count(site: Site) -> int:
    with site.engine.connect() as conn:
        return len(sessions.list_sessions(conn))
