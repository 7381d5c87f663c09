"""Where a generated past day happens: the district's buildings, sensors and units."""

from __future__ import annotations

from dataclasses import dataclass, field

from feeds.reference import Reference


@dataclass(frozen=True)
class Places:
    """What the generator picks from: buildings, sensors by kind, units by kind."""

    buildings: list[tuple[str, float, float, str]]  # code, lon, lat, micro-grid
    sensors: dict[str, list[tuple[float, float, str | None]]]  # kind -> lon, lat, micro
    units_by_kind: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, ref: Reference, unit_kinds: dict[str, str]) -> Places:
        b = sorted((code, lon, lat, micro) for code, (lon, lat, micro) in ref.buildings.items())
        sensors: dict[str, list[tuple[float, float, str | None]]] = {}
        for s in sorted(ref.sensors.values(), key=lambda s: s.id):
            sensors.setdefault(s.kind, []).append((s.lon, s.lat, None))
        by_kind: dict[str, list[str]] = {}
        for uid, kind in sorted(unit_kinds.items()):
            by_kind.setdefault(kind, []).append(uid)
        return cls(b, sensors, by_kind)
