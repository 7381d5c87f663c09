"""Signing test users in: accounts in SQL, a TestClient or a Playwright page with a session."""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import Engine

from feeds import users

PASSWORD = "correct-horse-battery"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def make_user(engine: Engine, role: str, display: str = "") -> users.User:
    name = f"{role}-{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        return users.create_user(conn, name, role, PASSWORD, display or f"{role} {name[-4:]}")


def kiosk_token(engine: Engine, label: str = "test wall") -> str:
    with engine.begin() as conn:
        return users.create_kiosk_token(conn, label, "test")


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token in the form"
    return found.group(1)


def origin(client: Any) -> dict[str, str]:
    """The Origin header a browser on our own pages would send."""
    return {"origin": str(client.base_url).rstrip("/")}


def login_client(client: Any, username: str, password: str = PASSWORD) -> Any:
    """Sign a TestClient in through the real form; the response of the POST."""
    token = csrf_of(client.get("/login").text)
    resp = client.post(
        "/login",
        data={"username": username, "password": password, "csrf": token, "next": "/"},
        headers=origin(client),
        follow_redirects=False,
    )
    assert resp.status_code == 303, resp.text
    return resp


def login_page(
    page: Any, base_url: str, username: str, password: str = PASSWORD, next_path: str = "/incidents"
) -> None:
    """Sign a Playwright page in through the real form and land on ``next_path``."""
    page.goto(f"{base_url}/login?next={next_path}")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-submit")
    page.wait_for_url(f"{base_url}{next_path}*")


def router_body(pathname: str) -> dict[str, Any]:
    """The request Dash's renderer sends to draw a page (the pages router's callback)."""
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": pathname},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "state": [],
        "changedPropIds": ["_pages_location.pathname"],
    }
