"""WGS-84 / GCJ-02 / BD-09 conversion: published reference points, round trips, arrays."""

from __future__ import annotations

import coordTransform
import numpy as np
import pytest

from layers import coords as C

# (wgs lon, wgs lat, gcj lon, gcj lat): the eviltransform test suite's points.
EVILTRANSFORM = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),  # Shanghai
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),  # Shenzhen
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),  # Beijing
]
# wandergis/coordtransform's README example, (116.404, 39.915) through each formula.
WANDERGIS_IN = (116.404, 39.915)
WANDERGIS_WGS_GCJ = (116.41024449916938, 39.91640428150164)
WANDERGIS_GCJ_BD = (116.41036949371029, 39.92133699351021)
WANDERGIS_BD_GCJ_ONE_STEP = (116.39762729119315, 39.90865673957631)

# The accuracy stated in docs/coordinates.md for every inverse.
INVERSE_ACCURACY = 1e-9  # degrees, about 0.1 mm


def _pair(xy: tuple[np.ndarray, np.ndarray]) -> tuple[float, float]:
    return float(xy[0]), float(xy[1])


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), EVILTRANSFORM)
def test_gcj02_reference_points_both_ways(
    wlon: float, wlat: float, glon: float, glat: float
) -> None:
    assert _pair(C.wgs84_to_gcj02(wlon, wlat)) == pytest.approx((glon, glat), abs=1e-9)
    assert _pair(C.gcj02_to_wgs84(glon, glat)) == pytest.approx((wlon, wlat), abs=INVERSE_ACCURACY)


def test_bd09_reference_points_both_ways() -> None:
    assert _pair(C.wgs84_to_gcj02(*WANDERGIS_IN)) == pytest.approx(WANDERGIS_WGS_GCJ, abs=1e-12)
    assert _pair(C.gcj02_to_bd09(*WANDERGIS_IN)) == pytest.approx(WANDERGIS_GCJ_BD, abs=1e-12)
    assert _pair(C.bd09_to_gcj02(*WANDERGIS_GCJ_BD)) == pytest.approx(
        WANDERGIS_IN, abs=INVERSE_ACCURACY
    )
    # The published one-step inverse is decimetre-close to the exact one, not equal.
    exact = _pair(C.bd09_to_gcj02(*WANDERGIS_IN))
    assert exact == pytest.approx(WANDERGIS_BD_GCJ_ONE_STEP, abs=1e-6)
    assert exact != pytest.approx(WANDERGIS_BD_GCJ_ONE_STEP, abs=1e-8)


def _china_sample(n: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(10)
    return rng.uniform(74.0, 134.9, n), rng.uniform(4.0, 53.4, n)


@pytest.mark.parametrize(
    ("forward", "inverse"),
    [
        (C.wgs84_to_gcj02, C.gcj02_to_wgs84),
        (C.gcj02_to_bd09, C.bd09_to_gcj02),
        (C.wgs84_to_bd09, C.bd09_to_wgs84),
    ],
)
def test_round_trips_across_china_within_the_stated_accuracy(
    forward: C._Step, inverse: C._Step
) -> None:
    lon, lat = _china_sample()
    flon, flat = forward(lon, lat)
    assert np.min(np.hypot(flon - lon, flat - lat)) > 1e-4  # a shift worth undoing
    back_lon, back_lat = inverse(flon, flat)
    assert np.max(np.abs(back_lon - lon)) < INVERSE_ACCURACY
    assert np.max(np.abs(back_lat - lat)) < INVERSE_ACCURACY
    # ...and the other way round: the inverse's output maps back onto its input.
    ilon, ilat = inverse(lon, lat)
    again_lon, again_lat = forward(ilon, ilat)
    assert np.max(np.abs(again_lon - lon)) < INVERSE_ACCURACY
    assert np.max(np.abs(again_lat - lat)) < INVERSE_ACCURACY


def test_the_packages_one_step_inverse_alone_is_metres_off() -> None:
    lon, lat = _china_sample(2000)
    glon, glat = C.wgs84_to_gcj02(lon, lat)
    rough_lon, _ = coordTransform.gcj02_to_wgs84(glon, glat)
    assert np.max(np.abs(np.asarray(rough_lon) - lon)) > 1e-5  # why the iteration is there


def test_points_outside_china_keep_their_gcj02_but_not_their_bd09() -> None:
    lon = np.array([-0.1276, -74.006, 151.2093, 139.6917])
    lat = np.array([51.5072, 40.7128, -33.8688, 35.6895])
    assert not C.in_china(lon, lat).any()
    for fn in (C.wgs84_to_gcj02, C.gcj02_to_wgs84):
        out_lon, out_lat = fn(lon, lat)
        assert np.array_equal(out_lon, lon) and np.array_equal(out_lat, lat)
    assert not np.array_equal(C.gcj02_to_bd09(lon, lat)[0], lon)


def test_in_china_agrees_with_the_package() -> None:
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(60, 150, 3000), rng.uniform(-5, 60, 3000)
    ours = C.in_china(lon, lat)
    theirs = np.array(
        [not coordTransform.out_of_china(x, y) for x, y in zip(lon, lat, strict=True)]
    )
    assert np.array_equal(ours, theirs) and 0 < ours.sum() < ours.size


def test_arrays_keep_their_shape_and_a_nan_stays_alone() -> None:
    lon = np.array([[120.2, np.nan], [116.4, 151.2]])
    lat = np.array([[30.2, 30.0], [39.9, -33.9]])
    for fn in (C.gcj02_to_wgs84, C.bd09_to_wgs84, C.wgs84_to_bd09):
        out_lon, out_lat = fn(lon, lat)
        assert out_lon.shape == out_lat.shape == (2, 2)
        assert np.isnan(out_lon[0, 1]) and np.isfinite(out_lon[0, 0]) and np.isfinite(out_lat[1, 0])
    empty_lon, empty_lat = C.bd09_to_wgs84(np.array([]), np.array([]))
    assert empty_lon.size == empty_lat.size == 0


@pytest.mark.parametrize("crs", ["wgs84", "gcj02", "bd09"])
def test_to_and_from_wgs84_by_name_and_one_point(crs: str) -> None:
    lon, lat = 120.21, 30.21
    there = C.from_wgs84(lon, lat, crs)
    assert _pair(C.to_wgs84(*there, crs)) == pytest.approx((lon, lat), abs=INVERSE_ACCURACY)
    assert C.point_to_wgs84(*_pair(there), crs) == pytest.approx((lon, lat), abs=INVERSE_ACCURACY)
    assert (_pair(there) == (lon, lat)) is (crs == "wgs84")
    assert _pair(C.convert(*there, crs, "bd09")) == pytest.approx(
        _pair(C.wgs84_to_bd09(lon, lat)), abs=INVERSE_ACCURACY
    )


@pytest.mark.parametrize("name", ["utm", "WGS84", "", "epsg:4326"])
def test_unknown_coordinate_systems_are_refused_by_name(name: str) -> None:
    with pytest.raises(ValueError, match=r"unknown coordinate system .*wgs84, gcj02, bd09"):
        C.to_wgs84(120.0, 30.0, name)


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_one_point_at_a_time_agrees_with_the_arrays(crs: str) -> None:
    lon, lat = _china_sample(300)
    arr_lon, arr_lat = C.to_wgs84(lon, lat, crs)
    one = np.array([C.point_to_wgs84(x, y, crs) for x, y in zip(lon, lat, strict=True)])
    # each point stops iterating on its own, an array when all have: both well within 1e-9
    assert np.max(np.abs(one[:, 0] - arr_lon)) < 1e-10
    assert np.max(np.abs(one[:, 1] - arr_lat)) < 1e-10
