"""Sensor readings applied to live state, in two pipelined round trips a batch.

Returns the reports that alarms and crowd alerts open as incidents. Raising is
atomic across workers (HSETNX); the value kept is the id of the reading that
raised it, so a replay of that same reading re-creates its incident (an
idempotent insert) instead of losing it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import redis

from feeds import constants as K
from feeds import records
from feeds.clock import day_key
from feeds.live import Dirty, Live
from feeds.records import Row
from feeds.reference import Reference
from feeds.schemas import Report, SensorReading
from feeds.sensor_rules import (
    THRESHOLDS,
    alarm_report,
    crowd_change,
    crowd_report,
    threshold_change,
)


@dataclass
class _Batch:
    latest: dict[str, SensorReading] = field(default_factory=dict)
    position: dict[str, tuple[float, float, str | None]] = field(default_factory=dict)


def cleared(incident_id: str, reading: SensorReading, value: float) -> Row:
    """The trail row that ends an alarm's episode: SQL then knows it is over (after Redis
    loses its data, alarm state is rebuilt from these, see feeds/ingest/alarms.py)."""
    return records.system_trail(
        f"{incident_id}:clear", incident_id, "alarm_clear", reading.ts, value=value
    )


class Sensing:
    def __init__(self, r: redis.Redis, live: Live, ref: Reference) -> None:
        self.r = r
        self.live = live
        self.ref = ref
        self.k = live.k
        self._meta_written: dict[str, str] = {}

    def _where(self, reading: SensorReading) -> tuple[float, float, str | None]:
        known = self.ref.sensors.get(reading.sensor)
        lon = reading.lon if reading.lon is not None else (known.lon if known else 0.0)
        lat = reading.lat if reading.lat is not None else (known.lat if known else 0.0)
        zone = reading.zone or (known.zone if known else None)
        return lon, lat, zone

    def forget(self) -> None:
        """Redis lost its data: write every sensor's position again."""
        self._meta_written.clear()

    def apply(self, readings: list[SensorReading], dirty: Dirty) -> tuple[list[Report], list[Row]]:
        """The reports alarms open, and the trail rows of alarms that cleared."""
        batch = _Batch()
        for reading in readings:
            prev = batch.latest.get(reading.sensor)
            if prev is None or reading.ts >= prev.ts:
                batch.latest[reading.sensor] = reading
        if not batch.latest:
            return [], []
        for sensor, reading in batch.latest.items():
            batch.position[sensor] = self._where(reading)

        pipe = self.r.pipeline(transaction=False)
        pipe.hset(self.k(K.K_SENSOR_SEEN), mapping={s: r.ts for s, r in batch.latest.items()})
        meta = {}
        for s, reading in batch.latest.items():
            lon, lat, zone = batch.position[s]
            value = f"{reading.kind}|{lon}|{lat}|{zone or ''}"
            if self._meta_written.get(s) != value:
                meta[s] = value
        if meta:
            pipe.hset(self.k(K.K_SENSOR_META), mapping=meta)

        # where each reply we need sits in the results (len(pipe), not its command_stack:
        # a Cluster pipeline keeps its commands elsewhere)
        at: dict[str, int] = {}
        zones: dict[str, dict[str, int]] = {}  # zone -> sensor -> people
        crowd_sensors: dict[str, str] = {}
        for s, reading in batch.latest.items():
            lon, lat, zone = batch.position[s]
            if reading.kind != "crowd" or zone is None:
                continue
            zones.setdefault(zone, {})[s] = int(reading.value)
            crowd_sensors[s] = f"{zone}|{lon}|{lat}|{int(reading.value)}|{reading.ts}"
        if crowd_sensors:
            pipe.hset(self.k(K.K_CROWD_SENSOR), mapping=crowd_sensors)
        for zone, people in zones.items():
            pipe.hset(self.k(K.K_CROWD_ZONE_SENSORS + zone), mapping=people)
            pipe.hvals(self.k(K.K_CROWD_ZONE_SENSORS + zone))
            at["zone:" + zone] = len(pipe) - 1
        watched = [s for s, r in batch.latest.items() if r.kind in THRESHOLDS]
        if watched:
            pipe.hmget(self.k(K.K_SENSOR_ALARM), watched)
            at["alarms"] = len(pipe) - 1
        if zones:
            pipe.hmget(self.k(K.K_CROWD_ALERT), list(zones))
            at["alerts"] = len(pipe) - 1
        day = day_key(max(r.ts for r in batch.latest.values()), self.live.tz)
        pipe.hgetall(self.k(K.K_CROWD_PEAK + day))
        res = pipe.execute()
        self._meta_written.update(meta)
        # Discrete events (a muck truck's violation): every one counts, not just the latest.
        events = [
            r
            for r in readings
            if (rule := THRESHOLDS.get(r.kind)) is not None
            and not rule.latching
            and r.value >= rule.on
        ]

        peak = res[-1]
        alarm_state = res[at["alarms"]] if watched else []
        alert_state = res[at["alerts"]] if zones else []

        totals = {z: sum(int(v) for v in res[at["zone:" + z]]) for z in zones}
        clears: list[Row] = []
        reports = self._changes(
            batch, watched, alarm_state, totals, alert_state, peak, day, dirty, clears
        )
        return reports + [alarm_report(r, *self._where(r)[:2]) for r in events], clears

    def _changes(
        self,
        batch: _Batch,
        watched: list[str],
        alarm_state: list[str | None],
        totals: dict[str, int],
        alert_state: list[str | None],
        peak: dict[str, str],
        day: str,
        dirty: Dirty,
        clears: list[Row],
    ) -> list[Report]:
        pipe = self.r.pipeline(transaction=False)
        raises: list[tuple[str, SensorReading, str | None]] = []  # (hash field, reading, zone)
        for sensor, held in zip(watched, alarm_state, strict=True):
            reading = batch.latest[sensor]
            # A replay of the reading that raised the alarm must raise it again.
            alarming = held is not None and held != reading.id
            change = threshold_change(reading.kind, reading.value, alarming)
            if change == "raise":
                if THRESHOLDS[reading.kind].latching:
                    pipe.hsetnx(self.k(K.K_SENSOR_ALARM), sensor, reading.id)
                    raises.append((sensor, reading, None))
                else:  # its events were taken one by one above; this is its status only
                    pipe.hset(self.k(K.K_SENSOR_ALARM), sensor, reading.id)
                dirty.sensors[sensor] = "alarm"
            elif change == "clear":
                pipe.hdel(self.k(K.K_SENSOR_ALARM), sensor)
                dirty.sensors[sensor] = "online"
                if held is not None and THRESHOLDS[reading.kind].latching:
                    clears.append(cleared(f"alarm:{held}", reading, reading.value))
        if totals:
            pipe.hset(self.k(K.K_CROWD_ZONE), mapping=totals)
            dirty.zones.update(totals)
        best = max(totals.items(), key=lambda kv: kv[1], default=None)
        if best and best[1] > int(peak.get("people", -1)):
            at = max(batch.latest[s].ts for s in batch.latest)
            pipe.hset(
                self.k(K.K_CROWD_PEAK + day),
                mapping={"people": best[1], "zone": best[0], "at": at},
            )
            pipe.expire(self.k(K.K_CROWD_PEAK + day), K.DAY_BUCKET_TTL_S)
        for zone, held in zip(totals, alert_state, strict=True):
            info = self.ref.zones.get(zone)
            newest = max(
                (batch.latest[s] for s in batch.latest if batch.position[s][2] == zone),
                key=lambda r: r.ts,
            )
            alerting = held is not None and held != newest.id
            change = crowd_change(totals[zone], info.capacity if info else None, alerting)
            if change == "raise":
                pipe.hsetnx(self.k(K.K_CROWD_ALERT), zone, newest.id)
                raises.append((zone, newest, zone))
            elif change == "clear":
                pipe.hdel(self.k(K.K_CROWD_ALERT), zone)
                if held is not None:
                    clears.append(cleared(f"crowd:{zone}:{held}", newest, totals[zone]))
        pipe.execute()
        return [self._report(reading, zone, totals) for reading, zone in self._won(raises)]

    def _won(
        self, raises: list[tuple[str, SensorReading, str | None]]
    ) -> list[tuple[SensorReading, str | None]]:
        """Raises this worker won (HSETNX returned 1) or is replaying (value is its own id)."""
        if not raises:
            return []
        out: list[tuple[SensorReading, str | None]] = []
        sensor_fields = [f for f, _, z in raises if z is None]
        zone_fields = [f for f, _, z in raises if z is not None]
        held = self.r.hmget(self.k(K.K_SENSOR_ALARM), sensor_fields) if sensor_fields else []
        alerts = self.r.hmget(self.k(K.K_CROWD_ALERT), zone_fields) if zone_fields else []
        sensor_iter, zone_iter = iter(held), iter(alerts)
        for _field, reading, zone in raises:
            owner = next(zone_iter) if zone is not None else next(sensor_iter)
            if owner == reading.id:
                out.append((reading, zone))
        return out

    def _report(self, reading: SensorReading, zone: str | None, totals: dict[str, int]) -> Report:
        lon, lat, _ = self._where(reading)
        if zone is None:
            return alarm_report(reading, lon, lat)
        info = self.ref.zones[zone]
        return crowd_report(
            reading, zone, info.name, totals[zone], info.capacity, info.lon, info.lat
        )
