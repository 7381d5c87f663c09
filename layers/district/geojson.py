"""One level of a district's areas as compact GeoJSON for the browser."""

from __future__ import annotations

import json
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from layers.district.model import LEVELS


def district_geojson(areas: gpd.GeoDataFrame, level: str, precision: int = 5) -> dict[str, Any]:
    """One level of `areas` as a compact GeoJSON FeatureCollection for the browser."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")
    rows = areas[areas["level"] == level]
    geoms = shapely.transform(
        np.asarray(rows.geometry.values, dtype=object), lambda c: np.round(c, precision)
    )
    # Rounding can make neighbouring vertices equal; drop the repeats.
    geoms = shapely.remove_repeated_points(geoms)
    features = [
        {
            "type": "Feature",
            "properties": {
                "code": code,
                "name": name,
                "name_en": name_en,
                "parent": parent if isinstance(parent, str) else None,
            },
            "geometry": json.loads(text),
        }
        for code, name, name_en, parent, text in zip(
            rows["code"],
            rows["name"],
            rows["name_en"],
            rows["parent"],
            shapely.to_geojson(geoms),
            strict=True,
        )
    ]
    return {"type": "FeatureCollection", "features": features}
