"""The Qiantang's bank along the outline and the crowd zones near it."""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely import affinity

from layers.names import CROWD_ZONES
from layers.tiling import XY, Geom, polygons, sample


def riverbank(outline: Geom) -> Geom:
    """A coarse line along the north-west-facing run of the outline: the Qiantang's bank."""
    ring = shapely.simplify(shapely.orient_polygons(outline).exterior, 300.0)
    xy = shapely.get_coordinates(ring)[:-1]
    seg = np.roll(xy, -1, axis=0) - xy
    length = np.hypot(seg[:, 0], seg[:, 1])
    # A counter-clockwise ring's outward normal is (dy, -dx); dot it with north-west.
    facing = -(seg[:, 0] + seg[:, 1]) / (length * math.sqrt(2)) > 0.3
    if facing.all() or not facing.any():
        raise ValueError("outline has no distinct north-west side")
    start = int(np.argmin(facing))  # begin at a non-facing segment so runs don't wrap
    order = np.roll(np.arange(len(xy)), -start)
    best: list[int] = []
    run: list[int] = []
    for i in [*order, order[0]]:
        if facing[i]:
            run.append(int(i))
            continue
        if sum(length[run]) > sum(length[best]):
            best = run
        run = []
    stops = [*best, (best[-1] + 1) % len(xy)]
    return shapely.LineString(xy[stops])


def _ellipse(centre: XY, semi_axes: tuple[float, float], angle: float) -> Geom:
    circle = shapely.Point(*centre).buffer(1.0, quad_segs=8)
    return affinity.rotate(affinity.scale(circle, *semi_axes), angle, use_radians=False)


def crowd_zones(outline: Geom, river: Geom, bank: Geom, rng: np.random.Generator) -> list[Geom]:
    """Zone shapes in CROWD_ZONES order, inside the outline and at least 600 m apart."""
    interior = np.array([outline.buffer(-800.0)], dtype=object)
    zones: list[Geom] = []
    for spec in CROWD_ZONES:
        if spec.semi_axes is None:
            # A 300 m deep, 2.6 km long stretch of the bank, midway along the river.
            mid = bank.interpolate(0.55, normalized=True).buffer(1300.0)
            strip = outline.intersection(river.buffer(300.0)).intersection(mid)
            zones.append(max(polygons(strip), key=lambda p: p.area))
            continue
        for _ in range(1000):
            centre = sample(interior, np.array([1]), rng)[0]
            zone = _ellipse(centre, spec.semi_axes, float(rng.uniform(0.0, 180.0)))
            if outline.contains(zone) and all(zone.distance(z) > 600.0 for z in zones):
                zones.append(zone)
                break
        else:
            raise RuntimeError(f"no room left for crowd zone {spec.code}")
    return zones
