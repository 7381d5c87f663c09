"""One rule per page whichever way it is reached: GET, or Dash's pages-router callback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import dash
import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from dashboard import ids
from dashboard.app import create_server
from dashboard.auth import gate
from dashboard.personal import mask_fields
from feeds import constants as K
from feeds import signins
from feeds.settings import Settings
from feeds.users import User
from tests.signin import login_client, make_user, origin, router_body

ROLES = ("wall", "officer", "leader", "admin")
# page -> the roles that may open it (README's Pages table says the same)
PAGES: dict[str, tuple[str, ...]] = {
    "/": ROLES,
    "/incidents": ("officer", "leader", "admin"),
    "/incident/R1": ("officer", "leader", "admin"),
    "/status": ("officer", "admin"),
    "/admin": ("admin",),
}


def routed(client: TestClient, pathname: str) -> Any:
    return client.post(
        "/_dash-update-component", json=router_body(pathname), headers=origin(client)
    )


@pytest.fixture(scope="module")
def clients(
    redis_url: str, db_url: str, session_engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, TestClient]]:
    settings = Settings(
        redis_url=redis_url,
        database_url=db_url,
        var_dir=tmp_path_factory.mktemp("rules"),
        key_prefix="test:rules:",
    )
    server = create_server(settings)
    with TestClient(server) as first:
        out = {}
        for role in ROLES:
            c = first if role == "wall" else TestClient(server)
            login_client(c, make_user(session_engine, role).username)
            out[role] = c
        yield out
    r = redis.Redis.from_url(redis_url)
    for key in r.scan_iter(match="test:rules:*"):
        r.delete(key)
    r.close()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_by_get_and_by_router(
    clients: dict[str, TestClient], role: str, path: str
) -> None:
    client = clients[role]
    ok = role in PAGES[path]
    got = client.get(path, follow_redirects=False)
    assert (got.status_code == 200) is ok, (role, path, got.status_code)
    via = routed(client, path)
    assert (via.status_code == 200) is ok, (role, path, via.status_code)
    if not ok:
        assert via.status_code == 403
    # the slash-spellings Dash's router accepts for the same page follow the same rule
    for spelling in (path + "/", "/" + path.strip("/") + "//"):
        assert (routed(client, spelling).status_code == 200) is ok, (role, spelling)


@pytest.mark.parametrize("role", ROLES)
def test_dash_layout_holds_no_page(clients: dict[str, TestClient], role: str) -> None:
    # /_dash-layout (open to every role: the wall needs it) is the empty page container
    layout = clients[role].get("/_dash-layout")
    assert layout.status_code == 200
    assert "_pages_content" in layout.text
    for marker in ("wf-status", "Recent dead letters", "wf-users", "wf-console"):
        assert marker not in layout.text


@pytest.mark.parametrize("role", ROLES)
def test_registered_pages_agree_between_get_and_router(
    clients: dict[str, TestClient], role: str
) -> None:
    # pages added later (figures, replay) get the same treatment by both doors
    for page in dash.page_registry.values():
        path = page["path_template"] or page["path"]
        path = path.replace("<", "").replace(">", "")
        client = clients[role]
        by_get = client.get(path, follow_redirects=False).status_code == 200
        by_router = routed(client, path).status_code == 200
        assert by_get == by_router, (role, path)


@pytest.mark.parametrize("role", ["leader", "wall"])
def test_status_layout_checks_the_role_itself(clients: dict[str, TestClient], role: str) -> None:
    # the lock behind the gate: the layout function refuses on its own
    layout = next(p["layout"] for p in dash.page_registry.values() if p["path"] == "/status")
    token = gate._user.set(User(f"{role}-x", role, role))
    try:
        text = json.dumps(layout().to_plotly_json(), default=str)
        assert "wf-status" not in text and "dead letters" not in text
    finally:
        gate._user.reset(token)


@pytest.mark.parametrize(
    ("fields", "masked"),
    [
        ({"contact": "13812345678"}, {"contact": "***"}),
        ({"text": "call 13812345678 now"}, {"text": "call 138****5678 now"}),
        ({"text": "+86 138-1234-5678"}, {"text": "861******5678"}),
        ({"reporter": "张三", "lon": 120.1}, {"reporter": "***", "lon": 120.1}),
        ({"photos": ["a.jpg"], "n": "12"}, {"photos": ["a.jpg"], "n": "12"}),
        ({"contact": ""}, {"contact": ""}),
    ],
)
def test_mask_fields(fields: dict[str, Any], masked: dict[str, Any]) -> None:
    assert mask_fields(fields) == masked


def test_dead_letters_masked_and_revealed_to_admins_only(
    clients: dict[str, TestClient], redis_url: str, session_engine: Engine
) -> None:
    r = redis.Redis.from_url(redis_url, decode_responses=True)
    stream = "test:rules:" + K.STREAM_DEAD
    fields = {"text": "漏水 13812345678", "contact": "13987654321", "id": "R9"}
    entry = r.xadd(
        stream,
        {"stream": "reports", "reason": "bad", "fields": json.dumps(fields, ensure_ascii=False)},
    )
    try:
        for role in ("officer", "admin"):
            page = routed(clients[role], "/status").text
            assert "13812345678" not in page and "13987654321" not in page
            assert "138****5678" in page
            assert (ids.ADM_DEAD_REVEAL in page) is (role == "admin")
        reveal = {
            "output": json.dumps(
                {"id": ["MATCH"], "type": ids.ADM_DEAD_FIELDS},
                separators=(",", ":"),
                sort_keys=True,
            )
            + ".children",
            "outputs": {"id": {"type": ids.ADM_DEAD_FIELDS, "id": entry}, "property": "children"},
            "inputs": [
                {
                    "id": {"type": ids.ADM_DEAD_REVEAL, "id": entry},
                    "property": "n_clicks",
                    "value": 1,
                }
            ],
            "state": [],
            "changedPropIds": [
                json.dumps(
                    {"id": entry, "type": ids.ADM_DEAD_REVEAL},
                    separators=(",", ":"),
                    sort_keys=True,
                )
                + ".n_clicks"
            ],
        }
        officer = clients["officer"].post(
            "/_dash-update-component", json=reveal, headers=origin(clients["officer"])
        )
        assert officer.status_code == 403
        admin = clients["admin"].post(
            "/_dash-update-component", json=reveal, headers=origin(clients["admin"])
        )
        assert admin.status_code == 200, admin.text
        assert "13987654321" in admin.text
        with session_engine.connect() as conn:  # recorded: who saw which
            shown = signins.recent_reveals(conn, 5)
        assert any(t["target"] == entry and t["what"] == "deadletter" for t in shown)
    finally:
        r.delete(stream)
        r.close()
