"""Sensor readings applied: live state, and the incidents their alarms open.

Readings from sensor ids that are not registered are counted (with a bounded sample of
the ids, for /status) and otherwise ignored: a misconfigured gateway must not grow the
live state without bound.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from feeds import constants as K
from feeds.ingest.entries import Dead, Entry, decode
from feeds.ingest.reports import commit, locate, outside
from feeds.schemas import SensorReading, decode_reading

if TYPE_CHECKING:
    from feeds.ingest.worker import Worker

log = logging.getLogger("watchfloor.ingest")


def apply_readings(w: Worker, entries: list[Entry]) -> None:
    decoded: list[SensorReading]
    decoded, dead = decode(entries, decode_reading)
    readings, unknown = screen(w, entries, decoded, dead)
    if unknown:
        count_unknown(w, unknown)
    alarms, clears = w.sensing.apply(readings, w.dirty)
    w.history.collect(readings)  # the per-minute history (feeds/minutes)
    located, _ = locate(w, alarms)
    commit(w, K.STREAM_SENSORS, entries, located, dead, clears)


def screen(
    w: Worker, entries: list[Entry], decoded: list[SensorReading], dead: list[Dead]
) -> tuple[list[SensorReading], list[SensorReading]]:
    """Readings of registered sensors, and those of unknown ones; far-away ones to ``dead``."""
    known, unknown = [], []
    sensors = w.ref.sensors
    by_id: dict[str | None, Entry] = {}
    for reading in decoded:
        if reading.sensor not in sensors:
            unknown.append(reading)
        elif reading.lon is not None and (problem := outside(w, reading.lon, reading.lat)):
            by_id = by_id or {e[1].get("id"): e for e in entries}
            eid, fields = by_id[reading.id]
            dead.append((eid, fields, problem))
        else:
            known.append(reading)
    return known, unknown


def count_unknown(w: Worker, unknown: list[SensorReading]) -> None:
    latest = {r.sensor: r.ts for r in unknown}
    pipe = w.r.pipeline(transaction=False)
    pipe.hincrby(w.s.key(K.K_COUNTERS), K.C_UNKNOWN_SENSOR, len(unknown))
    pipe.zadd(w.s.key(K.K_UNKNOWN_SENSORS), latest)
    pipe.zremrangebyrank(w.s.key(K.K_UNKNOWN_SENSORS), 0, -K.UNKNOWN_SENSOR_SAMPLE - 1)
    total = pipe.execute()[0]
    if w.due("warn-unknown-sensors", 60.0):
        log.warning(
            "readings of unregistered sensors ignored: %d so far, e.g. %s",
            total,
            ", ".join(sorted(latest)[:5]),
        )
