"""Import at Yuhang's scale: a grid file and an address register the benchmark makes.

20 streets, 300 communities, ~1,500 grids and ~10,000 micro-grids cut (Voronoi, as the
demo district is) out of a 40 x 25 km box near Yuhang, written as a GeoPackage; 1.1
million addresses inside the micro-grids as CSV. Then `import-grids` and
`import-addresses` as the command runs them (checks, reprojection, one transaction,
progress on stderr), with time and peak memory; the point-to-grid index on 100,000
points (its raster, and its exact STRtree query alone) beside a per-point loop; a
worker's reference data with every address loaded, in the foreground and in a thread
beside a loop placing batches of 100 points (the worker's pause while it reloads); and
the map layers' size as served (raw and gzip). --points-only makes the cells and runs
the point-to-grid part alone.

    .venv/bin/python -m bench.geo_import [--database-url URL] [--addresses N] [--points-only]
"""

from __future__ import annotations

import argparse
import gzip
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.cli.geography import ProgressLine
from feeds import store
from feeds.geography.addresses import import_addresses
from feeds.geography.grids import import_grids
from feeds.ingest.geography import Reload, load_reference
from feeds.reference import Reference
from feeds.settings import Settings
from feeds.tables import metadata
from layers.assign import GridIndex
from layers.district.frame import Frame
from layers.geojson import feature_collection
from layers.tiling import apportion, sample, tile

STREETS, COMMUNITIES, GRIDS, MICRO = 20, 300, 1_500, 10_000
CENTRE = (119.98, 30.40)
SIZE_M = (40_000.0, 25_000.0)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_cells(rng: np.random.Generator) -> gpd.GeoDataFrame:
    frame = Frame.around(*CENTRE)
    box = shapely.box(-SIZE_M[0] / 2, -SIZE_M[1] / 2, SIZE_M[0] / 2, SIZE_M[1] / 2)
    rows: list[tuple[str, str, str | None, Any]] = [("YH", "district", None, box)]
    communities: list[tuple[str, Any]] = []
    for s, street in enumerate(tile(box, STREETS, rng), start=1):
        code = f"YH{s:02d}"
        rows.append((code, "street", "YH", street))
        for c, cell in enumerate(tile(street, COMMUNITIES // STREETS, rng), start=1):
            communities.append((f"{code}{c:03d}", cell))
            rows.append((communities[-1][0], "community", code, cell))
    grid_n = apportion(GRIDS, np.array([g.area for _, g in communities]), 3)
    grids: list[tuple[str, Any]] = []
    for (code, cell), n in zip(communities, grid_n, strict=True):
        for g, grid in enumerate(tile(cell, int(n), rng), start=1):
            grids.append((f"{code}G{g:02d}", grid))
            rows.append((grids[-1][0], "grid", code, grid))
    micro_n = apportion(MICRO, np.array([g.area for _, g in grids]), 3)
    for (code, grid), n in zip(grids, micro_n, strict=True):
        for m, micro in enumerate(tile(grid, int(n), rng), start=1):
            rows.append((f"{code}M{m:02d}", "micro_grid", code, micro))
    geoms = frame.to_lonlat(np.array([r[3] for r in rows], dtype=object))
    return gpd.GeoDataFrame(
        {
            "code": [r[0] for r in rows],
            "level": [r[1] for r in rows],
            "name": [f"{r[0]}名" for r in rows],
            "parent": pd.Series([r[2] for r in rows], dtype=object),
        },
        geometry=list(geoms),
        crs="EPSG:4326",
    )


def make_addresses(micro: gpd.GeoDataFrame, n: int, rng: np.random.Generator) -> pd.DataFrame:
    weights = np.ones(len(micro))
    counts = apportion(n, weights, 1)
    xy = sample(np.asarray(micro.geometry.values, dtype=object), counts, rng)
    return pd.DataFrame(
        {
            "code": [f"330110-{i:07d}" for i in range(1, len(xy) + 1)],
            "address": [f"余杭区测试路{i % 900 + 1}号{i % 30 + 1}幢" for i in range(len(xy))],
            "lon": np.round(xy[:, 0], 7),
            "lat": np.round(xy[:, 1], 7),
        }
    )


def point_to_grid(micro: gpd.GeoDataFrame, rng: np.random.Generator) -> dict[str, float]:
    """100,000 random points into the micro-grids: the raster (made once, timed apart),
    the exact vectorised query alone, and a per-point loop; all three give the same codes."""
    t = time.perf_counter()
    index = GridIndex(micro)
    figures = {"index_s": time.perf_counter() - t}
    t = time.perf_counter()
    raster = index.raster()
    figures["raster_s"] = time.perf_counter() - t
    assert raster is not None
    figures["raster_edge_share"] = raster.boundary_share
    figures["raster_mb"] = raster.labels.nbytes / 1e6
    w, s, e, n = micro.total_bounds
    lon, lat = rng.uniform(w, e, 100_000), rng.uniform(s, n, 100_000)
    index.assign(lon, lat)  # warm
    best = 1e9
    for _ in range(5):
        t = time.perf_counter()
        vectorised = index.assign(lon, lat)
        best = min(best, time.perf_counter() - t)
    figures["raster_ms"] = best * 1000
    best = 1e9
    for _ in range(3):
        t = time.perf_counter()
        exact = index._exact(lon, lat, np.full(lon.size, None, dtype=object))
        best = min(best, time.perf_counter() - t)
    figures["strtree_ms"] = best * 1000
    tree = shapely.STRtree(np.asarray(micro.geometry.values, dtype=object))
    codes = micro["code"].to_numpy()
    t = time.perf_counter()
    loop: list[str | None] = []
    for x, y in zip(lon, lat, strict=True):
        hit = tree.query(shapely.Point(x, y), predicate="intersects")
        loop.append(codes[hit.min()] if hit.size else None)
    figures["loop_ms"] = (time.perf_counter() - t) * 1000
    assert list(vectorised) == loop, "the loop and the raster disagree"
    assert list(exact) == loop, "the loop and the STRtree query disagree"
    return figures


def reload_stall(engine: Any, ref: Reference, rng: np.random.Generator) -> dict[str, float]:
    """A worker's thread placing batches of 100 points while the new reference loads in a
    thread beside it (feeds/ingest/geography.py): how long its longest batch took."""
    w, s, e, n = ref.bounds
    points = list(zip(rng.uniform(w, e, 100), rng.uniform(s, n, 100), strict=True))
    gaps: list[float] = []
    t = last = time.perf_counter()
    reload = Reload("bench", lambda: load_reference(engine))
    while not reload.done.is_set():
        ref.locate(points)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
    assert reload.ref is not None, reload.error
    return {
        "reload_background_s": time.perf_counter() - t,
        "batches_meanwhile": float(len(gaps)),
        "batch_p50_ms": float(np.percentile(gaps, 50)) * 1000,
        "batch_p99_ms": float(np.percentile(gaps, 99)) * 1000,
        "batch_longest_ms": max(gaps) * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--database-url", help="default: SQLite in a temporary directory")
    p.add_argument("--addresses", type=int, default=1_100_000)
    p.add_argument("--points-only", action="store_true", help="point-to-grid alone, no imports")
    args = p.parse_args(argv)
    rng = np.random.default_rng(2026)
    if args.points_only:
        cells = make_cells(rng)
        micro = cells[cells["level"] == "micro_grid"].reset_index(drop=True)
        for key, value in point_to_grid(micro, rng).items():
            print(f"  {key:<22} {value:10.2f}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        cells = make_cells(rng)
        micro = cells[cells["level"] == "micro_grid"].reset_index(drop=True)
        grid_file = folder / "yuhang.gpkg"
        cells.to_file(grid_file, driver="GPKG", engine="pyogrio")
        addresses = make_addresses(micro, args.addresses, rng)
        address_file = folder / "addresses.csv"
        addresses.to_csv(address_file, index=False)
        print(
            f"made {len(cells):,} cells ({len(micro):,} micro-grids, "
            f"{grid_file.stat().st_size / 1e6:.0f} MB GPKG) and {len(addresses):,} addresses "
            f"({address_file.stat().st_size / 1e6:.0f} MB CSV) in {time.perf_counter() - t:.0f} s"
        )
        settings = Settings(database_url=args.database_url, var_dir=folder)
        engine = store.make_engine(settings)
        metadata.drop_all(engine)
        store.create_schema(engine)
        figures: dict[str, Any] = {}

        base = peak_mb()
        t = time.perf_counter()
        grids = import_grids(engine, grid_file, progress=ProgressLine())
        figures["grids_s"] = time.perf_counter() - t
        figures["grids_peak_mb"] = peak_mb()
        assert grids.ok, grids.summary()
        t = time.perf_counter()
        done = import_addresses(engine, address_file, progress=ProgressLine())
        figures["addresses_s"] = time.perf_counter() - t
        figures["addresses_peak_mb"] = peak_mb()
        assert done.ok, done.summary()

        figures.update(point_to_grid(micro, rng))
        t = time.perf_counter()
        with engine.connect() as conn:
            ref = Reference.load(conn)
        figures["reference_s"] = time.perf_counter() - t
        figures["reference_peak_mb"] = peak_mb()
        figures.update(reload_stall(engine, ref, rng))
        with engine.connect() as conn:
            for level in ("micro_grid", "grid", "community", "street", "district"):
                rows = store.areas_of_level(conn, level)
                text = feature_collection(
                    (r["geometry"], {"code": r["code"], "name": r["name"], "parent": r["parent"]})
                    for r in rows
                ).encode()
                figures[f"{level}_raw_mb"] = len(text) / 1e6
                figures[f"{level}_gzip_mb"] = len(gzip.compress(text, 6)) / 1e6
        engine.dispose()
    print(f"counts {grids.report.counts}; {len(ref.buildings):,} addresses in the reference")
    print(f"peak memory before the imports {base:.0f} MB")
    for key, value in figures.items():
        print(f"  {key:<22} {value:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
