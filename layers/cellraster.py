"""A raster over polygons: for each pixel, the polygon it lies wholly inside.

Looking a point up is then two multiplications and an array read. A pixel that a
polygon's edge crosses (or touches) holds BOUNDARY instead, and its points need the exact
point-in-polygon test; so do not-quite-straight answers nowhere: a pixel with no edge in
it lies inside the same polygons everywhere, which its centre tells.

How the raster is made, all in numpy over every ring's segments at once:
- the centre of each pixel is filled by scanline (even-odd per polygon, so holes and
  multi-part polygons come out right); where polygons overlap the first listed wins;
- every pixel a segment comes within EPS pixels of is marked BOUNDARY: each segment cut
  into pieces at most half a pixel long, and the (at most 2 x 2) pixels of each piece's
  widened bounding box marked.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

OUTSIDE = -1  # no polygon holds the pixel
BOUNDARY = -2  # an edge crosses the pixel: ask the polygons
EPS = 1e-3  # pixels: far beyond float64's rounding of a coordinate, far below a pixel
CHUNK = 500  # polygons made at a time: bounds the temporary arrays (~20 MB, not ~350)

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Labels = npt.NDArray[np.int32]


class CellRaster:
    """Pixel -> index of the polygon holding it, OUTSIDE or BOUNDARY."""

    def __init__(self, geoms: npt.NDArray[Any], pixels: int) -> None:
        west, south, east, north = (float(b) for b in shapely.total_bounds(geoms))
        span = max(east - west, north - south, 1e-9)
        area = max((east - west) * (north - south), span * span / max(pixels, 1))
        self.size = math.sqrt(area / max(pixels, 1))
        # one spare pixel on every side: a point beyond the raster is beyond every polygon
        self.x0, self.y0 = west - self.size, south - self.size
        self.width = math.ceil((east - west) / self.size) + 2
        self.height = math.ceil((north - south) / self.size) + 2
        u, v, owner = _segments(geoms, self.x0, self.y0, self.size)
        big = np.iinfo(np.int32).max
        self.labels: Labels = np.full(self.width * self.height, big, dtype=np.int32)
        edge = np.zeros(self.width * self.height, dtype=bool)
        # owner never decreases along the segments: a chunk holds whole polygons
        cuts = np.searchsorted(owner, np.arange(0, len(geoms) + CHUNK, CHUNK))
        for lo, hi in itertools.pairwise(cuts.tolist()):
            if hi > lo:
                part = slice(lo, hi)
                _fill(u[part], v[part], owner[part], self.width, self.height, self.labels)
                edge[_edges(u[part], v[part], self.width, self.height)] = True
        self.labels[self.labels == big] = OUTSIDE
        self.labels[edge] = BOUNDARY

    @property
    def boundary_share(self) -> float:
        return float(np.mean(self.labels == BOUNDARY))

    def lookup(self, x: Floats, y: Floats) -> Labels:
        """Label of the pixel each point falls in; OUTSIDE beyond the raster (and NaN)."""
        u = (x - self.x0) / self.size
        v = (y - self.y0) / self.size
        ok = (u >= 0) & (u < self.width) & (v >= 0) & (v < self.height)  # NaN: False
        out: Labels = np.full(x.shape, OUTSIDE, dtype=np.int32)
        i = u[ok].astype(np.int64)  # >= 0, so truncation is floor
        j = v[ok].astype(np.int64)
        out[ok] = self.labels[j * self.width + i]
        return out


def _segments(geoms: npt.NDArray[Any], x0: float, y0: float, size: float) -> tuple[
    Floats, Floats, Ints
]:
    """Every ring's segments in pixel units: u and v of shape (n, 2), and the polygon each
    belongs to."""
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    xy, coord_of = shapely.get_coordinates(rings, return_index=True)
    same = coord_of[:-1] == coord_of[1:]  # a segment joins two points of one ring
    start = np.flatnonzero(same)
    uu = (xy[:, 0] - x0) / size
    vv = (xy[:, 1] - y0) / size
    u = np.column_stack([uu[start], uu[start + 1]])
    v = np.column_stack([vv[start], vv[start + 1]])
    owner = part_of[ring_of[coord_of[start]]].astype(np.int64)
    return u, v, owner


def _fill(u: Floats, v: Floats, owner: Ints, width: int, height: int, labels: Labels) -> None:
    """Scanline fill of pixel centres into `labels`: the lowest polygon index covering each
    (of these polygons and those filled before)."""
    vmin, vmax = v.min(axis=1), v.max(axis=1)
    # rows whose centre j + 0.5 lies in [vmin, vmax): the half-open rule counts a vertex
    # on the line once, so every row crosses a closed ring an even number of times
    lo = np.ceil(vmin - 0.5).astype(np.int64)
    count = np.ceil(vmax - 0.5).astype(np.int64) - lo
    seg = np.repeat(np.arange(len(owner)), count)
    row = lo[seg] + _ramp(count)
    centre = row + 0.5
    u1, v1, u2, v2 = u[seg, 0], v[seg, 0], u[seg, 1], v[seg, 1]
    cross = u1 + (centre - v1) * (u2 - u1) / (v2 - v1)
    who = owner[seg]
    order = np.lexsort((cross, row, who))
    cross, row, who = cross[order], row[order], who[order]
    # within one polygon and row the crossings pair up: inside from each odd one to the next
    a, b = cross[0::2], cross[1::2]
    row, who = row[0::2], who[0::2]
    first = np.clip(np.ceil(a - 0.5).astype(np.int64), 0, width)
    last = np.clip(np.ceil(b - 0.5).astype(np.int64), 0, width)
    run = np.maximum(last - first, 0)
    keep = (run > 0) & (row >= 0) & (row < height)
    first, run, row, who = first[keep], run[keep], row[keep], who[keep]
    at = np.repeat(row * width + first, run) + _ramp(run)
    np.minimum.at(labels, at, np.repeat(who, run).astype(np.int32))


def _edges(u: Floats, v: Floats, width: int, height: int) -> Ints:
    """Flat indices of every pixel a segment comes within EPS of."""
    du, dv = u[:, 1] - u[:, 0], v[:, 1] - v[:, 0]
    pieces = np.maximum(np.ceil(np.maximum(np.abs(du), np.abs(dv)) / 0.5), 1).astype(np.int64)
    seg = np.repeat(np.arange(len(u)), pieces)
    k = _ramp(pieces).astype(np.float64)
    n = pieces[seg].astype(np.float64)
    ua = u[seg, 0] + du[seg] * (k / n)
    ub = u[seg, 0] + du[seg] * ((k + 1) / n)
    va = v[seg, 0] + dv[seg] * (k / n)
    vb = v[seg, 0] + dv[seg] * ((k + 1) / n)
    i0 = np.floor(np.minimum(ua, ub) - EPS).astype(np.int64)
    i1 = np.floor(np.maximum(ua, ub) + EPS).astype(np.int64)
    j0 = np.floor(np.minimum(va, vb) - EPS).astype(np.int64)
    j1 = np.floor(np.maximum(va, vb) + EPS).astype(np.int64)
    i = np.concatenate([i0, i1, i0, i1])
    j = np.concatenate([j0, j0, j1, j1])
    inside = (i >= 0) & (i < width) & (j >= 0) & (j < height)
    flat: Ints = j[inside] * width + i[inside]
    return flat


def _ramp(counts: Ints) -> Ints:
    """0, 1, ..., c - 1 for each c in counts, end to end."""
    total = int(counts.sum())
    starts = np.cumsum(counts) - counts
    ramp: Ints = np.arange(total, dtype=np.int64) - np.repeat(starts, counts)
    return ramp
