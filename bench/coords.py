"""Coordinate conversion of a district's worth of points, beside a per-point loop.

    .venv/bin/python -m bench.coords [--points 1000000]

Each of the three systems to WGS-84 and back, on random points in Hangzhou, with the
largest round-trip error; the naive way is the package's scalar call per point in a
Python loop (timed on a sample and scaled up).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import coordTransform
import numpy as np

from layers import coords as C

Fn = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def timed(fn: Fn, lon: np.ndarray, lat: np.ndarray) -> tuple[float, tuple[np.ndarray, np.ndarray]]:
    t = time.perf_counter()
    out = fn(lon, lat)
    return time.perf_counter() - t, out


def loop_per_point(lon: np.ndarray, lat: np.ndarray, crs: str, sample: int) -> float:
    """Seconds for all points one at a time, measured on ``sample`` of them."""
    t = time.perf_counter()
    for x, y in zip(lon[:sample].tolist(), lat[:sample].tolist(), strict=True):
        C.point_to_wgs84(x, y, crs)
    return (time.perf_counter() - t) * len(lon) / sample


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--sample", type=int, default=20_000)
    a = ap.parse_args()
    rng = np.random.default_rng(7)
    lon = rng.uniform(119.7, 120.6, a.points)
    lat = rng.uniform(29.9, 30.6, a.points)
    print(
        f"{a.points:,} points in Hangzhou; coordTransform C batch: {coordTransform.HAS_C_EXTENSION}"
    )
    for crs in ("gcj02", "bd09"):
        fwd_s, there = timed(lambda x, y, c=crs: C.from_wgs84(x, y, c), lon, lat)
        inv_s, back = timed(lambda x, y, c=crs: C.to_wgs84(x, y, c), *there)
        err = max(float(np.max(np.abs(back[0] - lon))), float(np.max(np.abs(back[1] - lat))))
        naive = loop_per_point(there[0], there[1], crs, a.sample)
        print(
            f"wgs84->{crs} {fwd_s:.2f} s, {crs}->wgs84 {inv_s:.2f} s "
            f"(per-point loop {naive:.1f} s, {naive / inv_s:.0f}x), "
            f"round trip max error {err:.1e} deg"
        )


if __name__ == "__main__":
    main()
