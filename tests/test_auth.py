"""Who may do what: the rules, the session, and the gate in front of every path."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from starlette.websockets import WebSocketDisconnect

from dashboard import auth
from dashboard.app import create_server
from dashboard.cli import first_run_accounts
from feeds import users
from feeds.settings import Settings
from feeds.store import create_schema, make_engine
from feeds.tables import users as users_table
from feeds.users import User
from tests.signin import PASSWORD, csrf_of, kiosk_token, login_client, make_user, origin


@pytest.mark.parametrize(
    ("role", "path", "ok"),
    [
        ("wall", "/", True),
        ("wall", "/ws/live", True),
        ("wall", "/api/snapshot", True),
        ("wall", "/api/geo/grid.json", True),
        ("wall", "/_dash-update-component", True),
        ("wall", "/assets/live.js", True),
        ("wall", "/incidents", False),
        ("wall", "/incident/R1", False),
        ("wall", "/media/abc.jpg", False),
        ("wall", "/status", False),
        ("wall", "/admin", False),
        ("officer", "/incidents", True),
        ("officer", "/incident/R1", True),
        ("officer", "/media/abc.jpg", True),
        ("officer", "/admin", False),
        ("officer", "/api/admin/x", False),
        ("leader", "/incidents", True),
        ("leader", "/admin", False),
        ("admin", "/admin", True),
        ("admin", "/incidents", True),
        ("nobody", "/incidents", False),
    ],
)
def test_path_rules(role: str, path: str, ok: bool) -> None:
    assert auth.path_allowed(role, path) is ok


@pytest.mark.parametrize(
    ("role", "ids", "ok"),
    [
        ("officer", ["act-accept", "inc-detail"], True),
        ("leader", ["inc-list"], True),
        ("leader", ["act-accept"], False),
        ("wall", ["inc-list"], False),
        ("wall", ["_pages_content", "_pages_location"], True),
        ("officer", ["adm-users"], False),
        ("admin", ["adm-users", "act-accept"], True),
    ],
)
def test_callback_rules(role: str, ids: list[str], ok: bool) -> None:
    assert auth.callback_allowed(role, ids) is ok


def test_callback_ids_reads_outputs_inputs_state_and_pattern_ids() -> None:
    body = {
        "output": "x",
        "outputs": [{"id": "inc-detail", "property": "children"}],
        "inputs": [[{"id": {"type": "act-btn", "action": "accept"}, "property": "n_clicks"}]],
        "state": [{"id": "inc-note", "property": "value"}],
    }
    assert auth.callback_ids(body) == ["inc-detail", "act-btn", "inc-note"]
    assert auth.callback_ids({"outputs": {"id": "adm-x", "property": "c"}}) == ["adm-x"]
    assert auth.callback_ids("junk") == []


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/incidents", "/incidents"),
        ("/incident/R1?x=1", "/incident/R1?x=1"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_safe_next(target: str | None, expected: str) -> None:
    assert auth.safe_next(target) == expected


@pytest.mark.parametrize(
    ("headers", "ok"),
    [
        ({"host": "a:1", "origin": "http://a:1"}, True),
        ({"host": "a:1", "referer": "http://a:1/login"}, True),
        ({"host": "a:1", "origin": "http://evil:1"}, False),
        ({"host": "a:1", "origin": "null"}, False),
        ({"host": "a:1"}, False),
    ],
)
def test_same_origin(headers: dict[str, str], ok: bool) -> None:
    assert auth.same_origin(headers) is ok


def test_session_round_trip_and_tampering() -> None:
    s = auth.Sessions("k1")
    cookie = s.dump("a-session-id")
    assert s.load(cookie) == "a-session-id"
    assert s.load(cookie[:-2] + "xx") is None
    assert auth.Sessions("other").load(cookie) is None
    assert s.load(None) is None
    value, token = s.form_token(None)
    assert s.form_ok(value, token) and not s.form_ok("other", token)


def test_passwords_are_hashed_and_disabled_users_refused(engine: Engine) -> None:
    user = make_user(engine, "officer")
    with engine.begin() as conn:
        stored = conn.execute(
            select(users_table.c.password_hash).where(users_table.c.username == user.username)
        ).scalar_one()
        assert PASSWORD not in stored and stored.startswith("$2")
        assert users.authenticate(conn, user.username, PASSWORD) == user
        assert users.authenticate(conn, user.username, "wrong-password") is None
        users.set_disabled(conn, user.username, True)
        assert users.authenticate(conn, user.username, PASSWORD) is None
        with pytest.raises(users.AccountError):
            users.create_user(conn, user.username, "officer", PASSWORD)
        with pytest.raises(users.AccountError):
            users.create_user(conn, "x-short", "officer", "short")
        with pytest.raises(users.AccountError):
            users.create_user(conn, "x-role", "king", PASSWORD)


@pytest.fixture
def client(settings: Settings, r: redis.Redis, engine: Engine) -> TestClient:
    with TestClient(create_server(settings)) as c:
        yield c  # type: ignore[misc]


def test_unauthenticated_requests_are_refused(client: TestClient) -> None:
    page = client.get("/incidents?state=reported", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Fincidents%3Fstate%3Dreported"
    assert client.get("/api/snapshot").status_code == 401
    assert client.get("/media/abcdefgh.jpg").status_code == 401
    cb = client.post("/_dash-update-component", json={}, headers=origin(client))
    assert cb.status_code == 401
    with (
        pytest.raises(WebSocketDisconnect) as exc,
        client.websocket_connect("/ws/live", headers=origin(client)) as ws,
    ):
        ws.receive_text()
    assert exc.value.code == 4401
    assert client.get("/healthz").status_code == 200
    assert client.get("/login").status_code == 200


def test_login_needs_the_right_password_csrf_token_and_origin(
    client: TestClient, officer: User
) -> None:
    token = csrf_of(client.get("/login").text)
    form = {"username": officer.username, "password": "nope-nope", "csrf": token, "next": "/"}
    bad = client.post("/login", data=form, headers=origin(client), follow_redirects=False)
    assert bad.status_code == 401 and auth.SESSION_COOKIE not in bad.cookies
    form["password"] = PASSWORD
    cross = client.post(
        "/login", data=form, headers={"origin": "http://evil.example"}, follow_redirects=False
    )
    assert cross.status_code == 403
    forged = client.post(
        "/login", data={**form, "csrf": "forged"}, headers=origin(client), follow_redirects=False
    )
    assert forged.status_code == 403
    ok = client.post("/login", data=form, headers=origin(client), follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/incidents"
    assert "httponly" in ok.headers["set-cookie"].lower()
    assert "samesite=lax" in ok.headers["set-cookie"].lower()
    assert client.get("/api/snapshot").status_code == 200


def test_roles(client: TestClient, engine: Engine) -> None:
    leader = make_user(engine, "leader")
    login_client(client, leader.username)
    assert client.get("/incidents").status_code == 200
    assert client.get("/admin").status_code == 403
    act = {
        "output": "act-result.children",
        "outputs": {"id": "act-result", "property": "children"},
        "inputs": [{"id": {"type": "act-btn", "action": "accept"}, "property": "n_clicks"}],
        "changedPropIds": [],
    }
    refused = client.post("/_dash-update-component", json=act, headers=origin(client))
    assert refused.status_code == 403
    officer = make_user(engine, "officer")
    login_client(client, officer.username)
    assert client.get("/admin").status_code == 403
    passed = client.post("/_dash-update-component", json=act, headers=origin(client))
    assert passed.status_code != 403  # through the gate (Dash then judges the request)
    cross = client.post(
        "/_dash-update-component", json=act, headers={"origin": "http://evil.example"}
    )
    assert cross.status_code == 403
    with (
        pytest.raises(WebSocketDisconnect) as exc,
        client.websocket_connect("/ws/live", headers={"origin": "http://evil"}) as ws,
    ):
        ws.receive_text()
    assert exc.value.code == 4403
    admin = make_user(engine, "admin")
    login_client(client, admin.username)
    assert client.get("/admin").status_code == 200


def test_kiosk_token_opens_the_wall_only(client: TestClient, engine: Engine) -> None:
    assert client.get("/?kiosk=not-a-token", follow_redirects=False).status_code == 303
    token = kiosk_token(engine)
    wall = client.get(f"/?kiosk={token}")
    assert wall.status_code == 200 and auth.SESSION_COOKIE in wall.cookies
    # the session cookie now carries Dash's follow-up requests and the live feed
    assert client.get("/api/snapshot").status_code == 200
    with client.websocket_connect("/ws/live", headers=origin(client)) as ws:
        assert json.loads(ws.receive_text())["type"] == "snapshot"
    assert client.get("/incidents").status_code == 403
    assert client.get("/status").status_code == 403
    assert client.get("/media/abcdefgh.jpg").status_code == 403


def test_kiosk_token_alone_opens_the_live_feed(client: TestClient, engine: Engine) -> None:
    token = kiosk_token(engine)
    with client.websocket_connect(f"/ws/live?kiosk={token}", headers=origin(client)) as ws:
        assert json.loads(ws.receive_text())["type"] == "snapshot"


def test_first_run_creates_admin_and_kiosk_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(var_dir=tmp_path)
    fresh = make_engine(settings)
    create_schema(fresh)
    assert first_run_accounts(settings, fresh) is True
    out = capsys.readouterr().out
    saved = (tmp_path / "first-run.txt").read_text()
    assert "user: admin" in out and "?kiosk=" in out
    assert stat.S_IMODE(os.stat(tmp_path / "first-run.txt").st_mode) == 0o600
    password = saved.split("password: ")[1].split()[0]
    token = saved.split("?kiosk=")[1].split()[0]
    with fresh.connect() as conn:
        assert users.authenticate(conn, "admin", password) == User(
            "admin", "管理员 Administrator", "admin"
        )
        assert users.kiosk_label(conn, token) == "wall"
    assert first_run_accounts(settings, fresh) is False
    fresh.dispose()


def test_disabling_an_account_ends_its_session_at_once(client: TestClient, engine: Engine) -> None:
    officer = make_user(engine, "officer")
    login_client(client, officer.username)
    assert client.get("/api/snapshot").status_code == 200
    with engine.begin() as conn:
        users.set_disabled(conn, officer.username, True)
    assert client.get("/api/snapshot").status_code == 401
    with engine.begin() as conn:
        users.set_disabled(conn, officer.username, False)
    assert client.get("/api/snapshot").status_code == 401  # its sessions were ended for good
    login_client(client, officer.username)
    assert client.get("/api/snapshot").status_code == 200


def test_no_callback_runs_over_dashs_own_websocket(settings: Settings, r: redis.Redis) -> None:
    # The gate authorises Dash callbacks on /_dash-update-component by their ids. Dash also
    # opens /_dash-ws-callback, where it runs only callbacks marked websocket=True: there
    # must be none, or those would pass the gate unchecked.
    from dashboard.app import create_server

    app = create_server(settings).state.dash
    assert not app._websocket_callbacks
    assert not [k for k, cb in app.callback_map.items() if cb.get("websocket")]
