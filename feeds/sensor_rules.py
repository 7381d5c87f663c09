"""Sensor rules: thresholds per kind turn readings into alarms, alarms into incidents.

Limits with hysteresis (raise above ``on``, clear below ``off``) so that a
reading hovering at the limit does not open an incident a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from feeds.schemas import Priority, Report, SensorReading
from feeds.vocab import SENSOR_KINDS

Change = Literal["raise", "clear"] | None
CROWD_CLEAR_SHARE = 0.9


@dataclass(frozen=True)
class Threshold:
    on: float
    off: float
    category: str
    priority: Priority
    latching: bool = True  # False: every reading over the limit is an event of its own


THRESHOLDS: dict[str, Threshold] = {
    # ammonia ppm: 25 is the workplace exposure limit
    "gas": Threshold(25.0, 15.0, "gas_leak", "urgent"),
    # restaurant fumes mg/m3: GB 18483 allows 2.0
    "fume": Threshold(2.0, 1.5, "fume", "ordinary"),
    # 1 = the camera saw a violation (uncovered load, wheels not washed, off route)
    "muck_truck": Threshold(1.0, 0.5, "muck_truck", "ordinary", latching=False),
    # volts on a 48 V pack: over 58.8 is over-charge
    "ebike_charging": Threshold(58.8, 56.0, "ebike_charging", "ordinary"),
}


def threshold_change(kind: str, value: float, alarming: bool) -> Change:
    rule = THRESHOLDS.get(kind)
    if rule is None:
        return None
    if value >= rule.on and (not alarming or not rule.latching):
        return "raise"
    if alarming and value < rule.off:
        return "clear"
    return None


def crowd_change(people: float, capacity: int | None, alerting: bool) -> Change:
    if not capacity:
        return None
    if people > capacity and not alerting:
        return "raise"
    if alerting and people < CROWD_CLEAR_SHARE * capacity:
        return "clear"
    return None


def alarm_report(reading: SensorReading, lon: float, lat: float) -> Report:
    rule = THRESHOLDS[reading.kind]
    name = SENSOR_KINDS.get(reading.kind, (reading.kind,))[0]
    return Report(
        id=f"alarm:{reading.id}",
        source="sensor",
        kind="alarm",
        category=rule.category,
        ts=reading.ts,
        text=f"{name} {reading.sensor}: {reading.value:g} {reading.unit}（阈值 {rule.on:g}）",
        lon=lon,
        lat=lat,
        priority=rule.priority,
        reporter=reading.sensor,
    )


def crowd_report(
    reading: SensorReading,
    zone: str,
    zone_name: str,
    people: int,
    capacity: int,
    lon: float,
    lat: float,
) -> Report:
    return Report(
        id=f"crowd:{zone}:{reading.id}",
        source="sensor",
        kind="alarm",
        category="crowd",
        ts=reading.ts,
        text=f"{zone_name} 人数 {people:,} 超过承载量 {capacity:,}",
        lon=lon,
        lat=lat,
        priority="urgent",
        reporter=zone,
    )
