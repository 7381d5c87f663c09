"""The site the web fault cases run against: its address, store and secret, a client per
role, and signing in; each case's rows are ``(group, case, expected, got, ok)``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx
from sqlalchemy import Engine

Row = tuple[str, str, str, str, bool]
ROLES = ("anonymous", "wall", "officer", "leader", "admin")
VIEW = ("officer", "leader", "admin")
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


def row(group: str, case: str, expected: str, got: Any, ok: bool) -> Row:
    return (group, case, expected, str(got), bool(ok))
