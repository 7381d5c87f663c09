"""WGS-84 <-> GCJ-02 <-> BD-09, both ways, vectorised over numpy arrays.

GCJ-02 is the obfuscated datum Chinese map providers (amap, Tencent) and phone SDKs
publish in; BD-09 is Baidu's further shift of it. The forward formulas come from the
coordTransform package (MIT; batch loops in C). Neither has a closed-form inverse: the
package's own inverse is the one-step approximation (about 1.5 m off in Hangzhou), so
here it is the starting point of a fixed-point iteration on the package's forward
formula, which brings every inverse within 1e-9 degrees (about 0.1 mm) of the point
whose forward conversion gives the input (docs/coordinates.md, tests/test_coords.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, Literal, get_args

import coordTransform as _ct
import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
Crs = Literal["wgs84", "gcj02", "bd09"]
CRS_NAMES: Final[tuple[str, ...]] = get_args(Crs)
_Pair = tuple[FloatArray, FloatArray]
_Step = Callable[[FloatArray, FloatArray], _Pair]

# The box coordTransform treats as China: outside it GCJ-02 equals WGS-84.
_LON_MIN: Final = 73.66
_LON_MAX: Final = 135.05
_LAT_MIN: Final = 3.86
_LAT_MAX: Final = 53.55

# Each step of the iteration shrinks the error by a factor of about 3e-3 (the offsets
# change slowly with position), so a step that moved no point by more than STOP leaves
# every point within 1e-10 degrees (STOP x 0.01, a margin over 3e-3): three forward
# passes after the rough start.
STOP: Final = 1e-8
_MAX_ITERATIONS: Final = 8


def in_china(lon: npt.ArrayLike, lat: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """True where the point lies inside the box where GCJ-02 is offset."""
    x = np.asarray(lon, dtype=np.float64)
    y = np.asarray(lat, dtype=np.float64)
    return (x > _LON_MIN) & (x < _LON_MAX) & (y > _LAT_MIN) & (y < _LAT_MAX)


def _batch(fn: Callable[..., tuple[list[float], list[float]]]) -> _Step:
    """The package's batch call on flat float64 arrays, back as arrays of the input shape."""

    def run(lon: FloatArray, lat: FloatArray) -> _Pair:
        if lon.size == 0:
            return lon.copy(), lat.copy()
        out_lon, out_lat = fn(np.ascontiguousarray(lon.ravel()), np.ascontiguousarray(lat.ravel()))
        return (
            np.asarray(out_lon, dtype=np.float64).reshape(lon.shape),
            np.asarray(out_lat, dtype=np.float64).reshape(lat.shape),
        )

    return run


_wgs_gcj = _batch(_ct.wgs84_to_gcj02)
_gcj_wgs_rough = _batch(_ct.gcj02_to_wgs84)
_gcj_bd = _batch(_ct.gcj02_to_bd09)
_bd_gcj_rough = _batch(_ct.bd09_to_gcj02)


def _arrays(lon: npt.ArrayLike, lat: npt.ArrayLike) -> _Pair:
    x = np.asarray(lon, dtype=np.float64)
    y = np.asarray(lat, dtype=np.float64)
    if x.shape != y.shape:
        x, y = np.broadcast_arrays(x, y)
    return x, y


def _invert(forward: _Step, rough: _Step, lon: FloatArray, lat: FloatArray) -> _Pair:
    """Solve forward(x) = (lon, lat) for x, starting from the rough inverse."""
    x, y = rough(lon, lat)
    for _ in range(_MAX_ITERATIONS):
        fx, fy = forward(x, y)
        dx = fx - lon
        dy = fy - lat
        x = x - dx
        y = y - dy
        moved = np.fmax(np.abs(dx), np.abs(dy))  # fmax: a NaN input does not stop the rest
        if not moved.size or not np.nanmax(moved, initial=0.0) > STOP:
            break
    return x, y


def wgs84_to_gcj02(lon: npt.ArrayLike, lat: npt.ArrayLike) -> _Pair:
    """Shift WGS-84 to GCJ-02; points outside China are returned unchanged."""
    return _wgs_gcj(*_arrays(lon, lat))


def gcj02_to_wgs84(lon: npt.ArrayLike, lat: npt.ArrayLike) -> _Pair:
    """Invert `wgs84_to_gcj02` to within 1e-9 degrees; outside China unchanged."""
    return _invert(_wgs_gcj, _gcj_wgs_rough, *_arrays(lon, lat))


def gcj02_to_bd09(lon: npt.ArrayLike, lat: npt.ArrayLike) -> _Pair:
    """Shift GCJ-02 to BD-09 (applied everywhere, as Baidu does)."""
    return _gcj_bd(*_arrays(lon, lat))


def bd09_to_gcj02(lon: npt.ArrayLike, lat: npt.ArrayLike) -> _Pair:
    """Invert `gcj02_to_bd09` to within 1e-9 degrees."""
    return _invert(_gcj_bd, _bd_gcj_rough, *_arrays(lon, lat))


def wgs84_to_bd09(lon: npt.ArrayLike, lat: npt.ArrayLike) -> _Pair:
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: npt.ArrayLike, lat: npt.ArrayLike) -> _Pair:
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


_TO_WGS: Final[dict[str, Callable[[npt.ArrayLike, npt.ArrayLike], _Pair]]] = {
    "gcj02": gcj02_to_wgs84,
    "bd09": bd09_to_wgs84,
}
_FROM_WGS: Final[dict[str, Callable[[npt.ArrayLike, npt.ArrayLike], _Pair]]] = {
    "gcj02": wgs84_to_gcj02,
    "bd09": wgs84_to_bd09,
}


def check_crs(name: str) -> Crs:
    """The name as a `Crs`, or ValueError with the names that are accepted."""
    if name not in CRS_NAMES:
        raise ValueError(f"unknown coordinate system {name!r} (one of {', '.join(CRS_NAMES)})")
    return name  # type: ignore[return-value]


def to_wgs84(lon: npt.ArrayLike, lat: npt.ArrayLike, crs: str) -> _Pair:
    """Coordinates given in `crs` (wgs84, gcj02, bd09) as WGS-84."""
    fn = _TO_WGS.get(check_crs(crs))
    return fn(lon, lat) if fn else _arrays(lon, lat)


def from_wgs84(lon: npt.ArrayLike, lat: npt.ArrayLike, crs: str) -> _Pair:
    """WGS-84 coordinates expressed in `crs` (wgs84, gcj02, bd09)."""
    fn = _FROM_WGS.get(check_crs(crs))
    return fn(lon, lat) if fn else _arrays(lon, lat)


def convert(lon: npt.ArrayLike, lat: npt.ArrayLike, src: str, dst: str) -> _Pair:
    """Coordinates in `src` expressed in `dst`."""
    check_crs(dst)
    if src == dst:
        return _arrays(lon, lat)
    return from_wgs84(*to_wgs84(lon, lat, src), dst)


def _invert_point(
    forward: Callable[[float, float], list[float]],
    rough: Callable[[float, float], list[float]],
    lon: float,
    lat: float,
) -> tuple[float, float]:
    x, y = rough(lon, lat)
    for _ in range(_MAX_ITERATIONS):
        fx, fy = forward(x, y)
        dx, dy = fx - lon, fy - lat
        x, y = x - dx, y - dy
        if not max(abs(dx), abs(dy)) > STOP:
            break
    return x, y


def point_to_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """One point in `crs` as WGS-84, for the ingest boundary (one event at a time): the
    package's scalar formulas, some 30 times faster than numpy on a single point."""
    name = check_crs(crs)
    if name == "wgs84":
        return lon, lat
    if name == "bd09":
        lon, lat = _invert_point(_ct.gcj02_to_bd09, _ct.bd09_to_gcj02, lon, lat)
    return _invert_point(_ct.wgs84_to_gcj02, _ct.gcj02_to_wgs84, lon, lat)
