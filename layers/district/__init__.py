"""A synthetic demo district laid inside Binjiang's real outline.

Only the outline is real (layers/data/binjiang.geojson). Streets, communities,
grids, micro-grids, buildings, crowd zones, sensors and units are invented from a
seed, at Binjiang's published scale (3 streets, 503 grids, 3,116 micro-grids).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from layers.district import cells, things, water
from layers.district.frame import Frame, load_outline
from layers.district.geojson import district_geojson
from layers.district.model import (
    ADDRESS_PREFIX,
    CHINESE_NUMERALS,
    COMMUNITIES_PER_STREET,
    CRS,
    DISTRICT_CODE,
    DISTRICT_NAME,
    DISTRICT_NAME_EN,
    GRID_COUNT,
    LEVELS,
    MICRO_GRID_COUNT,
    MIN_GRIDS_PER_COMMUNITY,
    MIN_MICRO_GRIDS_PER_GRID,
    RIVER_WIDTH_M,
    SITE_SENSORS,
    District,
    nullable,
)
from layers.names import (
    CROWD_ZONES,
    ESTATE_SUFFIXES,
    FIRST_SYLLABLES,
    SECOND_SYLLABLES,
    STREETS,
    ZoneSpec,
)
from layers.tiling import XY, Geom, GeomArray, polygons

# The public API, including the names and types now defined in layers.names and layers.tiling.
__all__ = [
    "ADDRESS_PREFIX",
    "CHINESE_NUMERALS",
    "COMMUNITIES_PER_STREET",
    "CROWD_ZONES",
    "CRS",
    "DISTRICT_CODE",
    "DISTRICT_NAME",
    "DISTRICT_NAME_EN",
    "ESTATE_SUFFIXES",
    "FIRST_SYLLABLES",
    "GRID_COUNT",
    "LEVELS",
    "MICRO_GRID_COUNT",
    "MIN_GRIDS_PER_COMMUNITY",
    "MIN_MICRO_GRIDS_PER_GRID",
    "RIVER_WIDTH_M",
    "SECOND_SYLLABLES",
    "SITE_SENSORS",
    "STREETS",
    "XY",
    "District",
    "Geom",
    "GeomArray",
    "ZoneSpec",
    "build_district",
    "district_geojson",
    "load_outline",
]


def build_district(seed: int = 7) -> District:
    """Build the synthetic demo district; the same seed gives identical output."""
    rng = np.random.default_rng(seed)
    outline_lonlat = load_outline()
    centre = outline_lonlat.centroid
    frame = Frame.around(centre.x, centre.y)
    outline = frame.to_local(outline_lonlat)
    bank = water.riverbank(outline)
    # Buffer the real bank (the stretch of outline near the coarse bank line), not the
    # coarse line itself, so the band starts exactly at the district's edge.
    shore = outline.exterior.intersection(bank.buffer(400.0))
    river = max(polygons(shore.buffer(RIVER_WIDTH_M).difference(outline)), key=lambda p: p.area)

    rows = cells.area_rows(outline, bank, rng)
    areas = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    areas["parent"] = nullable([row["parent"] for row in rows], areas.index)
    areas["geometry"] = frame.to_lonlat(np.asarray(areas.geometry.values, dtype=object))
    micro = areas[areas["level"] == "micro_grid"].reset_index(drop=True)

    zone_geoms = frame.to_lonlat(
        np.array(water.crowd_zones(outline, river, bank, rng), dtype=object)
    )
    zones = gpd.GeoDataFrame(
        {
            "code": [z.code for z in CROWD_ZONES],
            "name": [z.name for z in CROWD_ZONES],
            "name_en": [z.name_en for z in CROWD_ZONES],
            "capacity": [z.capacity for z in CROWD_ZONES],
        },
        geometry=list(zone_geoms),
        crs=CRS,
    )
    return District(
        areas=areas,
        buildings=things.buildings(micro, rng),
        river=gpd.GeoDataFrame(
            {"name": ["钱塘江"], "name_en": ["Qiantang River"]},
            geometry=[frame.to_lonlat(river)],
            crs=CRS,
        ),
        crowd_zones=zones,
        sensors=things.sensors(micro, zones, rng),
        units=things.units(areas[areas["level"] == "street"], rng),
    )
