"""The replay clock, the period a URL asks for, and the replay web endpoints in-process."""

from __future__ import annotations

import json

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from starlette.websockets import WebSocketDisconnect

from dashboard.app import create_server
from dashboard.auth.rules import path_allowed
from feeds.ingest import Worker
from feeds.replay.period import PeriodError, last_night, local, parse_moment, parse_period
from feeds.replay.session import Clock, Sessions, new_clock
from feeds.settings import Settings
from tests.helpers import REPORTS, drain, report, xadd
from tests.signin import kiosk_token, origin

TZ = "Asia/Shanghai"
H = 3_600_000
T0 = parse_moment("2026-11-30T18:00", TZ)


def test_the_clock_plays_pauses_changes_speed_and_seeks() -> None:
    c = new_clock(T0, T0 + 5 * H, 60, None, now=1_000)
    assert c.at(1_000) == T0 and c.at(2_000) == T0 + 60_000  # a second is a minute at 60x
    p = c.pause(11_000)
    assert not p.playing and p.at(11_000) == p.at(99_000) == T0 + 600_000
    fast = p.play(20_000).with_speed(600, 20_000)
    assert fast.at(21_000) == T0 + 600_000 + 600_000
    jumped = fast.seek(T0 + 3 * H, 30_000)
    assert jumped.at(30_000) == T0 + 3 * H and jumped.version == fast.version + 1
    assert jumped.at(10**9) == T0 + 5 * H  # never past the end
    again = jumped.pause(10**9).play(10**9 + 1)  # at the end, play starts over
    assert again.at(10**9 + 1) == T0 and again.version == jumped.version + 1
    assert c.seek(T0 - H, 0).at(0) == T0  # never before the start
    with pytest.raises(ValueError, match="speed"):
        c.with_speed(601, 0)
    info = jumped.info("abc", 30_000)
    assert info == {
        "id": "abc",
        "from": T0,
        "to": T0 + 5 * H,
        "speed": 600,
        "playing": True,
        "at": T0 + 3 * H,
    }


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("2026-11-30T18:00", T0),
        ("2026-11-30 18:00:30", T0 + 30_000),
        ("2026-11-30T10:00Z", T0),  # 18:00 in Shanghai
        ("2026-11-30T18:00+08:00", T0),
        (str(T0), T0),
    ],
)
def test_moments_are_local_times(text: str, ms: int) -> None:
    assert parse_moment(text, TZ) == ms


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-11-30T18:00", "FROM,TO"),
        ("2026-11-30T23:00,2026-11-30T18:00", "end after it starts"),
        ("2026-10-01T00:00,2026-11-30T18:00", "31 days"),
        ("yesterday,today", "not a time"),
    ],
)
def test_bad_periods_say_why(text: str, reason: str) -> None:
    with pytest.raises(PeriodError, match=reason):
        parse_period(text, TZ, now=T0 + 10 * H)


def test_a_period_ends_no_later_than_now_and_last_night_is_the_last_evening_over() -> None:
    assert parse_period("2026-11-30T18:00,2026-11-30T23:00", TZ, now=T0 + H) == (T0, T0 + H)
    assert last_night(T0 + 5 * H + 1, TZ) == (T0, T0 + 5 * H)  # 23:00:00.001: tonight's
    assert last_night(T0 + 4 * H, TZ) == (T0 - 24 * H, T0 - 19 * H)  # 22:00: yesterday's
    assert local(T0, TZ) == "2026-11-30T18:00:00"


def test_sessions_live_in_redis(r: redis.Redis, settings: Settings) -> None:
    sessions = Sessions(r, settings)
    clock = Clock(T0, T0 + H, 10, False, T0 + 5, 123, 2)
    sid = sessions.create(clock)
    assert sessions.get(sid) == clock
    assert sessions.get("nope") is None and sessions.get("x" * 100) is None
    assert 0 < r.ttl(settings.key("replay:session:" + sid)) <= 12 * 3600


@pytest.mark.parametrize("role", ["wall", "officer", "leader", "admin"])
def test_every_signed_in_role_may_open_a_replay(role: str) -> None:
    for path in ("/ws/replay", "/api/replay/abc", "/api/replay/heat.png"):
        assert path_allowed(role, path)
    assert not path_allowed("nobody", "/ws/replay")


def test_replay_over_websocket_and_its_controls(
    settings: Settings, r: redis.Redis, worker: Worker, engine: Engine
) -> None:
    rep = report()
    xadd(r, settings, REPORTS, rep)
    drain(worker)
    start, end = (rep.ts - 60_000) // 1000 * 1000, (rep.ts + 2_000) // 1000 * 1000
    period = f"{local(start, settings.timezone)},{local(end, settings.timezone)}"
    with TestClient(create_server(settings)) as client:
        token = kiosk_token(engine)
        assert client.get(f"/healthz?kiosk={token}").status_code == 200  # a wall screen signs in
        url = f"/ws/replay?replay={period}&speed=600&paused=1"
        with client.websocket_connect(url, headers=origin(client)) as ws:
            snap = json.loads(ws.receive_text())
            assert snap["type"] == "snapshot" and snap["t"] == start  # paused at the start
            assert snap["incidents"] == {} and snap["rate"] == 0
            sid = snap["replay"]["id"]
            ok = client.post(
                f"/api/replay/{sid}", json={"do": "seek", "at": str(rep.ts)}, headers=origin(client)
            )
            assert ok.status_code == 200 and ok.json()["at"] == rep.ts
            while (msg := json.loads(ws.receive_text())).get("type") != "snapshot":
                pass  # heartbeats until the jump
            assert list(msg["incidents"]) == [rep.id] and msg["headline"]["reports"] == 1
        bad = client.post(f"/api/replay/{sid}", json={"do": "fly"}, headers=origin(client))
        assert bad.status_code == 400 and "fly" in bad.json()["detail"]
        gone = client.post("/api/replay/nope", json={"do": "play"}, headers=origin(client))
        assert gone.status_code == 404
        with (
            pytest.raises(WebSocketDisconnect) as exc,
            client.websocket_connect("/ws/replay?replay=soon,later", headers=origin(client)) as ws,
        ):
            ws.receive_text()
        assert exc.value.code == 4400
