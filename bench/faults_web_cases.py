"""The web fault cases: forged and replayed cookies, cross-origin posts, every endpoint and
Dash callback without and with each role, upload bombs, throttled sign-ins, ratings.

Each case returns rows ``(group, case, expected, got, ok)``; bench/faults_web.py runs them
against a live system and prints the table.
"""

from __future__ import annotations

import concurrent.futures
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import Engine, func, select

from feeds import sessions, trackings, users
from feeds.clock import now_ms
from feeds.settings import DEV_SECRET
from feeds.tables import incident_events
from tests.signin import router_body
from tests.uploads import big_jpeg, huge_jpeg_header, png_bomb, truncated_jpeg

Row = tuple[str, str, str, str, bool]
ROLES = ("anonymous", "wall", "officer", "leader", "admin")
VIEW = ("officer", "leader", "admin")
PAGES: dict[str, tuple[str, ...]] = {  # README's Pages table
    "/": ("wall", *VIEW),
    "/incidents": VIEW,
    "/incident/R1": VIEW,
    "/status": ("officer", "admin"),
    "/admin": ("admin",),
    "/admin/geography": ("admin",),
}
APIS: dict[str, tuple[str, ...]] = {
    "/api/snapshot": ("wall", *VIEW),
    "/api/heat.png": ("wall", *VIEW),
    "/media/abcdefgh.jpg": VIEW,
    "/healthz": ROLES,
}
# component id prefixes (dashboard/ids.py): who may run a callback touching them
ID_ROLES = (("act-", ("officer", "admin")), ("adm-", ("admin",)), ("inc-", VIEW), ("fig-", VIEW))
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
PASSWORD = "fault-suite-password-1"


@dataclass
class Site:
    url: str
    engine: Engine
    secret: str
    address: str  # a building's code for the residents' form
    clients: dict[str, httpx.Client] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def client(self, **kw: Any) -> httpx.Client:
        headers = {"origin": self.url, **kw.pop("headers", {})}
        return httpx.Client(base_url=self.url, timeout=60, headers=headers, **kw)


def sign_in(site: Site, client: httpx.Client, username: str, password: str = PASSWORD) -> int:
    token = CSRF.search(client.get("/login").text)
    data = {
        "username": username,
        "password": password,
        "next": "/",
        "csrf": token.group(1) if token else "",
    }
    return client.post("/login", data=data, follow_redirects=False).status_code


def gate_passed(code: int) -> bool:
    return code not in (401, 403)


def row(group: str, case: str, expected: str, got: Any, ok: bool) -> Row:
    return (group, case, expected, str(got), bool(ok))


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


def cross_origin(site: Site) -> list[Row]:
    out: list[Row] = []
    officer = site.clients["officer"]
    posts = {
        "/login": {"username": "x", "password": "y"},
        "/_dash-update-component": router_body("/incidents"),
        f"/r/{site.address}": {"kind": "complaint", "text": "x"},
        "/t/AAAAAAAAAAAAAAAAAAAAAA/rate": {"rating": "5"},
    }
    for origin in ("http://evil.example", None):
        for path, data in posts.items():
            headers = {"origin": origin} if origin else {"origin": ""}
            kw: dict[str, Any] = {"json": data} if path.startswith("/_dash") else {"data": data}
            got = officer.post(path, headers=headers, **kw).status_code
            what = f"POST {path} from {origin or 'no origin'}"
            out.append(row("origin", what, "403", got, got == 403))
    return out


def endpoints(site: Site, extra_pages: list[str]) -> list[Row]:
    out: list[Row] = []
    pages = {**PAGES, **{p: VIEW for p in extra_pages if p not in PAGES}}
    for role in ROLES:
        c = site.clients[role]
        bad: list[str] = []
        n = 0
        for path, roles in pages.items():
            ok = role in roles
            got = c.get(path, follow_redirects=False).status_code
            want = 200 if ok else (303 if role == "anonymous" else 403)
            n += 1
            if got != want:
                bad.append(f"GET {path}={got}")
            routed = c.post("/_dash-update-component", json=router_body(path)).status_code
            n += 1
            if (routed == 200) is not ok or (not ok and routed not in (401, 403)):
                bad.append(f"router {path}={routed}")
        for path, roles in APIS.items():
            got = c.get(path).status_code
            n += 1
            if gate_passed(got) is not (role in roles):
                bad.append(f"GET {path}={got}")
        out.append(
            row(
                "role",
                f"{n} pages/router/API as {role}",
                "as README",
                "; ".join(bad) or "all",
                not bad,
            )
        )
    return out


def callback_allowed(role: str, body: dict[str, Any]) -> bool:
    if role == "anonymous":
        return False
    text = json.dumps(body)
    return not any(f'"{prefix}' in text and role not in roles for prefix, roles in ID_ROLES)


def callbacks(site: Site) -> list[Row]:
    deps = site.clients["admin"].get("/_dash-dependencies").json()
    out: list[Row] = []
    for role in ROLES:
        c = site.clients[role]
        bad: list[str] = []
        for spec in deps:
            outputs = [
                {"id": _id(o.split(".")[0]), "property": o.split(".")[-1]}
                for o in spec["output"].strip(".").split("...")
            ]
            body = {
                "output": spec["output"],
                "outputs": outputs if len(outputs) > 1 else outputs[0],
                "inputs": [{**i, "id": _id(i["id"]), "value": None} for i in spec["inputs"]],
                "state": [{**s, "id": _id(s["id"]), "value": None} for s in spec["state"]],
                "changedPropIds": [],
            }
            got = c.post("/_dash-update-component", json=body).status_code
            if gate_passed(got) is not callback_allowed(role, body):
                bad.append(f"{spec['output'][:40]}={got}")
        out.append(
            row(
                "callback",
                f"{len(deps)} Dash callbacks as {role}",
                "by id prefix",
                "; ".join(bad[:3]) or "all",
                not bad,
            )
        )
    return out


def _id(text: str) -> Any:
    return json.loads(text) if text.startswith("{") else text


def uploads(site: Site) -> list[Row]:
    cases: list[tuple[str, list[tuple[str, bytes]], int]] = [
        ("PNG bomb 20000x20000 (388 KB)", [("b.png", png_bomb(20_000, 20_000, rows=64))], 415),
        ("PNG 4100x4100 of zeros (16.8 MP)", [("z.png", png_bomb(4_100, 4_100))], 415),
        ("JPEG header claiming 60000x60000", [("h.jpg", huge_jpeg_header())], 415),
        ("truncated JPEG", [("t.jpg", truncated_jpeg())], 415),
        ("not an image", [("x.jpg", b"MZ\x90\x00 not a photo")], 415),
        ("four photos", [(f"{i}.jpg", big_jpeg(400, 300)) for i in range(4)], 400),
        ("a 6 MB photo", [("big.jpg", b"\xff\xd8" + b"\0" * (6 * 1024 * 1024))], 413),
    ]
    out: list[Row] = []
    for name, files, want in cases:
        with site.client() as c:
            got = post_report(c, site.address, files)
        out.append(row("upload", name, str(want), got, got == want))
    return out


def limits(site: Site) -> list[Row]:
    """Five junk reports from one phone do not silence its neighbours."""
    with site.client() as junk:
        codes = [post_report(junk, site.address, []) for _ in range(6)]
    with site.client() as neighbour:
        other = post_report(neighbour, site.address, [])
    return [
        row("limit", "one browser's 6 reports", "303 x5, 429", codes, codes == [303] * 5 + [429]),
        row("limit", "then a neighbour on the same network", "303", other, other == 303),
    ]


def post_report(c: httpx.Client, address: str, files: list[tuple[str, bytes]]) -> int:
    """The answer to one report: 303 to its progress page when it is taken."""
    token = CSRF.search(c.get(f"/r/{address}").text)
    data = {
        "csrf": token.group(1) if token else "",
        "kind": "complaint",
        "category": "environment",
        "text": "堆放垃圾",
    }
    upload = [("photos", (n, b, "image/jpeg")) for n, b in files]
    return c.post(f"/r/{address}", data=data, files=upload).status_code


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


def ratings(site: Site, resolve: Callable[[str], None]) -> list[Row]:
    with site.client() as c:
        token = CSRF.search(c.get(f"/r/{site.address}").text)
        data = {
            "csrf": token.group(1) if token else "",
            "kind": "complaint",
            "category": "environment",
            "text": "评价测试",
        }
        page = c.post(f"/r/{site.address}", data=data, follow_redirects=True).text
    number = re.search(r'id="tracking">([A-Za-z0-9_\-]+)<', page)
    if number is None:
        return [row("rating", "report for rating", "tracking number", "none", False)]
    with site.engine.connect() as conn:
        iid = (trackings.lookup(conn, number.group(1)) or ("", None))[0]
    resolve(iid)

    residents = [site.client() for _ in range(10)]  # ten tabs, each with the form loaded
    forms = [CSRF.search(c.get(f"/t/{number.group(1)}").text) for c in residents]

    def rate(i: int) -> int:
        form = forms[i]
        body = {"csrf": form.group(1) if form else "", "rating": str(1 + i % 5)}
        url = f"/t/{number.group(1)}/rate"
        return residents[i].post(url, data=body, follow_redirects=False).status_code

    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        codes = list(pool.map(rate, range(10)))
    for c in residents:
        c.close()
    resolve("")  # let the worker apply what was sent

    def counted() -> int:
        with site.engine.connect() as conn:
            q = select(func.count()).select_from(incident_events)
            q = q.where(incident_events.c.incident_id == iid, incident_events.c.action == "rate")
            return int(conn.execute(q).scalar_one())

    n = counted()
    return [
        row(
            "rating",
            "10 parallel ratings: answers",
            "303 x1, 409 x9",
            sorted(codes),
            sorted(codes) == [303] + [409] * 9,
        ),
        row("rating", "10 parallel ratings: counted", "1", n, n == 1),
    ]


def session_count(site: Site) -> int:
    with site.engine.connect() as conn:
        return len(sessions.list_sessions(conn))
