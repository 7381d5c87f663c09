"""The web process in-process: snapshot on connect, then deltas pushed as the worker applies."""

from __future__ import annotations

import json

import redis
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from dashboard.app import create_server
from feeds.ingest import Worker
from feeds.settings import Settings
from feeds.users import User
from tests.helpers import REPORTS, drain, report, xadd
from tests.signin import login_client, origin


def test_snapshot_then_live_delta_over_websocket(
    settings: Settings, r: redis.Redis, worker: Worker, engine: Engine, officer: User
) -> None:
    with TestClient(create_server(settings)) as client:
        login_client(client, officer.username)
        with client.websocket_connect("/ws/live", headers=origin(client)) as ws:
            snap = json.loads(ws.receive_text())
            assert snap["type"] == "snapshot" and snap["incidents"] == {}
            assert set(snap["board"]) == {"accept", "dispatch", "arrive"}
            hub = client.app.state.hub  # type: ignore[attr-defined]
            # the hub's reader subscribes asynchronously: wait until Redis has it
            while r.pubsub_numsub(settings.key("live"))[0][1] == 0:
                pass
            assert hub.subscribers
            rep = report(text="<b>hostile</b>")
            xadd(r, settings, REPORTS, rep)
            drain(worker)
            assert worker.publish(force=True)
            delta = json.loads(ws.receive_text())
            assert [i["id"] for i in delta["upsert"]] == [rep.id]
            assert delta["upsert"][0]["text"] == "<b>hostile</b>"  # data, escaped by the page
            assert delta["board"]["accept"]["n"] == 1
            assert delta["headline"]["reports"] == 1


def test_snapshot_endpoint_and_health(
    settings: Settings, r: redis.Redis, engine: Engine, officer: User
) -> None:
    with TestClient(create_server(settings)) as client:
        login_client(client, officer.username)
        assert client.get("/healthz").json()["ok"] is True
        snap = client.get("/api/snapshot").json()
        assert snap["headline"]["open"] == 0


def test_status_page_renders(
    settings: Settings, r: redis.Redis, engine: Engine, officer: User
) -> None:
    with TestClient(create_server(settings)) as client:
        login_client(client, officer.username)
        page = client.get("/status")
        assert page.status_code == 200
        assert "_dash-renderer" in page.text or "dash_renderer" in page.text
