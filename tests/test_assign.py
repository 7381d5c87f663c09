from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pytest
import shapely

from layers.assign import RASTER_FROM, GridIndex
from layers.district import District


@pytest.fixture(scope="module")
def micro_grids(district: District) -> gpd.GeoDataFrame:
    return district.level("micro_grid").reset_index(drop=True)


@pytest.fixture(scope="module")
def index(micro_grids: gpd.GeoDataFrame) -> GridIndex:
    return GridIndex(micro_grids)


def brute_force(
    micro_grids: gpd.GeoDataFrame, lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]
) -> list[str | None]:
    """No index: try every polygon in order, keep the first that covers each point."""
    out: list[str | None] = [None] * len(lon)
    for code, polygon in zip(micro_grids["code"], micro_grids.geometry, strict=True):
        shapely.prepare(polygon)
        for i in np.flatnonzero(shapely.intersects_xy(polygon, lon, lat)):
            if out[i] is None:
                out[i] = code
    return out


def test_random_points_match_brute_force(micro_grids: gpd.GeoDataFrame, index: GridIndex) -> None:
    rng = np.random.default_rng(3)
    west, south, east, north = micro_grids.total_bounds
    # Draw from a box 10% wider than the district so plenty fall outside it.
    pad_x, pad_y = (east - west) * 0.05, (north - south) * 0.05
    lon = rng.uniform(west - pad_x, east + pad_x, 10_000)
    lat = rng.uniform(south - pad_y, north + pad_y, 10_000)
    got = index.assign(lon, lat)
    assert got.dtype == object and got.shape == (10_000,)
    assert list(got) == brute_force(micro_grids, lon, lat)
    inside = np.array([g is not None for g in got])
    assert 0.3 < inside.mean() < 0.9  # both answers were exercised


def test_every_building_lands_in_its_own_micro_grid(district: District, index: GridIndex) -> None:
    buildings = district.buildings
    got = index.assign(buildings["lon"].to_numpy(), buildings["lat"].to_numpy())
    assert list(got) == list(buildings["micro_grid"])


def test_points_on_shared_edges_go_to_the_first_listed_grid(
    micro_grids: gpd.GeoDataFrame, index: GridIndex
) -> None:
    # Vertices of the first micro-grids: most are shared with one or two neighbours.
    xy = shapely.get_coordinates(np.asarray(micro_grids.geometry.values[:40]))
    got = index.assign(xy[:, 0], xy[:, 1])
    assert all(g is not None for g in got)
    assert list(got) == brute_force(micro_grids, xy[:, 0], xy[:, 1])
    shared = [
        (x, y)
        for x, y in xy
        if shapely.intersects_xy(np.asarray(micro_grids.geometry.values), x, y).sum() > 1
    ]
    assert len(shared) > 50  # the tie-break was really tested


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(0.0, 0.0), (121.4737, 31.2304), (120.10, 30.19), (120.30, 30.25), (float("nan"), 30.19)],
)
def test_points_outside_the_district_get_none(index: GridIndex, lon: float, lat: float) -> None:
    assert list(index.assign(np.array([lon]), np.array([lat]))) == [None]


def test_empty_input(index: GridIndex) -> None:
    got = index.assign(np.array([]), np.array([]))
    assert got.shape == (0,) and got.dtype == object


def test_mismatched_lengths_are_refused(index: GridIndex) -> None:
    with pytest.raises(ValueError, match="differ in length"):
        index.assign(np.zeros(3), np.zeros(2))


def test_empty_index_assigns_nothing(micro_grids: gpd.GeoDataFrame) -> None:
    empty = GridIndex(micro_grids.iloc[:0])
    assert len(empty) == 0
    assert list(empty.assign(np.array([120.2]), np.array([30.2]))) == [None]


def exact(index: GridIndex, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> list[Any]:
    return list(index._exact(x, y, np.full(len(x), None, dtype=object)))


def test_100k_points_go_through_the_raster_and_agree_with_the_exact_test(
    micro_grids: gpd.GeoDataFrame, index: GridIndex
) -> None:
    rng = np.random.default_rng(5)
    west, south, east, north = micro_grids.total_bounds
    lon = rng.uniform(west, east, 100_000)
    lat = rng.uniform(south, north, 100_000)
    raster = index.raster()
    assert raster is not None and raster.boundary_share < 0.3
    assert list(index.assign(lon, lat)) == exact(index, lon, lat)


def test_every_vertex_and_edge_of_the_district_agrees_with_the_exact_test(
    micro_grids: gpd.GeoDataFrame, index: GridIndex
) -> None:
    xy = shapely.get_coordinates(np.asarray(micro_grids.geometry.values))
    rng = np.random.default_rng(8)
    along = xy[:-1] + rng.uniform(0, 1, (len(xy) - 1, 1)) * (xy[1:] - xy[:-1])
    points = np.concatenate([xy, along])
    assert len(points) >= RASTER_FROM
    got = index.assign(points[:, 0], points[:, 1])
    assert list(got) == exact(index, points[:, 0], points[:, 1])
    assert sum(g is None for g in got[: len(xy)]) == 0  # a vertex is always in some cell
