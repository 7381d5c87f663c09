"""A replay session: the replay clock (period, speed, playing or paused, position), kept
in Redis so that every web process and every screen on the session sees the same one."""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, replace
from typing import Any

import redis

from feeds import constants as K
from feeds.settings import Settings

SPEEDS = (1, 10, 60, 600)
MAX_SPEED = 600


@dataclass(frozen=True)
class Clock:
    """Where a replay is: ``position`` at wall time ``anchor``, moving at ``speed`` when
    playing. ``version`` changes on every jump, so that screens redraw from a snapshot."""

    start: int
    end: int
    speed: int = 60
    playing: bool = True
    position: int = 0
    anchor: int = 0
    version: int = 0

    def at(self, now: int) -> int:
        if not self.playing:
            return self.position
        return max(self.start, min(self.end, self.position + (now - self.anchor) * self.speed))

    def play(self, now: int) -> Clock:
        here = self.at(now)
        if here >= self.end:  # played to the end: start again
            return replace(
                self, playing=True, position=self.start, anchor=now, version=self.version + 1
            )
        return replace(self, playing=True, position=here, anchor=now)

    def pause(self, now: int) -> Clock:
        return replace(self, playing=False, position=self.at(now), anchor=now)

    def with_speed(self, speed: int, now: int) -> Clock:
        if not 1 <= speed <= MAX_SPEED:
            raise ValueError(f"speed must be 1 to {MAX_SPEED}, got {speed}")
        return replace(self, speed=speed, position=self.at(now), anchor=now)

    def seek(self, t: int, now: int) -> Clock:
        here = max(self.start, min(self.end, t))
        return replace(self, position=here, anchor=now, version=self.version + 1)

    def info(self, sid: str, now: int) -> dict[str, Any]:
        """What screens are told about the session with every frame."""
        return {
            "id": sid,
            "from": self.start,
            "to": self.end,
            "speed": self.speed,
            "playing": self.playing and self.at(now) < self.end,
            "at": self.at(now),
        }


def new_clock(start: int, end: int, speed: int, position: int | None, now: int) -> Clock:
    here = start if position is None else max(start, min(end, position))
    return Clock(start, end, speed, True, here, now).with_speed(speed, now)


class Sessions:
    def __init__(self, r: redis.Redis, settings: Settings) -> None:
        self.r = r
        self.s = settings

    def _key(self, sid: str) -> str:
        return self.s.key(K.K_REPLAY_SESSION + sid)

    def create(self, clock: Clock) -> str:
        sid = secrets.token_urlsafe(9)
        self.put(sid, clock)
        return sid

    def put(self, sid: str, clock: Clock) -> None:
        fields = {k: int(v) for k, v in asdict(clock).items()}
        pipe = self.r.pipeline(transaction=True)
        pipe.hset(self._key(sid), mapping=fields)
        pipe.expire(self._key(sid), K.REPLAY_SESSION_TTL_S)
        pipe.execute()

    def get(self, sid: str) -> Clock | None:
        if not sid or len(sid) > 40:
            return None
        raw = self.r.hgetall(self._key(sid))
        if not raw:
            return None
        v = {k: int(x) for k, x in raw.items()}
        return Clock(
            v["start"],
            v["end"],
            v["speed"],
            bool(v["playing"]),
            v["position"],
            v["anchor"],
            v["version"],
        )

    def touch(self, sid: str) -> None:
        self.r.expire(self._key(sid), K.REPLAY_SESSION_TTL_S)
