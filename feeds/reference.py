"""Reference data the worker keeps in memory: places, buildings, zones, sensors, units.

Loaded from SQL once at start-up; it changes only when an admin edits grid data,
after which workers are restarted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
from shapely.geometry import shape
from sqlalchemy import Connection

from feeds import store
from feeds.routing import Router, Unit
from feeds.tables import areas, buildings, crowd_zones, sensors, units
from layers.assign import GridIndex


@dataclass(frozen=True)
class Place:
    lon: float | None
    lat: float | None
    micro_grid: str | None
    grid: str | None
    community: str | None
    street: str | None


@dataclass(frozen=True)
class Zone:
    code: str
    name: str
    capacity: int
    lon: float
    lat: float


@dataclass(frozen=True)
class Sensor:
    id: str
    kind: str
    lon: float
    lat: float
    zone: str | None


class Reference:
    def __init__(
        self,
        area_rows: list[dict[str, Any]],
        building_rows: list[dict[str, Any]],
        zone_rows: list[dict[str, Any]],
        sensor_rows: list[dict[str, Any]],
        unit_rows: list[dict[str, Any]],
    ) -> None:
        self.parent = {a["code"]: a["parent"] for a in area_rows}
        self.names = {a["code"]: a["name"] for a in area_rows}
        micro = [a for a in area_rows if a["level"] == "micro_grid"]
        frame = gpd.GeoDataFrame(
            {"code": [a["code"] for a in micro]},
            geometry=[shape(json.loads(a["geometry"])) for a in micro],
            crs="EPSG:4326",
        )
        self.index = GridIndex(frame)
        self.buildings = {b["code"]: (b["lon"], b["lat"], b["micro_grid"]) for b in building_rows}
        self.zones = {
            z["code"]: Zone(z["code"], z["name"], z["capacity"], z["lon"], z["lat"])
            for z in zone_rows
        }
        self.sensors = {
            s["id"]: Sensor(s["id"], s["kind"], s["lon"], s["lat"], s["zone"]) for s in sensor_rows
        }
        self.router = Router([Unit(u["id"], u["kind"], u["street"]) for u in unit_rows])
        self.unit_ids = {u["id"] for u in unit_rows}

    @classmethod
    def load(cls, conn: Connection) -> Reference:
        return cls(
            *(store.load_rows(conn, t) for t in (areas, buildings, crowd_zones, sensors, units))
        )

    def place(self, micro_grid: str | None, lon: float | None, lat: float | None) -> Place:
        grid = self.parent.get(micro_grid) if micro_grid else None
        community = self.parent.get(grid) if grid else None
        street = self.parent.get(community) if community else None
        return Place(lon, lat, micro_grid, grid, community, street)

    def locate(self, points: list[tuple[float, float]]) -> list[str | None]:
        """Micro-grid of each (lon, lat), in one vectorised query."""
        if not points:
            return []
        arr = np.asarray(points, dtype=float)
        return list(self.index.assign(arr[:, 0], arr[:, 1]))
