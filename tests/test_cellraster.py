"""The raster of cell ids answers exactly as point-in-polygon does: on random points, on
vertices and edges, in holes and islands, where cells overlap, outside, on pixel lines."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pytest
import shapely

from layers.assign import RASTER_FROM, GridIndex
from layers.cellraster import BOUNDARY, OUTSIDE, CellRaster

Floats = npt.NDArray[np.float64]


def awkward_cells() -> list[Any]:
    """Cells that trip a careless raster, first listed first."""
    ring = shapely.Polygon(
        [(120.0, 30.0), (120.1, 30.0), (120.1, 30.1), (120.0, 30.1)],
        holes=[[(120.03, 30.03), (120.07, 30.03), (120.07, 30.07), (120.03, 30.07)]],
    )
    island = shapely.box(120.04, 30.04, 120.06, 30.06)  # in the ring's hole, not touching
    u_shape = shapely.Polygon(
        [(120.1, 30.0), (120.2, 30.0), (120.2, 30.1), (120.17, 30.1), (120.17, 30.03),
         (120.13, 30.03), (120.13, 30.1), (120.1, 30.1)]
    )  # concave: its notch is outside it
    two_parts = shapely.MultiPolygon(
        [shapely.box(120.0, 30.1, 120.05, 30.15), shapely.box(120.15, 30.1, 120.2, 30.15)]
    )
    # overlapping the ring's top edge and the U's notch: the earlier cell wins there
    overlap = shapely.box(120.08, 30.08, 120.16, 30.12)
    sliver = shapely.Polygon([(120.05, 30.1), (120.15, 30.1), (120.1, 30.10001)])  # thin
    triangle = shapely.Polygon([(120.2, 30.0), (120.25, 30.07), (120.2, 30.15)])  # slanted
    return [ring, island, u_shape, two_parts, overlap, sliver, triangle]


def exact(geoms: list[Any], x: Floats, y: Floats) -> list[int]:
    """Index of the first cell that intersects each point, -1 for none: no index at all."""
    out = np.full(len(x), -1)
    for i in reversed(range(len(geoms))):
        out[shapely.intersects_xy(geoms[i], x, y)] = i
    return [int(v) for v in out]


def by_raster(raster: CellRaster, geoms: list[Any], x: Floats, y: Floats) -> list[int]:
    label = raster.lookup(x, y)
    unsure = label == BOUNDARY
    label[unsure] = exact(geoms, x[unsure], y[unsure])
    return [int(v) for v in label]


def hard_points(geoms: list[Any], raster: CellRaster, rng: np.random.Generator) -> Floats:
    west, south, east, north = shapely.total_bounds(geoms)
    pad = 0.02
    n = 20_000
    rand = np.column_stack(
        [rng.uniform(west - pad, east + pad, n), rng.uniform(south - pad, north + pad, n)]
    )
    vertices = shapely.get_coordinates(geoms)
    # along every edge: on it up to rounding, and a hair to either side
    a, b = vertices[:-1], vertices[1:]
    t = rng.uniform(0, 1, (len(a), 1))
    along = a + t * (b - a)
    normal = np.column_stack([-(b - a)[:, 1], (b - a)[:, 0]]) * 1e-9
    # on the raster's own pixel lines and corners
    i = rng.integers(0, raster.width + 1, 5_000)
    j = rng.integers(0, raster.height + 1, 5_000)
    corners = np.column_stack([raster.x0 + i * raster.size, raster.y0 + j * raster.size])
    lines = np.column_stack([corners[:, 0], rand[:5_000, 1]])
    return np.concatenate([rand, vertices, along, along + normal, along - normal, corners, lines])


@pytest.mark.parametrize("pixels", [300, 5_000, 200_000])
def test_the_raster_answers_as_point_in_polygon(pixels: int) -> None:
    geoms = awkward_cells()
    raster = CellRaster(np.asarray(geoms, dtype=object), pixels)
    xy = hard_points(geoms, raster, np.random.default_rng(pixels))
    got = by_raster(raster, geoms, xy[:, 0], xy[:, 1])
    assert got == exact(geoms, xy[:, 0], xy[:, 1])
    label = set(raster.lookup(xy[:, 0], xy[:, 1]).tolist())
    assert {OUTSIDE, BOUNDARY} <= label
    if pixels >= 200_000:  # fine enough that every cell but the sliver has inner pixels
        assert set(range(len(geoms))) - {5} <= label


def test_a_finer_raster_leaves_fewer_points_to_the_exact_test() -> None:
    geoms = np.asarray(awkward_cells(), dtype=object)
    shares = [CellRaster(geoms, p).boundary_share for p in (1_000, 10_000, 100_000)]
    assert shares[0] > shares[1] > shares[2]
    assert shares[2] < 0.1


def test_holes_islands_notches_and_overlaps_at_their_centres() -> None:
    geoms = awkward_cells()
    raster = CellRaster(np.asarray(geoms, dtype=object), 100_000)
    x = np.array([120.035, 120.05, 120.15, 120.01, 120.18, 120.09, 120.14, 120.3, np.nan])
    y = np.array([30.05, 30.05, 30.05, 30.12, 30.12, 30.09, 30.09, 30.05, 30.05])
    # hole of the ring, island, U's notch, two parts of one cell, overlaps, outside, NaN
    assert raster.lookup(x, y).tolist() == [-1, 1, -1, 3, 3, 0, 4, -1, -1]


def test_the_index_uses_the_raster_for_large_queries_and_agrees() -> None:
    geoms = awkward_cells()
    frame = gpd.GeoDataFrame(
        {"code": [f"C{i}" for i in range(len(geoms))]}, geometry=geoms, crs="EPSG:4326"
    )
    index = GridIndex(frame)
    assert index.raster() is not None
    rng = np.random.default_rng(11)
    xy = hard_points(geoms, index.raster(), rng)  # type: ignore[arg-type]
    assert len(xy) >= RASTER_FROM
    want = [None if i < 0 else f"C{i}" for i in exact(geoms, xy[:, 0], xy[:, 1])]
    assert list(index.assign(xy[:, 0], xy[:, 1])) == want


def test_invalid_cells_get_no_raster_and_still_exact_answers() -> None:
    bowtie = shapely.Polygon([(120.0, 30.0), (120.1, 30.1), (120.1, 30.0), (120.0, 30.1)])
    geoms = [bowtie, shapely.box(120.2, 30.0, 120.3, 30.1)]
    index = GridIndex(gpd.GeoDataFrame({"code": ["B", "S"]}, geometry=geoms, crs="EPSG:4326"))
    assert index.raster() is None
    rng = np.random.default_rng(2)
    x, y = rng.uniform(119.95, 120.35, RASTER_FROM), rng.uniform(29.95, 30.15, RASTER_FROM)
    want = [None if i < 0 else "BS"[i] for i in exact(geoms, x, y)]
    assert list(index.assign(x, y)) == want
