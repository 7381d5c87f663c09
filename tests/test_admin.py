"""The admin page in-process: accounts and kiosk links through its Dash callback, admins only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from dashboard import ids
from dashboard.app import create_server
from feeds import users
from feeds.settings import Settings
from tests.signin import PASSWORD, login_client, make_user, origin

BUTTONS = (ids.ADM_CREATE, ids.ADM_RESET, ids.ADM_DISABLE, ids.ADM_ENABLE, ids.ADM_KIOSK)


@pytest.fixture
def client(settings: Settings, r: redis.Redis, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_server(settings)) as c:
        yield c


@pytest.fixture
def admin(client: TestClient, engine: Engine) -> users.User:
    user = make_user(engine, "admin")
    login_client(client, user.username)
    return user


def administer(client: TestClient, button: str, **state: Any) -> Any:
    """Press an admin button the way the page's renderer would; the response."""
    deps = client.get("/_dash-dependencies").json()
    spec = next(d for d in deps if f"{ids.ADM_RESULT}.children" in d["output"])
    inputs = [{**i, "value": 1 if i["id"] == button else None} for i in spec["inputs"]]
    states = [
        {**s, "value": state.get(s["id"].removeprefix("adm-").replace("-", "_"))}
        for s in spec["state"]
    ]
    outputs = [
        {"id": o.split(".")[0], "property": o.split(".")[1]}
        for o in spec["output"].strip(".").split("...")
    ]
    body = {
        "output": spec["output"],
        "outputs": outputs,
        "inputs": inputs,
        "state": states,
        "changedPropIds": [f"{button}.n_clicks"],
    }
    return client.post("/_dash-update-component", json=body, headers=origin(client))


def message(resp: Any) -> str:
    assert resp.status_code == 200, resp.text
    return str(resp.json()["response"][ids.ADM_RESULT]["children"])


def page_layout(client: TestClient, path: str) -> Any:
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "changedPropIds": ["_pages_location.pathname"],
    }
    return client.post("/_dash-update-component", json=body, headers=origin(client))


def test_admin_sees_the_accounts(client: TestClient, admin: users.User) -> None:
    assert client.get("/admin").status_code == 200
    resp = page_layout(client, "/admin")
    assert resp.status_code == 200
    assert admin.username in resp.text and ids.ADM_CREATE in resp.text


def test_create_reset_disable_enable(client: TestClient, admin: users.User, engine: Engine) -> None:
    made = administer(
        client,
        ids.ADM_CREATE,
        username="li-officer",
        display="值班员 李",
        role="officer",
        password="long-enough-1",
    )
    assert "li-officer" in message(made)
    assert "li-officer" in str(made.json()["response"][ids.ADM_USERS]["children"])
    with engine.connect() as conn:
        assert users.authenticate(conn, "li-officer", "long-enough-1") == users.User(
            "li-officer", "值班员 李", "officer"
        )
    # the same name again, a weak password, a bad name: refused with the reason
    again = administer(
        client, ids.ADM_CREATE, username="li-officer", role="officer", password="long-enough-2"
    )
    assert "li-officer exists" in message(again)
    weak = administer(client, ids.ADM_CREATE, username="wang", role="officer", password="short")
    assert f"at least {users.MIN_PASSWORD}" in message(weak)
    bad = administer(
        client, ids.ADM_CREATE, username="<b>x</b>", role="officer", password="long-enough-3"
    )
    assert "username" in message(bad)
    with engine.connect() as conn:
        assert users.get_user(conn, "wang") is None

    reset = administer(client, ids.ADM_RESET, user="li-officer", new_password="another-pass-1")
    assert "password reset" in message(reset)
    weak_reset = administer(client, ids.ADM_RESET, user="li-officer", new_password="x")
    assert f"at least {users.MIN_PASSWORD}" in message(weak_reset)
    nobody = administer(client, ids.ADM_RESET, new_password="another-pass-2")
    assert "choose an account" in message(nobody)
    with engine.connect() as conn:
        assert users.authenticate(conn, "li-officer", "another-pass-1") is not None
        assert users.authenticate(conn, "li-officer", "long-enough-1") is None

    assert "disabled" in message(administer(client, ids.ADM_DISABLE, user="li-officer"))
    with engine.connect() as conn:
        assert users.authenticate(conn, "li-officer", "another-pass-1") is None
    assert "enabled" in message(administer(client, ids.ADM_ENABLE, user="li-officer"))
    with engine.connect() as conn:
        assert users.authenticate(conn, "li-officer", "another-pass-1") is not None
    # an admin cannot lock themselves out
    own = administer(client, ids.ADM_DISABLE, user=admin.username)
    assert "your own account" in message(own)
    with engine.connect() as conn:
        assert users.get_user(conn, admin.username) is not None


def test_kiosk_link_is_shown_once_and_opens_the_wall(
    client: TestClient, admin: users.User, engine: Engine
) -> None:
    resp = administer(client, ids.ADM_KIOSK, kiosk_label="hall screen")
    text = message(resp)
    base = str(client.base_url).rstrip("/")
    assert f"{base}/?kiosk=" in text
    token = text.split("?kiosk=")[1].split("'")[0].split('"')[0]
    with engine.connect() as conn:
        assert users.kiosk_label(conn, token) == "hall screen"
        assert all(token not in str(k) for k in users.list_kiosks(conn))  # only the hash kept
    assert "give the screen a label" in message(administer(client, ids.ADM_KIOSK))


@pytest.mark.parametrize("role", ["officer", "leader", "wall"])
def test_other_roles_cannot_administer(client: TestClient, engine: Engine, role: str) -> None:
    user = make_user(engine, role)
    login_client(client, user.username)
    assert client.get("/admin").status_code == 403
    refused = administer(client, ids.ADM_CREATE, username="sneaky", role="admin", password=PASSWORD)
    assert refused.status_code == 403
    with engine.connect() as conn:
        assert users.get_user(conn, "sneaky") is None
