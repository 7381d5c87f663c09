"""One minute of readings -> rows of ``reading_minutes``. Pure.

Per sensor: count, min, max and mean of its readings in the minute. Per crowd zone:
the zone's total (the sum of its counters' latest values, as the live wall shows it)
after each crowd reading, summarised the same way; counters carry their last value
from earlier minutes (``carry``), so a zone's total does not drop when one counter
is quiet for a minute.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

ZONE_PREFIX = "zone:"
Carry = dict[str, tuple[str, float]]  # crowd sensor -> (zone, last value)


class Sample(NamedTuple):
    ts: int
    sensor: str
    kind: str
    value: float
    zone: str | None


def encode_sample(s: Sample) -> str:
    return f"{s.ts}|{s.sensor}|{s.kind}|{s.value!r}|{s.zone or ''}"


def decode_sample(raw: str) -> Sample:
    ts, sensor, kind, value, zone = raw.split("|")
    return Sample(int(ts), sensor, kind, float(value), zone or None)


def summary(key: str, minute: int, kind: str, values: list[float]) -> dict[str, Any]:
    return {
        "key": key,
        "minute": minute,
        "kind": kind,
        "n": len(values),
        "min": min(values),
        "max": max(values),
        "mean": sum(values) / len(values),
    }


def fold_minute(
    minute: int, samples: Iterable[Sample], carry: Mapping[str, tuple[str, float]]
) -> tuple[list[dict[str, Any]], Carry]:
    """The minute's rows (sensors, then zones, each sorted by key) and the carry after it."""
    values: dict[str, list[float]] = defaultdict(list)
    kinds: dict[str, str] = {}
    last: Carry = dict(carry)
    totals: dict[str, float] = defaultdict(float)
    for zone, value in last.values():
        totals[zone] += value
    zone_values: dict[str, list[float]] = defaultdict(list)
    for s in sorted(samples, key=lambda x: (x.ts, x.sensor)):
        values[s.sensor].append(s.value)
        kinds[s.sensor] = s.kind
        if s.kind != "crowd" or s.zone is None:
            continue
        before = last.get(s.sensor)
        if before is not None:
            totals[before[0]] -= before[1]
        last[s.sensor] = (s.zone, s.value)
        totals[s.zone] += s.value
        zone_values[s.zone].append(totals[s.zone])
    rows = [summary(k, minute, kinds[k], values[k]) for k in sorted(values)]
    rows += [summary(ZONE_PREFIX + z, minute, "crowd", zone_values[z]) for z in sorted(zone_values)]
    return rows, last
