"""Routing rules: which unit handles an incident, by category and grid.

Frequent kinds go down fixed category routes (分类流转); the unit is the one of
that kind serving the incident's street, else a district-wide one. Ordinary
matters are assigned automatically once accepted (智能交办); urgent ones and
the categories that need several departments wait for a duty officer.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

ROUTES: dict[str, str] = {
    "environment": "law_enforcement",
    "property": "property",
    "construction": "law_enforcement",
    "neighbour": "mediation",
    "parking": "law_enforcement",
    "consumer": "market",
    "safety": "grid_worker",
    "wages": "labour",
    "fire": "fire",
    "illegal_building": "law_enforcement",
    "gas_leak": "emergency",
    "fume": "law_enforcement",
    "muck_truck": "law_enforcement",
    "crowd": "police",
    "ebike_charging": "fire",
}
FALLBACK_KIND = "grid_worker"
# Hard cases handled jointly by several departments (联动处置): never automatic.
JOINT_CATEGORIES = frozenset({"gas_leak", "crowd", "fire", "wages"})


@dataclass(frozen=True)
class Unit:
    id: str
    kind: str
    street: str | None  # None: serves the whole district


@dataclass(frozen=True)
class Suggestion:
    unit: str
    rule: str  # why, in words for the trail


def street_of(grid: str | None) -> str | None:
    """Grid codes are hierarchical: the street is the first segment (BJ01-C03-G05 -> BJ01)."""
    return grid.split("-", 1)[0] if grid else None


class Router:
    def __init__(self, units: list[Unit]) -> None:
        self._by_kind_street: dict[tuple[str, str | None], list[str]] = {}
        for unit in sorted(units, key=lambda u: u.id):
            self._by_kind_street.setdefault((unit.kind, unit.street), []).append(unit.id)

    def suggest(self, category: str, grid: str | None) -> Suggestion | None:
        street = street_of(grid)
        for kind in (ROUTES.get(category, FALLBACK_KIND), FALLBACK_KIND):
            for scope in (street, None):
                candidates = self._by_kind_street.get((kind, scope))
                if candidates:
                    # Spread a street's incidents over its squads, stably per grid.
                    pick = candidates[zlib.crc32((grid or "").encode()) % len(candidates)]
                    where = "street" if scope else "district"
                    return Suggestion(pick, f"{category} -> {kind} ({where})")
        return None

    @staticmethod
    def automatic(category: str, priority: str) -> bool:
        return priority == "ordinary" and category not in JOINT_CATEGORIES
