"""Turns the demo district (layers.district) into reference rows and stores them."""

from __future__ import annotations

import json
import logging
from typing import Any

from shapely.geometry import mapping
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from feeds import store
from feeds.geography import versions
from layers.district import District, build_district

log = logging.getLogger("watchfloor.seed")
Row = dict[str, Any]
DEMO_SOURCE = "demo"  # geo_versions.source of the synthetic district
WATER_PREFIX = "W"  # basemap water areas, level "water": drawn only, never a place


def _round(obj: Any, nd: int = 6) -> Any:
    if isinstance(obj, float):
        return round(obj, nd)
    if isinstance(obj, (list, tuple)):
        return [_round(v, nd) for v in obj]
    if isinstance(obj, dict):
        return {k: _round(v, nd) for k, v in obj.items()}
    return obj


def _geojson(geom: Any) -> str:
    return json.dumps(_round(mapping(geom)), separators=(",", ":"))


def reference_rows(d: District) -> dict[str, list[Row]]:
    areas = []
    for a in d.areas.itertuples(index=False):
        point = a.geometry.representative_point()
        areas.append(
            {
                "code": a.code,
                "level": a.level,
                "name": a.name,
                "name_en": a.name_en,
                "parent": a.parent if isinstance(a.parent, str) else None,
                "lon": round(point.x, 6),
                "lat": round(point.y, 6),
                "geometry": _geojson(a.geometry),
            }
        )
    for i, geom in enumerate(d.river.geometry, start=1):
        point = geom.representative_point()
        areas.append(
            {
                "code": f"{WATER_PREFIX}{i}",
                "level": "water",
                "name": "钱塘江",
                "name_en": "Qiantang River",
                "parent": None,
                "lon": round(point.x, 6),
                "lat": round(point.y, 6),
                "geometry": _geojson(geom),
            }
        )
    zones = []
    for z in d.crowd_zones.itertuples(index=False):
        point = z.geometry.representative_point()
        zones.append(
            {
                "code": z.code,
                "name": z.name,
                "name_en": z.name_en,
                "capacity": int(z.capacity),
                "lon": round(point.x, 6),
                "lat": round(point.y, 6),
                "geometry": _geojson(z.geometry),
            }
        )
    buildings = [
        {
            "code": b.code,
            "micro_grid": b.micro_grid,
            "name": b.name,
            "lon": float(b.lon),
            "lat": float(b.lat),
        }
        for b in d.buildings.itertuples(index=False)
    ]
    sensors = [
        {
            "id": s.id,
            "kind": s.kind,
            "unit": s.unit,
            "lon": float(s.lon),
            "lat": float(s.lat),
            "zone": s.zone if isinstance(s.zone, str) else None,
            "micro_grid": s.micro_grid,
        }
        for s in d.sensors.itertuples(index=False)
    ]
    units = [
        {
            "id": u.id,
            "name": u.name,
            "name_en": u.name_en,
            "kind": u.kind,
            "street": u.street if isinstance(u.street, str) else None,
        }
        for u in d.units.itertuples(index=False)
    ]
    return {
        "areas": areas,
        "buildings": buildings,
        "units": units,
        "crowd_zones": zones,
        "sensors": sensors,
    }


def ensure_reference(engine: Engine, seed: int = 7) -> bool:
    """Create the tables and load the demo district as geography version 1 if the store has
    none; True if loaded."""
    store.create_schema(engine)
    with engine.connect() as conn:
        loaded = store.has_district(conn)
        versioned = versions.current(conn) > 0
    if loaded:
        if not versioned:  # a store from before versions: what it holds is version 1
            try:
                with engine.begin() as conn:
                    versions.adopt(conn, DEMO_SOURCE)
            except IntegrityError:  # workers starting together: another adopted it first
                log.info("geography version 1 was adopted by another process")
        return False
    log.info("loading the demo district (synthetic grids) into the store")
    rows = reference_rows(build_district(seed))
    with engine.begin() as conn:
        store.save_reference(conn, rows)
        versions.adopt(conn, DEMO_SOURCE)  # the demo is version 1, like any import
    return True
