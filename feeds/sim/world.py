"""The district as the simulator sees it: buildings, sensors and units as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from feeds.routing import Unit
from layers.district import District


@dataclass(frozen=True)
class Building:
    code: str
    micro_grid: str
    lon: float
    lat: float
    name: str


@dataclass(frozen=True)
class Sensor:
    id: str
    kind: str
    lon: float
    lat: float
    zone: str | None
    unit: str


@dataclass(frozen=True)
class World:
    """The district's parts the simulator needs, as plain values."""

    buildings: tuple[Building, ...]
    sensors: tuple[Sensor, ...]
    units: tuple[Unit, ...]
    unit_names: dict[str, str]


def _text_or_none(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def world_of(district: District) -> World:
    b, s, u = district.buildings, district.sensors, district.units
    return World(
        buildings=tuple(
            Building(str(c), str(m), float(x), float(y), str(n))
            for c, m, x, y, n in zip(b.code, b.micro_grid, b.lon, b.lat, b.name, strict=True)
        ),
        sensors=tuple(
            Sensor(str(i), str(k), float(x), float(y), _text_or_none(z), str(un))
            for i, k, x, y, z, un in zip(s.id, s.kind, s.lon, s.lat, s.zone, s.unit, strict=True)
        ),
        units=tuple(
            Unit(str(i), str(k), _text_or_none(st))
            for i, k, st in zip(u.id, u.kind, u.street, strict=True)
        ),
        unit_names={str(i): str(n) for i, n in zip(u.id, u.name, strict=True)},
    )
