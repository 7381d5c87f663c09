"""Replay on the wall: sessions, their controls, their frames over /ws/replay.

Each screen in replay holds its own WebSocket; its frames are made from the session's
replay clock (feeds/replay/session.py) and never go over the live channel, so live
walls are never touched. Screens on the same session id follow the same clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, HTTPException, Request, Response, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse

from dashboard.geo import Geo
from dashboard.hub import until_closed
from dashboard.services import Services
from feeds import constants as K
from feeds.clock import now_ms
from feeds.replay import wire
from feeds.replay.engine import Changes, Cursor, Fixed, Replay
from feeds.replay.period import PeriodError, last_night, local, parse_moment, parse_period
from feeds.replay.session import Clock, Sessions, new_clock

TOUCH_EVERY_S = 60.0


@dataclass(frozen=True)
class ReplayService:
    replay: Replay
    sessions: Sessions
    tz: str

    @classmethod
    def of(cls, services: Services) -> ReplayService:
        with services.engine.connect() as conn:
            fixed = Fixed.load(conn)
        tz = services.settings.timezone
        return cls(
            Replay(services.engine, fixed, tz), Sessions(services.redis, services.settings), tz
        )

    def open(self, params: Mapping[str, str], now: int) -> tuple[str, Clock]:
        """The session the URL names, or a new one from its period, speed and position."""
        sid = params.get("session", "")
        clock = self.sessions.get(sid)
        if clock is not None:
            return sid, clock
        start, end = parse_period(params.get("replay", ""), self.tz, now)
        speed = _speed(params.get("speed", "60"))
        at = parse_moment(params["at"], self.tz) if params.get("at") else None
        clock = new_clock(start, end, speed, at, now)
        if params.get("paused") == "1":
            clock = clock.pause(now)
        return self.sessions.create(clock), clock

    def control(self, sid: str, body: Mapping[str, Any], now: int) -> dict[str, Any]:
        clock = self.sessions.get(sid)
        if clock is None:
            raise KeyError(sid)
        match body.get("do"):
            case "play":
                clock = clock.play(now)
            case "pause":
                clock = clock.pause(now)
            case "speed":
                clock = clock.with_speed(_speed(str(body.get("speed", ""))), now)
            case "seek":
                clock = clock.seek(parse_moment(str(body.get("at", "")), self.tz), now)
            case other:
                raise ValueError(f"unknown replay control {other!r}")
        self.sessions.put(sid, clock)
        return clock.info(sid, now)


class Driver:
    """One screen's replay: a cursor following the session's clock."""

    def __init__(self, svc: ReplayService, sid: str, clock: Clock) -> None:
        self.svc = svc
        self.sid = sid
        self.clock = clock
        self.version = clock.version
        self.cur: Cursor | None = None
        self.sent_at = 0.0

    def first(self) -> str:
        now = now_ms()
        self.cur = self.svc.replay.seek(self.clock.at(now))
        return self._frame({"type": "snapshot", **self.svc.replay.snapshot(self.cur)}, now)

    def step(self) -> str | None:
        """The next frame, or None when nothing moved and a heartbeat is not due."""
        replay, sessions = self.svc.replay, self.svc.sessions
        got = sessions.get(self.sid)
        if got is None:  # expired under us: keep it going
            sessions.put(self.sid, self.clock)
        else:
            self.clock = got
        now = now_ms()
        t = self.clock.at(now)
        if self.clock.playing and t >= self.clock.end:  # played to the end: stop there
            self.clock = self.clock.pause(now)
            sessions.put(self.sid, self.clock)
        assert self.cur is not None
        if self.clock.version != self.version:
            self.version = self.clock.version
            self.cur = replay.seek(t)
            return self._frame({"type": "snapshot", **replay.snapshot(self.cur)}, now)
        if t != self.cur.t:
            changes = replay.advance(self.cur, t)
            if changes is None:
                self.cur = replay.seek(t)
                return self._frame({"type": "snapshot", **replay.snapshot(self.cur)}, now)
            return self._frame(replay.delta(self.cur, changes), now)
        if time.monotonic() - self.sent_at >= K.REPLAY_IDLE_FRAME_S:
            return self._frame(replay.delta(self.cur, Changes()), now)
        return None

    def _frame(self, body: dict[str, Any], now: int) -> str:
        playing = self.clock.playing and self.clock.at(now) < self.clock.end
        body["rate"] = self.clock.speed if playing else 0  # how fast the screen's clock runs
        body["replay"] = self.clock.info(self.sid, now)
        self.sent_at = time.monotonic()
        return wire.encode(body)


def replay_config(period: str | None, tz: str) -> dict[str, Any] | None:
    """What the wall page tells assets/replay.js: the period asked for (or why it cannot
    be replayed) and the "last night" preset; None when the wall is live."""
    if period is None:
        return None
    now = now_ms()
    start, end = last_night(now, tz)
    out: dict[str, Any] = {"preset": f"{local(start, tz)[:16]},{local(end, tz)[:16]}"}
    try:
        out["from"], out["to"] = parse_period(str(period), tz, now)
    except PeriodError as exc:
        out["error"] = str(exc)
    return out


def _speed(value: str) -> int:
    try:
        speed = int(value)
    except ValueError:
        raise PeriodError(f"speed must be a whole number 1-600, got {value!r}") from None
    if not 1 <= speed <= 600:
        raise PeriodError(f"speed must be 1-600, got {speed}")
    return speed


def install(server: FastAPI, services: Services, geo: Geo) -> ReplayService:
    svc = ReplayService.of(services)

    @server.get("/api/replay/heat.png")
    def heat(t: int, seq: str = "") -> Response:
        points = svc.replay.crowd_points(t)
        return Response(
            geo.heat_of(points), media_type="image/png", headers={"Cache-Control": "no-store"}
        )

    @server.post("/api/replay/{sid}")
    async def control(sid: str, request: Request) -> JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            raise HTTPException(400, "expected a JSON body") from None
        if not isinstance(body, dict):
            raise HTTPException(400, "expected a JSON object")
        try:
            info = await asyncio.to_thread(svc.control, sid, body, now_ms())
        except KeyError:
            raise HTTPException(404, "no such replay (it may have expired)") from None
        except ValueError as exc:
            raise HTTPException(400, str(exc)) from None
        return JSONResponse(info)

    @server.websocket("/ws/replay")
    async def ws_replay(ws: WebSocket) -> None:
        await ws.accept()
        try:
            sid, clock = await asyncio.to_thread(svc.open, dict(ws.query_params), now_ms())
        except ValueError as exc:
            await ws.close(code=4400, reason=str(exc)[:120])
            return
        driver = Driver(svc, sid, clock)
        closed = asyncio.get_running_loop().create_task(until_closed(ws))
        touched = time.monotonic()
        try:
            await ws.send_text(await asyncio.to_thread(driver.first))
            due = time.monotonic()
            while True:
                # a steady cadence: the time a frame took comes off the wait for the next
                due = max(due + K.REPLAY_FRAME_S, time.monotonic())
                done, _ = await asyncio.wait({closed}, timeout=due - time.monotonic())
                if closed in done:
                    break
                frame = await asyncio.to_thread(driver.step)
                if frame is not None:
                    await ws.send_text(frame)
                if time.monotonic() - touched > TOUCH_EVERY_S:
                    touched = time.monotonic()
                    await asyncio.to_thread(svc.sessions.touch, sid)
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            closed.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await closed

    return svc
