"""Point-to-micro-grid assignment: a raster of cell ids, the exact test where it is unsure.

A large query first reads the raster (layers/cellraster.py), which answers most points
by an array lookup; the points in pixels an edge crosses, and every point of a small
query, go through an STRtree and the exact point-in-polygon test. Both give the same
answers (tests/test_assign.py checks this point for point).
"""

from __future__ import annotations

import threading

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely

from layers.cellraster import BOUNDARY, CellRaster

CodeArray = npt.NDArray[np.object_]

PIXELS_PER_CELL = 400  # ~14% of pixels then hold an edge (Voronoi micro-grids)
MIN_PIXELS, MAX_PIXELS = 1 << 16, 1 << 24  # 64 kB to 64 MB of int32 labels
RASTER_FROM = 5_000  # points in one query; below, the exact test alone costs as little


class GridIndex:
    """An STRtree over micro-grid polygons that maps points to their codes."""

    def __init__(self, micro_grids: gpd.GeoDataFrame) -> None:
        self._codes: CodeArray = np.asarray(micro_grids["code"], dtype=object)
        self._geoms = np.asarray(micro_grids.geometry.values, dtype=object)
        # prepared once: each point is then tested against its candidates' prepared forms
        shapely.prepare(self._geoms)
        self._tree = shapely.STRtree(self._geoms)
        self._raster: CellRaster | None = None
        self._raster_lock = threading.Lock()
        self._raster_tried = False

    def raster(self) -> CellRaster | None:
        """The raster, made on first use; None when the polygons cannot have one (none,
        or an invalid one, where the even-odd fill and the exact test could differ)."""
        with self._raster_lock:
            if not self._raster_tried:
                self._raster_tried = True
                n = len(self._geoms)
                if n and bool(shapely.is_valid(self._geoms).all()):
                    pixels = min(max(n * PIXELS_PER_CELL, MIN_PIXELS), MAX_PIXELS)
                    self._raster = CellRaster(self._geoms, pixels)
            return self._raster

    def __len__(self) -> int:
        return len(self._codes)

    def assign(self, lon: npt.ArrayLike, lat: npt.ArrayLike) -> CodeArray:
        """Code of the micro-grid holding each point, None where no micro-grid does.

        A point on an edge shared by several micro-grids goes to the one listed
        first, so every point gets exactly one answer.
        """
        x = np.asarray(lon, dtype=np.float64).ravel()
        y = np.asarray(lat, dtype=np.float64).ravel()
        if x.shape != y.shape:
            raise ValueError(f"lon and lat differ in length: {x.size} != {y.size}")
        out: CodeArray = np.full(x.size, None, dtype=object)
        if x.size == 0 or len(self._codes) == 0:
            return out
        raster = self.raster() if x.size >= RASTER_FROM else None
        if raster is None:
            return self._exact(x, y, out)
        label = raster.lookup(x, y)
        known = label >= 0
        out[known] = self._codes[label[known]]
        unsure = np.flatnonzero(label == BOUNDARY)
        if unsure.size:
            out[unsure] = self._exact(x[unsure], y[unsure], np.full(unsure.size, None, object))
        return out

    def _exact(
        self, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], out: CodeArray
    ) -> CodeArray:
        # Candidates by bounding box, then "intersects" (not "within", so points on edges
        # are not lost) against the prepared polygons: the tree's own predicate would
        # prepare each point instead, which costs more at 100,000 points.
        point_idx, grid_idx = self._tree.query(shapely.points(x, y))
        hit = shapely.intersects_xy(self._geoms[grid_idx], x[point_idx], y[point_idx])
        point_idx, grid_idx = point_idx[hit], grid_idx[hit]
        first = np.full(x.size, len(self._codes), dtype=np.int64)
        np.minimum.at(first, point_idx, grid_idx)
        found = first < len(self._codes)
        out[found] = self._codes[first[found]]
        return out

    def nearest(self, lon: npt.ArrayLike, lat: npt.ArrayLike) -> CodeArray:
        """Like `assign`, but a point outside every micro-grid gets the nearest one."""
        out = self.assign(lon, lat)
        lost = np.flatnonzero(np.array([c is None for c in out], dtype=bool))
        if lost.size and len(self._codes):
            x = np.asarray(lon, dtype=np.float64).ravel()[lost]
            y = np.asarray(lat, dtype=np.float64).ravel()[lost]
            point_idx, grid_idx = self._tree.query_nearest(shapely.points(x, y), all_matches=False)
            out[lost[point_idx]] = self._codes[grid_idx]
        return out
