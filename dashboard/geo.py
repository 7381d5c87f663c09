"""Map data for screens: geometry per level (built once per geography version in every
process, again when an import makes a new one) and the crowd heat image."""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from fastapi import FastAPI, HTTPException, Request, Response

from dashboard.services import Services
from feeds import store
from feeds.clock import now_ms
from feeds.geography import switch, versions
from feeds.tables import crowd_zones
from layers.geojson import bounds_of, feature_collection
from layers.heat import cell_area_m2, colourise, density, png, ramp_css, scale

LEVELS = ("district", "street", "community", "grid", "micro_grid", "water")
HEAT_SHAPE = (160, 200)  # rows, cols over the district's bounds: ~60 m cells
# the hottest colour: 20 people per 100 m2 over a ~60 m cell, after the 250 m spread (the
# demo's 300,000-person fireworks crowd peaks near it); 1 per 100 m2 is already visible
HEAT_TOP_PER_100M2 = 20.0
CACHE = "no-cache"  # revalidate: an import may have made a new version
VERSION_LOOK_S = 1.0  # how often a process reads the geography key


@dataclass(frozen=True)
class Shapes:
    """One geography version's layers as served, and what the wall derives from them."""

    version: int
    layers: dict[str, str]
    bounds: tuple[float, float, float, float]  # west, south, east, north of the district
    zone_info: dict[str, dict[str, Any]]
    # gzip of each layer, made with the version: 10,000 micro-grids are ~2.9 MB of
    # GeoJSON and ~0.3 MB compressed, which is what a wall's first load carries
    packed: dict[str, bytes]
    cells: int  # micro-grids: how many the wall draws (it picks its renderer by it)
    district: tuple[str, str]  # its name, Chinese and English, for the wall's heading


def _shapes(services: Services, version: int) -> Shapes:
    out: dict[str, str] = {}
    cells = 0
    with services.engine.connect() as conn:
        for level in LEVELS:
            rows = store.areas_of_level(conn, level)
            if level == "micro_grid":
                cells = len(rows)
            out[level] = feature_collection(
                (
                    r["geometry"],
                    {
                        "code": r["code"],
                        "name": r["name"],
                        "name_en": r["name_en"],
                        "parent": r["parent"],
                        # the wall's hierarchy is the parents' (an imported file's codes
                        # need not spell it); the micro-grids, the most, go without
                        **({} if level == "micro_grid" else {"level": level}),
                    },
                )
                for r in rows
            )
        zones = store.load_rows(conn, crowd_zones)
    out["zones"] = feature_collection(
        (
            z["geometry"],
            {
                "code": z["code"],
                "name": z["name"],
                "name_en": z["name_en"],
                "capacity": z["capacity"],
            },
        )
        for z in zones
    )
    whole = json.loads(out["district"])["features"][0]
    district = whole["geometry"]
    called = (
        whole["properties"]["name"],
        whole["properties"]["name_en"] or whole["properties"]["name"],
    )
    info = {f["properties"]["code"]: f["properties"] for f in json.loads(out["zones"])["features"]}
    packed = {name: gzip.compress(text.encode(), 6) for name, text in out.items()}
    return Shapes(version, out, bounds_of(district), info, packed, cells, called)


class Geo:
    """The map layers of the current geography version: every process builds the same
    ones, and builds them again when an import announces a new version."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._shapes: Shapes | None = None
        self._looked = -1e9
        self._lock = threading.Lock()

    def _version(self) -> int:
        value = switch.version_of(switch.token(self.services.redis, self.services.settings))
        if value is not None:
            return value
        with self.services.engine.connect() as conn:  # nothing announced since Redis began
            return versions.current(conn)

    def look(self, message: str = "") -> None:
        """Read the version at the next use rather than within VERSION_LOOK_S (for an
        announced import: ``message`` is the live channel's, anything else is ignored)."""
        if not message or message.startswith('{"type": "geo"'):
            self._looked = -1e9  # no lock: the event loop calls this, a build may hold it

    @property
    def shapes(self) -> Shapes:
        with self._lock:
            now = time.monotonic()
            if self._shapes is None or now - self._looked >= VERSION_LOOK_S:
                self._looked = now
                version = self._version()
                if self._shapes is None or self._shapes.version != version:
                    self._shapes = _shapes(self.services, version)
            return self._shapes

    @property
    def version(self) -> int:
        return self.shapes.version

    @property
    def layers(self) -> dict[str, str]:
        return self.shapes.layers

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """west, south, east, north of the district."""
        return self.shapes.bounds

    @property
    def cells(self) -> int:
        return self.shapes.cells

    @property
    def district(self) -> tuple[str, str]:
        """The district's name, Chinese and English."""
        return self.shapes.district

    @property
    def zone_info(self) -> dict[str, dict[str, Any]]:
        return self.shapes.zone_info

    def heat_png(self) -> bytes:
        return self.heat_of(self.services.live.crowd_sensors())

    def heat_of(self, sensors: Mapping[str, tuple[float, float, int]]) -> bytes:
        """The heat image of crowd counters: sensor -> (lon, lat, people)."""
        values = list(sensors.values())
        grid = density(
            [v[0] for v in values],
            [v[1] for v in values],
            [v[2] for v in values],
            self.bounds,
            HEAT_SHAPE,
        )
        return png(colourise(grid, vmax=self.heat_top_per_cell))

    @property
    def heat_top_per_cell(self) -> float:
        """People per heat cell at the ramp's hottest colour."""
        return HEAT_TOP_PER_100M2 * cell_area_m2(self.bounds, HEAT_SHAPE) / 100.0

    @cached_property
    def heat_legend(self) -> dict[str, Any]:
        """The heat ramp's colours and ticks in people per 100 m2, for the wall's legend."""
        return {
            "ramp": ramp_css(),
            "ticks": [[t, round(v, 1)] for t, v in scale(HEAT_TOP_PER_100M2)],
        }


def install(server: FastAPI, services: Services) -> Geo:
    geo = Geo(services)

    @server.get("/api/geo/{layer}.json")
    def geometry(layer: str, request: Request) -> Response:
        shapes = geo.shapes
        if layer not in shapes.layers:
            raise HTTPException(404, f"no map layer {layer!r}")
        # the browser asks again every time; the same version is a 304 with no body
        tag = f'"geo-{shapes.version}"'
        headers = {"Cache-Control": CACHE, "ETag": tag, "Vary": "Accept-Encoding"}
        if request.headers.get("if-none-match") == tag:
            return Response(status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            return Response(shapes.packed[layer], media_type="application/json", headers=headers)
        return Response(shapes.layers[layer], media_type="application/json", headers=headers)

    @server.get("/api/heat.png")
    def heat(seq: str = "") -> Response:
        return Response(
            geo.heat_png(),
            media_type="image/png",
            headers={"Cache-Control": "no-store", "X-Generated": str(now_ms())},
        )

    return geo
