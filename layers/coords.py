"""WGS-84 <-> GCJ-02 conversion, vectorised over numpy arrays.

GCJ-02 is the obfuscated datum Chinese map providers (amap, Tencent) publish in.
The forward formula is the well-known public-domain one (eviltransform / prcoords
lineage); the inverse has no closed form, so it is solved by fixed-point iteration.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

# Krasovsky 1940 ellipsoid, which the GCJ-02 formula is defined on.
_A: Final = 6378245.0
_EE: Final = 0.00669342162296594323

# The formula's own "in China" box; outside it both datums coincide.
_LON_MIN: Final = 72.004
_LON_MAX: Final = 137.8347
_LAT_MIN: Final = 0.8293
_LAT_MAX: Final = 55.8271

# Iteration stops when a step moves less than this (degrees, ~1 mm).
_TOLERANCE: Final = 1e-11
_MAX_ITERATIONS: Final = 30


def in_china(lon: npt.ArrayLike, lat: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """True where the point lies inside the box where GCJ-02 is offset."""
    x = np.asarray(lon, dtype=np.float64)
    y = np.asarray(lat, dtype=np.float64)
    return (x >= _LON_MIN) & (x <= _LON_MAX) & (y >= _LAT_MIN) & (y <= _LAT_MAX)


def _offset(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    x = lon - 105.0
    y = lat - 35.0
    pi = np.pi
    common = (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    dlat += common
    dlat += (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    dlon += common
    dlon += (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0

    rad_lat = lat / 180.0 * pi
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Shift WGS-84 coordinates to GCJ-02; points outside China are returned unchanged."""
    x = np.asarray(lon, dtype=np.float64)
    y = np.asarray(lat, dtype=np.float64)
    dlon, dlat = _offset(x, y)
    inside = in_china(x, y)
    return np.where(inside, x + dlon, x), np.where(inside, y + dlat, y)


def gcj02_to_wgs84(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Invert `wgs84_to_gcj02` to well under a metre; points outside China are unchanged."""
    gx = np.asarray(lon, dtype=np.float64)
    gy = np.asarray(lat, dtype=np.float64)
    inside = in_china(gx, gy)
    x = gx.copy()
    y = gy.copy()
    # Fixed-point iteration on wgs = gcj - offset(wgs): the offset changes by
    # less than 1e-5 of a degree per degree, so each step gains about 5 digits.
    for _ in range(_MAX_ITERATIONS):
        dlon, dlat = _offset(x, y)
        nx = gx - dlon
        ny = gy - dlat
        step = max(
            float(np.max(np.abs(nx - x), initial=0.0)), float(np.max(np.abs(ny - y), initial=0.0))
        )
        x, y = nx, ny
        if step < _TOLERANCE:
            break
    return np.where(inside, x, gx), np.where(inside, y, gy)
