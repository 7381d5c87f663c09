"""Reference data the worker keeps in memory: places, buildings, zones, sensors, units.

Loaded from SQL at start-up, and again when a new geography is imported (the worker
watches for it: feeds/ingest/geography.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
from shapely.geometry import shape
from sqlalchemy import Connection, select

from feeds import store
from feeds.geography import versions
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
        version: int = 0,
        addresses: dict[str, tuple[float, float, str]] | None = None,
    ) -> None:
        self.version = version  # of the geography (geo_versions), 0 before versions
        self.parent = {a["code"]: a["parent"] for a in area_rows}
        self.names = {a["code"]: a["name"] for a in area_rows}
        micro = [a for a in area_rows if a["level"] == "micro_grid"]
        frame = gpd.GeoDataFrame(
            {"code": [a["code"] for a in micro]},
            geometry=[shape(json.loads(a["geometry"])) for a in micro],
            crs="EPSG:4326",
        )
        self.index = GridIndex(frame)
        # (min lon, min lat, max lon, max lat) of the district: a point far outside is a
        # producer's mistake (GCJ-02 sent as WGS-84, lat and lon swapped, a zero)
        self.bounds = tuple(float(b) for b in frame.total_bounds) if micro else (0.0,) * 4
        self.buildings = (
            addresses
            if addresses is not None
            else {b["code"]: (b["lon"], b["lat"], b["micro_grid"]) for b in building_rows}
        )
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
        a, z, s, u = (store.load_rows(conn, t) for t in (areas, crowd_zones, sensors, units))
        # a million addresses: straight from the cursor's tuples, no row dicts on the way
        cols = (buildings.c.code, buildings.c.lon, buildings.c.lat, buildings.c.micro_grid)
        addresses = {c: (x, y, m) for c, x, y, m in conn.execute(select(*cols))}
        return cls(a, [], z, s, u, version=versions.current(conn), addresses=addresses)

    def place(self, micro_grid: str | None, lon: float | None, lat: float | None) -> Place:
        grid = self.parent.get(micro_grid) if micro_grid else None
        community = self.parent.get(grid) if grid else None
        street = self.parent.get(community) if community else None
        return Place(lon, lat, micro_grid, grid, community, street)

    def inside(self, lon: float, lat: float, margin: float) -> bool:
        """Whether a point lies within the district's bounds widened by ``margin`` degrees."""
        w, s, e, n = self.bounds
        return w - margin <= lon <= e + margin and s - margin <= lat <= n + margin

    def locate(self, points: list[tuple[float, float]]) -> list[str | None]:
        """Micro-grid of each (lon, lat), in one vectorised query."""
        if not points:
            return []
        arr = np.asarray(points, dtype=float)
        return list(self.index.assign(arr[:, 0], arr[:, 1]))
