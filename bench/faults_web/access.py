"""Access cases: cross-origin posts, and every page, router path, API and Dash callback
without and with each role, as README's Pages table and the component ids say."""

from __future__ import annotations

import json
from typing import Any

from bench.faults_web.site import ROLES, VIEW, Row, Site, row
from tests.signin import router_body

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


def gate_passed(code: int) -> bool:
    return code not in (401, 403)


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
