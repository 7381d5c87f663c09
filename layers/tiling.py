"""Cutting polygons into compact cells or equal strips, and sampling points inside them."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

Geom = Any  # shapely ships no type information
GeomArray = npt.NDArray[np.object_]
XY = npt.NDArray[np.float64]


def sample(polys: GeomArray, counts: npt.NDArray[np.int64], rng: np.random.Generator) -> XY:
    """`counts[i]` random points strictly inside `polys[i]`, grouped by polygon."""
    owner = np.repeat(np.arange(len(polys)), counts)
    out = np.empty((owner.size, 2))
    bounds = shapely.bounds(polys)
    todo = np.arange(owner.size)
    while todo.size:
        b = bounds[owner[todo]]
        x = rng.uniform(b[:, 0], b[:, 2])
        y = rng.uniform(b[:, 1], b[:, 3])
        ok = shapely.contains_xy(polys[owner[todo]], x, y)
        out[todo[ok]] = np.column_stack([x[ok], y[ok]])
        todo = todo[~ok]
    return out


def voronoi(seeds: XY, parent: Geom) -> GeomArray:
    diagram = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=parent, ordered=True)
    cells = shapely.get_parts(diagram)
    if len(cells) != len(seeds):
        raise RuntimeError("Voronoi lost a seed; seeds must be distinct")
    return np.asarray(shapely.intersection(cells, parent), dtype=object)


def centres(cells: GeomArray, parent: Geom) -> XY:
    centres = shapely.centroid(cells)
    # A concave parent can put a centroid outside; move it back in.
    outside = ~shapely.contains(parent, centres)
    centres[outside] = shapely.point_on_surface(cells[outside])
    xy: XY = shapely.get_coordinates(centres)
    return xy


def reading_order(seeds: XY, parent: Geom) -> XY:
    """Rows from north to south, west to east within a row: how people count cells."""
    row_height = math.sqrt(parent.area / len(seeds))
    rows = np.floor((seeds[:, 1].max() - seeds[:, 1]) / row_height)
    return seeds[np.lexsort((seeds[:, 0], rows))]


def polygons(geom: Geom) -> list[Geom]:
    return [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and p.area > 0]


def single_parts(cells: GeomArray) -> GeomArray:
    """Give each stray fragment of a clipped cell to the neighbour it shares most edge with."""
    out = cells.copy()
    fragments: list[Geom] = []
    for i, cell in enumerate(cells):
        parts = sorted(polygons(cell), key=lambda p: -p.area)
        out[i] = parts[0]
        fragments.extend(parts[1:])
    for fragment in fragments:
        shared = shapely.length(shapely.intersection(shapely.boundary(out), fragment.boundary))
        j = int(np.argmax(shared))
        out[j] = shapely.union(out[j], fragment)
    return out


def tile(parent: Geom, n: int, rng: np.random.Generator, relax: int = 2) -> GeomArray:
    """Cut `parent` into `n` compact cells that cover it exactly (Lloyd-relaxed Voronoi)."""
    if n == 1:
        return np.array([parent], dtype=object)
    seeds = sample(np.array([parent], dtype=object), np.array([n]), rng)
    for _ in range(relax):
        seeds = centres(voronoi(seeds, parent), parent)
    return single_parts(voronoi(reading_order(seeds, parent), parent))


def strips(parent: Geom, direction: XY, k: int) -> list[Geom]:
    """Cut `parent` across `direction` into `k` pieces of equal area."""
    d = direction / np.hypot(*direction)
    normal = np.array([-d[1], d[0]])
    along = shapely.get_coordinates(parent) @ d
    reach = float(np.ptp(along)) * 4 + 1.0

    def before(t: float) -> Geom:
        corners = [
            t * d - reach * normal,
            t * d + reach * normal,
            (t - reach) * d + reach * normal,
            (t - reach) * d - reach * normal,
        ]
        return shapely.Polygon(corners)

    pieces: list[Geom] = []
    rest = parent
    for i in range(1, k):
        target = parent.area * i / k
        lo, hi = float(along.min()), float(along.max())
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if parent.intersection(before(mid)).area < target else (lo, mid)
        cut = before((lo + hi) / 2)
        pieces.append(rest.intersection(cut))
        rest = rest.difference(cut)
    pieces.append(rest)
    # A cut through the ragged southern edge can leave a sliver on the wrong side.
    return list(single_parts(np.array(pieces, dtype=object)))


def apportion(total: int, weights: npt.NDArray[np.float64], minimum: int) -> npt.NDArray[np.int64]:
    """Split `total` in proportion to `weights` (largest remainder), at least `minimum` each."""
    spare = total - minimum * len(weights)
    share = spare * weights / weights.sum()
    counts: npt.NDArray[np.int64] = minimum + np.floor(share).astype(np.int64)
    left = total - int(counts.sum())
    counts[np.argsort(-(share - np.floor(share)), kind="stable")[:left]] += 1
    return counts
