"""Grid files read into cells: GeoJSON, Shapefile (zipped or not), GeoPackage.

The file's own fields are mapped to code, level, name, name_en and parent; its level
values may be Chinese or English; every layer of a GeoPackage is read. Coordinates come
out in WGS-84, from the CRS the file declares, an EPSG code the user names instead, or
GCJ-02 / BD-09 longitude and latitude. Anything wrong is a `FileProblem`, never a trace.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from layers.coords import to_wgs84
from layers.gridcheck import COLUMNS, LEVELS

WGS84: Final = "EPSG:4326"
CHINESE_CRS: Final = ("gcj02", "bd09")
LEVEL_NAMES: Final = {
    **{lv: lv for lv in LEVELS},
    "micro-grid": "micro_grid",
    "microgrid": "micro_grid",
    "区": "district",
    "区县": "district",
    "县": "district",
    "街道": "street",
    "镇": "street",
    "乡镇": "street",
    "镇街": "street",
    "社区": "community",
    "村": "community",
    "村社": "community",
    "网格": "grid",
    "微网格": "micro_grid",
}


class FileProblem(Exception):
    """A file that cannot be imported at all; `kind` names why (see the report words)."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


def parse_fields(value: str | None) -> dict[str, str]:
    """`code=DM,name=MC` or the path of a JSON file {"code": "DM", ...}; checked."""
    if not value:
        return {}
    if "=" not in value:
        path = Path(value)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FileProblem("bad_mapping", f"{value}: {exc}") from exc
        if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
            raise FileProblem("bad_mapping", f"{value}: expected an object of names")
        mapping = {str(k): v for k, v in raw.items()}
    else:
        mapping = {}
        for part in value.split(","):
            key, sep, name = part.partition("=")
            if not sep or not key.strip() or not name.strip():
                raise FileProblem("bad_mapping", part)
            mapping[key.strip()] = name.strip()
    unknown = sorted(set(mapping) - set(COLUMNS))
    if unknown:
        raise FileProblem("bad_mapping", f"unknown: {', '.join(unknown)} ({', '.join(COLUMNS)})")
    return mapping


def parse_crs(value: str | None) -> str | None:
    """None (the file's own), gcj02, bd09, or an EPSG code pyproj knows."""
    if value is None:
        return None
    low = value.strip().lower()
    if low in CHINESE_CRS:
        return low
    if low in ("wgs84", "epsg:4326"):
        return WGS84
    try:
        CRS.from_user_input(value.strip().upper())
    except CRSError as exc:
        raise FileProblem("bad_crs", value) from exc
    return value.strip().upper()


def _layers(path: Path) -> list[str | None]:
    try:
        found = pyogrio.list_layers(path)
    except Exception as exc:  # GDAL's errors differ by driver: all of them mean unreadable
        raise FileProblem("unreadable", _why(exc)) from exc
    names = [str(n) for n in found[:, 0]] if len(found) else []
    return [None] if len(names) <= 1 else list(names)


def _why(exc: Exception) -> str:
    return str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__


def read_frame(path: Path) -> gpd.GeoDataFrame:
    """Every layer of the file, as read; a `layer` column when there are several."""
    if not path.exists():
        raise FileProblem("no_file", str(path))
    if path.stat().st_size == 0:
        raise FileProblem("empty", str(path))
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as z:
                bad = z.testzip()
        except (zipfile.BadZipFile, OSError) as exc:
            raise FileProblem("bad_zip", _why(exc)) from exc
        if bad is not None:
            raise FileProblem("bad_zip", bad)
    frames = []
    for layer in _layers(path):
        try:
            frame = pyogrio.read_dataframe(path, layer=layer)
        except Exception as exc:  # as above: GDAL's error classes differ by driver
            raise FileProblem("unreadable", _why(exc)) from exc
        if len(frame) == 0:
            continue
        if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.isna().all():
            raise FileProblem("no_geometry", str(layer or path.name))
        if layer is not None:
            frame["layer"] = layer
        frames.append(frame)
    if not frames:
        raise FileProblem("empty", str(path))
    crs = {str(f.crs) for f in frames}
    if len(crs) > 1:
        raise FileProblem("mixed_crs", ", ".join(sorted(crs)))
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    out = gpd.GeoDataFrame(out, geometry=frames[0].geometry.name, crs=frames[0].crs)
    if out.empty:
        raise FileProblem("empty", str(path))
    return out


def to_cells(
    raw: gpd.GeoDataFrame, mapping: Mapping[str, str], crs: str | None
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The hierarchy's columns and WGS-84 geometry; and warnings about the CRS."""
    names = {c: mapping.get(c, c) for c in COLUMNS}
    data: dict[str, Any] = {}
    for col in ("code", "level", "name", "name_en", "parent"):
        field = names[col]
        if field in raw.columns:
            data[col] = [_text(v) for v in raw[field]]
        elif col == "level" and "layer" in raw.columns:
            data[col] = list(raw["layer"])  # a GeoPackage with one layer per level
        elif col in ("code", "level") or (col == "parent" and col in mapping):
            raise FileProblem("missing_field", f"{col} ({field})")
        else:
            data[col] = [None] * len(raw)
    data["level"] = [LEVEL_NAMES.get(str(v).strip().lower(), v) if v else v for v in data["level"]]
    cells = gpd.GeoDataFrame(data, geometry=list(raw.geometry.values), crs=raw.crs)
    return _reproject(cells, crs)


def _text(value: Any) -> str | None:
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code stored as a number: 330110001.0 -> "330110001"
    return str(value)


def _reproject(cells: gpd.GeoDataFrame, crs: str | None) -> tuple[gpd.GeoDataFrame, list[str]]:
    notes: list[str] = []
    if crs in CHINESE_CRS:
        if cells.crs is not None and not cells.crs.is_geographic:
            raise FileProblem("crs_conflict", f"{crs} / {cells.crs.to_string()}")
        geoms = shapely.transform(
            np.asarray(cells.geometry.values, dtype=object),
            lambda xy: np.column_stack(to_wgs84(xy[:, 0], xy[:, 1], str(crs))),
        )
        cells = cells.set_geometry(list(geoms)).set_crs(WGS84, allow_override=True)
    elif crs is not None:
        cells = cells.set_crs(crs, allow_override=True).to_crs(WGS84)
    elif cells.crs is None:
        notes.append("no_crs")
        cells = cells.set_crs(WGS84)
    else:
        cells = cells.to_crs(WGS84)
    with np.errstate(invalid="ignore"):
        w, s, e, n = shapely.total_bounds(np.asarray(cells.geometry.values, dtype=object))
    if not (-180 <= w <= e <= 180 and -90 <= s <= n <= 90):
        raise FileProblem("not_lonlat", f"{w:.1f}, {s:.1f}, {e:.1f}, {n:.1f}")
    if not (w >= 72 and e <= 138 and s >= 0.8 and n <= 56):
        notes.append("outside_china")
    return cells, notes
