"""SQL of geography versions: write a new one, read the current one, its history."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from feeds.clock import now_ms
from feeds.tables import area_versions, areas, buildings, geo_versions, sensors
from layers.assign import GridIndex

Row = dict[str, Any]
CHUNK = 5000
Progress = Callable[[str, int, int], None]


def _quiet(_stage: str, _done: int, _total: int) -> None:
    return None


def current(conn: Connection) -> int:
    """The current version; 0 for a store from before versions (or an empty one)."""
    value = conn.execute(select(func.max(geo_versions.c.version))).scalar()
    return int(value or 0)


def history(conn: Connection) -> list[Row]:
    stmt = select(geo_versions).order_by(geo_versions.c.version.desc())
    return [dict(r._mapping) for r in conn.execute(stmt)]


def area_rows(cells: gpd.GeoDataFrame, digits: int = 6) -> list[Row]:
    """Rows of `areas` from checked cells: GeoJSON text rounded, a point inside each."""
    geoms = np.asarray(cells.geometry.values, dtype=object)
    rounded = shapely.remove_repeated_points(
        shapely.transform(geoms, lambda c: np.round(c, digits))
    )
    # rounding may fold a thin cell onto itself: keep the original where it did
    broken = ~shapely.is_valid(rounded)
    rounded[broken] = geoms[broken]
    points = shapely.point_on_surface(geoms)
    xs, ys = shapely.get_x(points), shapely.get_y(points)
    return [
        {
            "code": code,
            "level": level,
            "name": name,
            "name_en": name_en,
            "parent": parent,
            "lon": round(float(x), 6),
            "lat": round(float(y), 6),
            "geometry": text,
        }
        for code, level, name, name_en, parent, x, y, text in zip(
            cells["code"],
            cells["level"],
            cells["name"],
            cells["name_en"],
            cells["parent"],
            xs,
            ys,
            shapely.to_geojson(rounded),
            strict=True,
        )
    ]


def _chunks(rows: Sequence[Row]) -> list[Sequence[Row]]:
    return [rows[i : i + CHUNK] for i in range(0, len(rows), CHUNK)]


def write(
    conn: Connection,
    rows: Sequence[Row],
    source: str,
    summary: dict[str, Any],
    progress: Progress = _quiet,
    at: int | None = None,
) -> int:
    """A new version from area rows, made current: the old stays in `area_versions`.

    Buildings and sensors are placed again in the new micro-grids (a building that falls
    outside every one goes to the nearest). Runs in the caller's transaction.
    """
    version = current(conn) + 1
    conn.execute(
        insert(geo_versions).values(
            version=version,
            created_at=now_ms() if at is None else at,
            source=source[:200],
            counts=json.dumps(summary.get("counts", {})),
            report=json.dumps(summary, ensure_ascii=False),
        )
    )
    total = 2 * len(rows)
    done = 0
    for chunk in _chunks(rows):
        conn.execute(insert(area_versions), [{**r, "version": version} for r in chunk])
        done += len(chunk)
        progress("writing", done, total)
    conn.execute(delete(areas))
    for chunk in _chunks(rows):
        conn.execute(insert(areas), list(chunk))
        done += len(chunk)
        progress("writing", done, total)
    replace(conn, rows)
    return version


def adopt(conn: Connection, source: str) -> int:
    """Make what `areas` holds version 1, for a store from before versions."""
    if current(conn):
        return current(conn)
    rows = [dict(r._mapping) for r in conn.execute(select(areas))]
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["level"]] = counts.get(r["level"], 0) + 1
    conn.execute(
        insert(geo_versions).values(
            version=1,
            created_at=now_ms(),
            source=source,
            counts=json.dumps(counts),
            report=json.dumps({"counts": counts}),
        )
    )
    for chunk in _chunks(rows):
        conn.execute(insert(area_versions), [{**r, "version": 1} for r in chunk])
    return 1


def micro_index(rows: Sequence[Row]) -> GridIndex:
    micro = [r for r in rows if r["level"] == "micro_grid"]
    frame = gpd.GeoDataFrame(
        {"code": [r["code"] for r in micro]},
        geometry=shapely.from_geojson([r["geometry"] for r in micro]),
        crs="EPSG:4326",
    )
    return GridIndex(frame)


def replace(conn: Connection, rows: Sequence[Row]) -> int:
    """Buildings and sensors into the micro-grids of `rows`; how many buildings moved."""
    index = micro_index(rows)
    moved = 0
    for table, key in ((buildings, buildings.c.code), (sensors, sensors.c.id)):
        have = conn.execute(select(key, table.c.lon, table.c.lat, table.c.micro_grid)).all()
        if not have:
            continue
        lon = np.array([h[1] for h in have], dtype=np.float64)
        lat = np.array([h[2] for h in have], dtype=np.float64)
        cells = index.nearest(lon, lat)
        changed = [
            {"_k": h[0], "micro_grid": c} for h, c in zip(have, cells, strict=True) if c != h[3]
        ]
        if table is buildings:
            moved = len(changed)
        if changed:
            stmt = (
                update(table)
                .where(key == bindparam("_k"))
                .values(micro_grid=bindparam("micro_grid"))
            )
            for chunk in _chunks(changed):
                conn.execute(stmt, list(chunk))
    return moved
