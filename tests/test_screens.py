"""Screens get only what they draw: no complaint text or contact in the snapshot or deltas."""

from __future__ import annotations

import json

import redis
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from dashboard.app import create_server
from feeds.ingest import Worker
from feeds.live import summary
from feeds.settings import Settings
from tests.helpers import REPORTS, drain, report, xadd
from tests.signin import kiosk_token, origin

SECRET_TEXT = "三楼住户深夜噪音扰民"
PHONE = "13812345678"


def test_report_text_never_reaches_a_kiosk_screen(
    settings: Settings, r: redis.Redis, worker: Worker, engine: Engine
) -> None:
    with TestClient(create_server(settings)) as client:
        token = kiosk_token(engine)
        with client.websocket_connect(f"/ws/live?kiosk={token}", headers=origin(client)) as ws:
            assert json.loads(ws.receive_text())["type"] == "snapshot"
            while r.pubsub_numsub(settings.key("live"))[0][1] == 0:
                pass  # the hub's reader subscribes asynchronously
            rep = report(text=SECRET_TEXT, contact=PHONE, reporter="居民 王")
            xadd(r, settings, REPORTS, rep)
            drain(worker)
            assert worker.publish(force=True)
            delta = ws.receive_text()
            assert rep.id in delta
            assert SECRET_TEXT not in delta and PHONE not in delta and "王" not in delta
        client.get(f"/?kiosk={token}")
        snap = client.get("/api/snapshot")
        assert snap.status_code == 200 and rep.id in snap.text
        assert SECRET_TEXT not in snap.text and PHONE not in snap.text
        with client.websocket_connect("/ws/live", headers=origin(client)) as ws:
            first = ws.receive_text()
            assert rep.id in first and SECRET_TEXT not in first and PHONE not in first
        item = snap.json()["incidents"][rep.id]
        # exactly what assets/wall.js draws (marker, colour, countdown, board line)
        assert set(item) == {
            *("id", "state", "stage", "cat", "pri", "kind", "at"),
            *("lon", "lat", "grid", "due", "amber"),
        }


def test_summary_keys_are_what_the_wall_draws() -> None:
    row = {
        "id": "R1",
        "state": "reported",
        "category": "noise",
        "lon": 120.2,
        "lat": 30.2,
        "micro_grid": "g",
        "reported_at": 1000,
        "due_accept": 61_000,
        "text": SECRET_TEXT,
        "contact": PHONE,
        "kind": "complaint",
        "priority": "normal",
        "source": "qr",
        "unit": None,
        "joint_units": "[]",
    }
    out = summary(row)
    assert SECRET_TEXT not in json.dumps(out, ensure_ascii=False) and out["due"] == 61_000
