"""Crowd and sensors at a moment from the per-minute readings history. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from feeds import constants as K
from feeds.sensor_rules import THRESHOLDS

Row = Mapping[str, Any]
ONLINE_MINUTES = K.SENSOR_OFFLINE_AFTER_S // 60  # a reading this recently: online
LOOKBACK_MINUTES = 5  # a counter's value stands this long after its last reading

Latest = Mapping[str, tuple[int, Row]]  # reading key -> (minute, its reading_minutes row)


def sensor_status(known: Mapping[str, str], latest: Latest, minute: int) -> dict[str, str]:
    """online / offline / alarm per known sensor (id -> kind) at a minute.

    From minute summaries: online when a reading fell in the last two minutes; alarming
    when the latest minute's highest reading was over the kind's alarm limit.
    """
    out: dict[str, str] = {}
    for sensor, kind in known.items():
        got = latest.get(sensor)
        if got is None or got[0] < minute - ONLINE_MINUTES:
            out[sensor] = "offline"
            continue
        rule = THRESHOLDS.get(kind)
        out[sensor] = "alarm" if rule is not None and got[1]["max"] >= rule.on else "online"
    return out


def zones(latest: Latest, codes: Iterable[str], minute: int) -> dict[str, int]:
    """People per crowd zone at a minute: the minute's mean of the zone's total."""
    out: dict[str, int] = {}
    for code in codes:
        got = latest.get("zone:" + code)
        if got is not None and got[0] >= minute - LOOKBACK_MINUTES:
            out[code] = round(got[1]["mean"])
    return out


def crowd_points(
    latest: Latest,
    where: Mapping[str, tuple[float, float]],
    zone_of: Mapping[str, str | None],
    minute: int,
) -> dict[str, tuple[float, float, int]]:
    """sensor -> (lon, lat, people) for the heat image, as Live.crowd_sensors gives it.

    A counter's own minute summary when the history has it; else its zone's total shared
    evenly among the zone's counters (history generated for demos keeps zone totals only).
    """
    fresh = {k: v[1] for k, v in latest.items() if v[0] >= minute - LOOKBACK_MINUTES}
    counters: dict[str, int] = {}
    for zone in zone_of.values():
        if zone is not None:
            counters[zone] = counters.get(zone, 0) + 1
    out: dict[str, tuple[float, float, int]] = {}
    for sensor, (lon, lat) in where.items():
        zone = zone_of.get(sensor)
        if sensor in fresh:
            out[sensor] = (lon, lat, round(fresh[sensor]["mean"]))
        elif zone is not None and "zone:" + zone in fresh:
            out[sensor] = (lon, lat, round(fresh["zone:" + zone]["mean"] / counters[zone]))
    return out


def newest(rows: Iterable[Row]) -> dict[str, tuple[int, Row]]:
    """The latest minute row per key."""
    out: dict[str, tuple[int, Row]] = {}
    for row in rows:
        m = int(row["minute"])
        if row["key"] not in out or out[row["key"]][0] < m:
            out[row["key"]] = (m, row)
    return out


def peak_of(rows: Iterable[Row]) -> dict[str, Any] | None:
    """The day's crowd peak from zone minute rows: people, zone and when (Live's shape).

    The highest ``max``; of equal ones, the earliest minute (as reads.peak orders them)."""
    best: Row | None = None
    for row in rows:
        if not str(row["key"]).startswith("zone:"):
            continue
        if (
            best is None
            or row["max"] > best["max"]
            or (row["max"] == best["max"] and row["minute"] < best["minute"])
        ):
            best = row
    if best is None:
        return None
    return {
        "people": round(best["max"]),
        "zone": best["key"][5:],
        "at": int(best["minute"]) * 60_000,
    }
