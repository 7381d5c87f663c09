"""Sensors and crowds: the sensor registry (registering, forgetting the unregistered), each
sensor's status (online, offline, alarm) and drawing meta, the people per crowd zone and
the per-sensor crowd readings the heat image is rendered from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from feeds import constants as K
from feeds.live.base import LiveBase


class Sensors(LiveBase):
    def zones(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.r.hgetall(self.k(K.K_CROWD_ZONE)).items()}

    def crowd_sensors(self) -> dict[str, tuple[float, float, int]]:
        """sensor -> (lon, lat, people): what the heat image is rendered from (never sent raw)."""
        out: dict[str, tuple[float, float, int]] = {}
        for sensor, v in self.r.hgetall(self.k(K.K_CROWD_SENSOR)).items():
            _zone, lon, lat, people, _ts = v.split("|")
            out[sensor] = (float(lon), float(lat), int(float(people)))
        return out

    def register_sensors(self, meta: Mapping[str, str]) -> None:
        """Known sensors, so that one never heard from shows as offline."""
        if meta:
            self.r.hset(self.k(K.K_SENSOR_META), mapping=dict(meta))

    def forget_sensors(self, known: set[str]) -> None:
        """Drop sensors that are not registered from every per-sensor hash."""
        keys = (K.K_SENSOR_META, K.K_SENSOR_SEEN, K.K_SENSOR_STATUS, K.K_CROWD_SENSOR)
        for key in keys:
            stale = [s for s in self.r.hkeys(self.k(key)) if s not in known]
            for i in range(0, len(stale), 1000):
                self.r.hdel(self.k(key), *stale[i : i + 1000])

    def sensor_status(self, now: int) -> dict[str, str]:
        pipe = self.r.pipeline(transaction=False)
        pipe.hkeys(self.k(K.K_SENSOR_META))
        pipe.hgetall(self.k(K.K_SENSOR_SEEN))
        pipe.hgetall(self.k(K.K_SENSOR_ALARM))
        known, seen, alarm = pipe.execute()
        limit = now - K.SENSOR_OFFLINE_AFTER_S * 1000
        out = dict.fromkeys(known, "offline")
        out.update({s: ("online" if int(t) >= limit else "offline") for s, t in seen.items()})
        for s in alarm:
            out[s] = "alarm"
        return out

    def sensor_meta(self) -> dict[str, list[Any]]:
        """sensor -> [kind, lon, lat] for drawing them."""
        out: dict[str, list[Any]] = {}
        for sensor, v in self.r.hgetall(self.k(K.K_SENSOR_META)).items():
            kind, lon, lat, _zone = v.split("|")
            out[sensor] = [kind, float(lon), float(lat)]
        return out
