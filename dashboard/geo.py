"""Map data for screens: geometry per level (loaded once per process: it is reference
data, the same in every process) and the crowd heat image."""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

from fastapi import FastAPI, HTTPException, Response

from dashboard.services import Services
from feeds import store
from feeds.clock import now_ms
from feeds.tables import crowd_zones
from layers.geojson import bounds_of, feature_collection
from layers.heat import colourise, density, png

LEVELS = ("district", "street", "community", "grid", "micro_grid", "water")
HEAT_SHAPE = (160, 200)  # rows, cols over the district's bounds: ~60 m cells
CACHE = "public, max-age=3600"


class Geo:
    def __init__(self, services: Services) -> None:
        self.services = services

    @cached_property
    def layers(self) -> dict[str, str]:
        out: dict[str, str] = {}
        with self.services.engine.connect() as conn:
            for level in LEVELS:
                rows = store.areas_of_level(conn, level)
                out[level] = feature_collection(
                    (
                        r["geometry"],
                        {
                            "code": r["code"],
                            "name": r["name"],
                            "name_en": r["name_en"],
                            "parent": r["parent"],
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
        return out

    @cached_property
    def bounds(self) -> tuple[float, float, float, float]:
        """west, south, east, north of the district."""
        district = json.loads(self.layers["district"])["features"][0]["geometry"]
        return bounds_of(district)

    @cached_property
    def zone_info(self) -> dict[str, dict[str, Any]]:
        return {
            f["properties"]["code"]: f["properties"]
            for f in json.loads(self.layers["zones"])["features"]
        }

    def heat_png(self) -> bytes:
        sensors = self.services.live.crowd_sensors()
        values = list(sensors.values())
        grid = density(
            [v[0] for v in values],
            [v[1] for v in values],
            [v[2] for v in values],
            self.bounds,
            HEAT_SHAPE,
        )
        # hottest colour at 40 people per cell (~11 per 100 m2): a dangerous crush
        return png(colourise(grid, vmax=40.0))


def install(server: FastAPI, services: Services) -> Geo:
    geo = Geo(services)

    @server.get("/api/geo/{layer}.json")
    def geometry(layer: str) -> Response:
        if layer not in geo.layers:
            raise HTTPException(404, f"no map layer {layer!r}")
        return Response(
            geo.layers[layer], media_type="application/json", headers={"Cache-Control": CACHE}
        )

    @server.get("/api/heat.png")
    def heat(seq: str = "") -> Response:
        return Response(
            geo.heat_png(),
            media_type="image/png",
            headers={"Cache-Control": "no-store", "X-Generated": str(now_ms())},
        )

    return geo
