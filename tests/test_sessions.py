"""The install's secret, server-side sessions and their revocation, in-process."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import Engine, event, func, select
from starlette.websockets import WebSocketDisconnect

from dashboard import auth, ids
from dashboard.app import create_server
from feeds import sessions, users
from feeds.clock import now_ms
from feeds.settings import DEV_SECRET, InsecureSecret, Settings, install_secret, session_secret
from feeds.tables import sessions as sessions_table
from feeds.tables import users as users_table
from tests.signin import PASSWORD, kiosk_token, login_client, make_user, origin


@pytest.fixture
def client(settings: Settings, r: redis.Redis, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_server(settings)) as c:
        yield c


def forged(secret: str, payload: Any) -> str:
    return URLSafeTimedSerializer(secret, salt="wf-session").dumps(payload)


def create_admin_body(client: TestClient, username: str) -> dict[str, Any]:
    # built from the app itself: /_dash-dependencies needs a session the attacker lacks
    cmap = client.app.state.dash.callback_map  # type: ignore[attr-defined]
    out = next(k for k in cmap if f"{ids.ADM_RESULT}.children" in k)
    spec = {"output": out, "inputs": cmap[out]["inputs"], "state": cmap[out]["state"]}
    state = {"username": username, "role": "admin", "password": PASSWORD}
    return {
        "output": spec["output"],
        "outputs": [
            {"id": o.split(".")[0], "property": o.split(".")[1]}
            for o in spec["output"].strip(".").split("...")
        ],
        "inputs": [
            {**i, "value": 1 if i["id"] == ids.ADM_CREATE else None} for i in spec["inputs"]
        ],
        "state": [
            {**s, "value": state.get(s["id"].removeprefix("adm-").replace("-", "_"))}
            for s in spec["state"]
        ],
        "changedPropIds": [f"{ids.ADM_CREATE}.n_clicks"],
    }


# --- the secret ---------------------------------------------------------------


def test_install_secret_is_random_private_and_shared(tmp_path: Path) -> None:
    first = install_secret(tmp_path)
    assert len(first) >= 40 and first != DEV_SECRET
    assert stat.S_IMODE(os.stat(tmp_path / "secret").st_mode) == 0o600
    assert install_secret(tmp_path) == first  # every process of the install reads the same
    assert install_secret(tmp_path / "other") != first  # another install, another secret
    # WATCHFLOOR_SECRET still wins when set
    env = {"WATCHFLOOR_VAR": str(tmp_path), "WATCHFLOOR_SECRET": "s" * 32}
    assert session_secret(Settings.from_env(env)) == "s" * 32
    assert session_secret(Settings.from_env({"WATCHFLOOR_VAR": str(tmp_path)})) == first


def test_processes_racing_to_make_the_secret_agree(tmp_path: Path) -> None:
    code = "import sys; from pathlib import Path; from feeds.settings import install_secret; "
    code += "print(install_secret(Path(sys.argv[1])))"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE)
        for _ in range(4)
    ]
    outs = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert len(outs) == 1 and len(outs.pop()) >= 40
    assert [p.name for p in tmp_path.iterdir()] == ["secret"]  # no temporary left behind


@pytest.mark.parametrize(
    ("secret", "host", "ok"),
    [
        (DEV_SECRET, "0.0.0.0", False),
        (DEV_SECRET, "10.1.2.3", False),
        ("short", "0.0.0.0", False),
        (DEV_SECRET, "127.0.0.1", True),
        (DEV_SECRET, "localhost", True),
        (DEV_SECRET, "::1", True),
        ("x" * 32, "0.0.0.0", True),
        ("", "0.0.0.0", True),  # the install's own, generated
    ],
)
def test_development_secret_refused_off_loopback(
    tmp_path: Path, secret: str, host: str, ok: bool
) -> None:
    settings = Settings(var_dir=tmp_path, secret_key=secret, host=host)
    if ok:
        assert session_secret(settings)
        return
    with pytest.raises(InsecureSecret) as exc:
        session_secret(settings)
    assert "WATCHFLOOR_SECRET" in str(exc.value) and host in str(exc.value)


def test_web_process_will_not_start_with_the_dev_secret_on_a_shared_network(
    settings: Settings, r: redis.Redis
) -> None:
    with pytest.raises(InsecureSecret):
        create_server(settings.with_(secret_key=DEV_SECRET, host="0.0.0.0"))


# --- forged cookies -------------------------------------------------------------


@pytest.mark.parametrize("signed_with", ["dev", "install"])
def test_forged_admin_cookie_opens_nothing_and_creates_no_admin(
    client: TestClient, settings: Settings, engine: Engine, signed_with: str
) -> None:
    # The attack: a cookie claiming to be a kiosk screen with the admin role, signed with the
    # development secret from the source (or even the install's own secret, if it leaked).
    secret = DEV_SECRET if signed_with == "dev" else session_secret(settings)
    claim = {"u": "kiosk:x", "n": "x", "r": "admin", "x": now_ms() + 86_400_000}
    client.cookies.set(auth.SESSION_COOKIE, forged(secret, claim))
    page = client.get("/admin", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    body = create_admin_body(client, "intruder")
    made = client.post("/_dash-update-component", json=body, headers=origin(client))
    assert made.status_code == 401
    assert client.get("/api/snapshot").status_code == 401
    # a well-signed random session id that SQL does not know is refused as well
    client.cookies.set(auth.SESSION_COOKIE, forged(session_secret(settings), "made-up-id"))
    assert client.get("/api/snapshot").status_code == 401
    with engine.connect() as conn:
        found = select(users_table.c.username).where(users_table.c.username == "intruder")
        assert conn.execute(found).first() is None


# --- revocation -------------------------------------------------------------------


def test_cookie_stops_working_after_sign_out(client: TestClient, engine: Engine) -> None:
    officer = make_user(engine, "officer")
    login_client(client, officer.username)
    stolen = client.cookies.get(auth.SESSION_COOKIE)
    assert client.get("/api/snapshot").status_code == 200
    client.get("/logout", follow_redirects=False)
    client.cookies.set(auth.SESSION_COOKIE, stolen or "")  # replayed after signing out
    assert client.get("/api/snapshot").status_code == 401


def test_password_change_and_disable_end_every_session(client: TestClient, engine: Engine) -> None:
    officer = make_user(engine, "officer")
    login_client(client, officer.username)
    assert client.get("/api/snapshot").status_code == 200
    with engine.begin() as conn:
        users.set_password(conn, officer.username, "a-new-password-1")
    assert client.get("/api/snapshot").status_code == 401
    login_client(client, officer.username, "a-new-password-1")
    assert client.get("/api/snapshot").status_code == 200
    with engine.begin() as conn:
        users.set_disabled(conn, officer.username, True)
        users.set_disabled(conn, officer.username, False)
    assert client.get("/api/snapshot").status_code == 401  # enabling again revives nothing


def test_role_comes_from_the_account_not_the_cookie(client: TestClient, engine: Engine) -> None:
    officer = make_user(engine, "officer")
    login_client(client, officer.username)
    assert client.get("/admin").status_code == 403
    with engine.begin() as conn:
        conn.execute(
            users_table.update()
            .where(users_table.c.username == officer.username)
            .values(role="admin")
        )
    assert client.get("/admin").status_code == 200


def test_revoked_kiosk_token_ends_its_screens(client: TestClient, engine: Engine) -> None:
    label = f"hall screen {uuid.uuid4().hex[:6]}"  # other tests make kiosk tokens too
    token = kiosk_token(engine, label)
    assert client.get(f"/?kiosk={token}").status_code == 200
    assert client.get("/api/snapshot").status_code == 200  # on the session cookie alone
    assert client.get(f"/?kiosk={token}").status_code == 200
    with engine.connect() as conn:
        listed = [k for k in users.list_kiosks(conn) if k["label"] == label]
        live = [s for s in sessions.list_sessions(conn) if s["who"] == f"kiosk:{label}"]
    assert len(listed) == 1 and not listed[0]["revoked"]
    assert len(live) == 1  # reloading the wall does not pile up sessions
    with engine.begin() as conn:
        users.revoke_kiosk(conn, str(listed[0]["id"]))
    assert client.get("/api/snapshot").status_code == 401
    assert client.get(f"/?kiosk={token}", follow_redirects=False).status_code == 303
    with (
        pytest.raises(WebSocketDisconnect) as exc,
        client.websocket_connect(f"/ws/live?kiosk={token}", headers=origin(client)) as ws,
    ):
        ws.receive_text()
    assert exc.value.code == 4401


def test_sessions_listed_and_ended_by_id(client: TestClient, engine: Engine) -> None:
    officer = make_user(engine, "officer")
    login_client(client, officer.username)
    with engine.connect() as conn:
        mine = [s for s in sessions.list_sessions(conn) if s["who"] == officer.username]
    assert len(mine) == 1
    assert mine[0]["address"] == "testclient" and int(str(mine[0]["since"])) <= now_ms()
    with engine.begin() as conn:
        assert sessions.revoke_session(conn, "0000") == 0  # too short to name one
        assert sessions.revoke_session(conn, str(mine[0]["id"])) == 1
    assert client.get("/api/snapshot").status_code == 401


def test_one_indexed_read_per_request(client: TestClient, engine: Engine) -> None:
    officer = make_user(engine, "officer")
    login_client(client, officer.username)
    client.get("/api/snapshot")  # last_seen was just written at sign-in
    statements: list[str] = []

    def seen(_conn: Any, _cur: Any, statement: str, *_a: Any) -> None:
        statements.append(statement)

    web = client.app.state.services.engine  # type: ignore[attr-defined]
    event.listen(web, "before_cursor_execute", seen)
    try:
        assert client.get("/api/snapshot").status_code == 200
    finally:
        event.remove(web, "before_cursor_execute", seen)
    assert len(statements) == 1 and "FROM sessions" in statements[0]
    assert "WHERE sessions.id_hash = " in statements[0]


def test_admin_page_lists_and_revokes_sessions_and_kiosks(
    client: TestClient, engine: Engine
) -> None:
    lobby = f"lobby {uuid.uuid4().hex[:6]}"
    kiosk_token(engine, lobby)
    admin = make_user(engine, "admin")
    login_client(client, admin.username)
    with engine.connect() as conn:
        kid = next(str(k["id"]) for k in users.list_kiosks(conn) if k["label"] == lobby)
    deps = client.get("/_dash-dependencies").json()
    spec = next(d for d in deps if f"{ids.ADM_ACCESS}.children" in d["output"])
    assert any(i["id"].startswith("{") for i in spec["inputs"])  # the per-row buttons
    pressed = {"type": ids.ADM_REVOKE_KIOSK, "id": kid}
    body = {
        "output": spec["output"],
        "outputs": [
            {"id": ids.ADM_ACCESS_RESULT, "property": "children"},
            {"id": ids.ADM_ACCESS, "property": "children"},
        ],
        "inputs": [
            [],
            [{"id": pressed, "property": "n_clicks", "value": 1}],
            {"id": ids.ADM_RESULT, "property": "children", "value": None},
        ],
        "changedPropIds": [
            json.dumps(pressed, separators=(",", ":"), sort_keys=True) + ".n_clicks"
        ],
    }
    resp = client.post("/_dash-update-component", json=body, headers=origin(client))
    assert resp.status_code == 200, resp.text
    out = resp.json()["response"]
    assert "revoked" in str(out[ids.ADM_ACCESS_RESULT]["children"])
    assert admin.username in json.dumps(out[ids.ADM_ACCESS]["children"])  # the sessions list
    with engine.connect() as conn:
        assert next(k for k in users.list_kiosks(conn) if k["id"] == kid)["revoked"]


def test_cli_lists_and_revokes_kiosks_and_sessions(
    settings: Settings,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dashboard.cli import main

    corridor = f"corridor {uuid.uuid4().hex[:6]}"
    kiosk_token(engine, corridor)
    with engine.begin() as conn:
        sid = sessions.open_session(conn, 600, "10.0.0.9", "test", username="someone")
    # the CLI reads its own Settings: point it at the test's database
    monkeypatch.setenv("DATABASE_URL", settings.database_url or "")
    monkeypatch.setenv("WATCHFLOOR_VAR", str(settings.var_dir))
    assert main(["kiosk", "list"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if corridor in line)
    kid = row.split("\t")[0]
    assert main(["kiosk", "revoke", kid]) == 0
    assert "revoked" in capsys.readouterr().out
    assert main(["kiosk", "revoke", "zz"]) == 2
    assert main(["session", "list"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "\tsomeone\t" in x)
    assert "from 10.0.0.9" in line
    assert main(["session", "revoke", line.split("\t")[0]]) == 0
    with engine.begin() as conn:
        assert sessions.check_session(conn, sid) is None
        assert next(k for k in users.list_kiosks(conn) if k["label"] == corridor)["revoked"]


@pytest.mark.parametrize("how", ["kiosk token revoked", "officer signed out"])
def test_open_websocket_closes_once_its_session_ends(
    client: TestClient,
    engine: Engine,
    settings: Settings,
    r: redis.Redis,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    from dashboard.auth import gate

    monkeypatch.setattr(gate, "RECHECK_S", 0.0)  # check at every message (30 s by default)
    label = f"night screen {uuid.uuid4().hex[:6]}"
    token = kiosk_token(engine, label)
    officer = make_user(engine, "officer")
    if how.startswith("officer"):
        login_client(client, officer.username)
    path = f"/ws/live?kiosk={token}" if how.startswith("kiosk") else "/ws/live"
    with client.websocket_connect(path, headers=origin(client)) as ws:
        assert json.loads(ws.receive_text())["type"] == "snapshot"
        while r.pubsub_numsub(settings.key("live"))[0][1] == 0:
            pass  # the hub's reader subscribes asynchronously
        r.publish(settings.key("live"), json.dumps({"type": "delta", "seq": 1}))
        assert json.loads(ws.receive_text())["seq"] == 1  # still good: delivered
        with engine.begin() as conn:
            if how.startswith("kiosk"):
                kid = next(str(k["id"]) for k in users.list_kiosks(conn) if k["label"] == label)
                users.revoke_kiosk(conn, kid)
            else:
                sessions.close_sessions_of(conn, officer.username)
        r.publish(settings.key("live"), json.dumps({"type": "delta", "seq": 2}))
        with pytest.raises(WebSocketDisconnect) as exc:
            ws.receive_text()
        assert exc.value.code == 4401


def test_expired_sessions_are_refused_and_forgotten(client: TestClient, engine: Engine) -> None:
    officer = make_user(engine, "officer")
    with engine.begin() as conn:
        old = sessions.open_session(conn, -1, "10.0.0.1", "old", username=officer.username)
        assert sessions.check_session(conn, old) is None  # expired: refused
    login_client(client, officer.username)  # each sign-in forgets expired sessions
    with engine.connect() as conn:
        left = conn.execute(
            select(func.count())
            .select_from(sessions_table)
            .where(sessions_table.c.id_hash == sessions.digest(old))
        ).scalar_one()
    assert left == 0
