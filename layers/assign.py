"""Point-to-micro-grid assignment with a spatial index."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely

CodeArray = npt.NDArray[np.object_]


class GridIndex:
    """An STRtree over micro-grid polygons that maps points to their codes."""

    def __init__(self, micro_grids: gpd.GeoDataFrame) -> None:
        self._codes: CodeArray = np.asarray(micro_grids["code"], dtype=object)
        geoms = np.asarray(micro_grids.geometry.values, dtype=object)
        self._tree = shapely.STRtree(geoms)

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
        # "intersects" rather than "within" so points on edges are not lost.
        point_idx, grid_idx = self._tree.query(shapely.points(x, y), predicate="intersects")
        first = np.full(x.size, len(self._codes), dtype=np.int64)
        np.minimum.at(first, point_idx, grid_idx)
        hit = first < len(self._codes)
        out[hit] = self._codes[first[hit]]
        return out
