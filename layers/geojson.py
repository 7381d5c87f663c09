"""GeoJSON text assembled from stored geometry, without re-parsing it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any


def feature_collection(features: Iterable[tuple[str, Mapping[str, Any]]]) -> str:
    """A FeatureCollection from (geometry as GeoJSON text, properties) pairs."""
    parts = [
        f'{{"type":"Feature","geometry":{geometry},"properties":'
        f"{json.dumps(dict(props), ensure_ascii=False, separators=(',', ':'))}}}"
        for geometry, props in features
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


def bounds_of(geometry: Mapping[str, Any]) -> tuple[float, float, float, float]:
    """west, south, east, north of a Polygon or MultiPolygon."""
    rings = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        rings = [rings]
    xs = [pt[0] for poly in rings for ring in poly for pt in ring]
    ys = [pt[1] for poly in rings for ring in poly for pt in ring]
    return min(xs), min(ys), max(xs), max(ys)
