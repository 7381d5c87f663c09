"""Grid files for the import tests, made by the tests: a small lattice district near
Hangzhou (1 district, 2 streets, 2 communities, 4 grids, 8 micro-grids), in every format
and CRS the import reads, and broken on purpose."""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from sqlalchemy import create_engine, text

from layers.coords import from_wgs84

W, S = 120.20, 30.20
STEP = 0.005  # a micro-grid's side in degrees (~500 m)
COUNTS = {"district": 1, "street": 2, "community": 2, "grid": 4, "micro_grid": 8}


def lattice(prefix: str = "") -> gpd.GeoDataFrame:
    """The district as rows of code, level, name, name_en, parent, geometry (WGS-84)."""
    rows: list[dict[str, Any]] = []

    def add(code: str, level: str, parent: str | None, box: Any) -> None:
        rows.append(
            {
                "code": prefix + code,
                "level": level,
                "name": f"{code}名",
                "name_en": f"{code} name",
                "parent": prefix + parent if parent else None,
                "geometry": box,
            }
        )

    add("D", "district", None, shapely.box(W, S, W + 4 * STEP, S + 2 * STEP))
    for s in (1, 2):
        x0 = W + (s - 1) * 2 * STEP
        add(f"S{s}", "street", "D", shapely.box(x0, S, x0 + 2 * STEP, S + 2 * STEP))
        add(f"S{s}C1", "community", f"S{s}", shapely.box(x0, S, x0 + 2 * STEP, S + 2 * STEP))
        for g in (1, 2):
            y0 = S + (g - 1) * STEP
            grid = f"S{s}C1G{g}"
            add(grid, "grid", f"S{s}C1", shapely.box(x0, y0, x0 + 2 * STEP, y0 + STEP))
            for m in (1, 2):
                xm = x0 + (m - 1) * STEP
                add(f"{grid}M{m}", "micro_grid", grid, shapely.box(xm, y0, xm + STEP, y0 + STEP))
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    frame["parent"] = frame["parent"].astype(object)
    return frame


def micro_centre(code: str) -> tuple[float, float]:
    c = lattice().set_index("code").geometry[code].centroid
    return float(c.x), float(c.y)


def write(frame: gpd.GeoDataFrame, path: Path) -> Path:
    """The frame in the format the suffix names (.geojson, .shp, .zip, .gpkg)."""
    if path.suffix == ".zip":
        folder = path.with_suffix("")
        folder.mkdir()
        frame.to_file(folder / "cells.shp", driver="ESRI Shapefile", engine="pyogrio")
        with zipfile.ZipFile(path, "w") as z:
            for part in folder.iterdir():
                z.write(part, part.name)
        return path
    driver = {".geojson": "GeoJSON", ".shp": "ESRI Shapefile", ".gpkg": "GPKG"}[path.suffix]
    frame.to_file(path, driver=driver, engine="pyogrio")
    return path


def write_layers(frame: gpd.GeoDataFrame, path: Path) -> Path:
    """A GeoPackage with one layer per level, named by its Chinese level name."""
    zh = {"district": "区", "street": "街道", "community": "社区", "grid": "网格"}
    zh["micro_grid"] = "微网格"
    for level, part in frame.groupby("level"):
        part.drop(columns=["level"]).to_file(path, layer=zh[str(level)], driver="GPKG")
    return path


def shifted(frame: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """The same cells with coordinates expressed in gcj02 or bd09, declared as lon/lat
    (the way amap and Baidu exports come)."""
    geoms = shapely.transform(
        np.asarray(frame.geometry.values, dtype=object),
        lambda xy: np.column_stack(from_wgs84(xy[:, 0], xy[:, 1], crs)),
    )
    return frame.set_geometry(list(geoms))


def bowtie(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.copy()
    i = out.index[out["code"] == "S1C1G1M1"][0]
    x0, y0, x1, y1 = out.at[i, "geometry"].bounds
    out.at[i, "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    return out


def moved(frame: gpd.GeoDataFrame, code: str, dx: float, dy: float = 0.0) -> gpd.GeoDataFrame:
    out = frame.copy()
    i = out.index[out["code"] == code][0]
    out.at[i, "geometry"] = shapely.affinity.translate(out.at[i, "geometry"], dx, dy)
    return out


def shrunk(frame: gpd.GeoDataFrame, code: str, by: float) -> gpd.GeoDataFrame:
    out = frame.copy()
    i = out.index[out["code"] == code][0]
    out.at[i, "geometry"] = out.at[i, "geometry"].buffer(-by, join_style="mitre")
    return out


@contextmanager
def own_database(db_url: str, folder: Path) -> Iterator[str]:
    """A database URL of the test's own: a SQLite file, or a PostgreSQL schema."""
    if db_url.startswith("sqlite"):
        yield "sqlite:///" + str(folder / "geo.db")
        return
    schema = f"geo_{uuid.uuid4().hex[:10]}"
    admin = create_engine(db_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{db_url}{'&' if '?' in db_url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
