"""Positions in GCJ-02 or BD-09 (wire format v3 `crs`): converted at the ingest boundary."""

from __future__ import annotations

import pytest
import redis
from sqlalchemy import Engine

from feeds import constants as K
from feeds import store
from feeds.ingest import Worker
from feeds.schemas import InvalidEntry, decode_reading, decode_report, encode
from feeds.settings import Settings
from layers.coords import from_wgs84, to_wgs84
from layers.district import District
from tests.helpers import REPORTS, drain, reading, report, xadd
from tests.test_schemas import GOOD_REPORT, with_


def _shifted(lon: float, lat: float, crs: str) -> tuple[str, str]:
    x, y = from_wgs84(lon, lat, crs)
    return repr(float(x)), repr(float(y))


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_a_report_in_a_chinese_system_decodes_to_wgs84(crs: str) -> None:
    lon, lat = _shifted(120.21, 30.19, crs)
    rep = decode_report(with_(GOOD_REPORT, lon=lon, lat=lat, crs=crs, v="4"))
    assert (rep.lon, rep.lat) == pytest.approx((120.21, 30.19), abs=1e-9)
    assert rep.crs == "wgs84"


@pytest.mark.parametrize("crs", [None, "", "wgs84"])
def test_wgs84_or_no_crs_leaves_the_position_alone(crs: str | None) -> None:
    rep = decode_report(with_(GOOD_REPORT, crs=crs))
    assert (rep.lon, rep.lat) == (120.21, 30.19)


@pytest.mark.parametrize("crs", ["utm", "GCJ-02", "EPSG:4490", "x" * 41])
def test_an_unknown_crs_is_refused_with_its_reason(crs: str) -> None:
    with pytest.raises(InvalidEntry, match="crs"):
        decode_report(with_(GOOD_REPORT, crs=crs))
    with pytest.raises(InvalidEntry, match="crs"):
        decode_reading(
            {"id": "s-1", "sensor": "g1", "kind": "gas", "value": "3", "unit": "ppm",
             "ts": "1764000000000", "crs": crs}
        )  # fmt: skip


def test_a_reading_in_bd09_decodes_to_wgs84_and_an_address_report_needs_no_position() -> None:
    lon, lat = _shifted(120.2, 30.2, "bd09")
    got = decode_reading(
        encode(reading("g1", "gas", 3.0, lon=float(lon), lat=float(lat), crs="bd09"))
    )
    assert (got.lon, got.lat) == pytest.approx((120.2, 30.2), abs=1e-9)
    by_code = decode_report(with_(GOOD_REPORT, lon=None, lat=None, address="330108-1", crs="gcj02"))
    assert by_code.lon is None and by_code.address == "330108-1"


def test_encode_says_version_4_only_when_a_crs_is_named() -> None:
    assert encode(report())["v"] == "1" and "crs" not in encode(report())
    fields = encode(report(crs="gcj02"))
    assert fields["v"] == "4" and fields["crs"] == "gcj02"


def test_reports_in_each_system_land_in_the_grid_of_their_wgs84_place(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine, district: District
) -> None:
    b = district.buildings.iloc[3]
    lon, lat, micro = float(b.lon), float(b.lat), str(b.micro_grid)
    reps = {}
    for crs in ("wgs84", "gcj02", "bd09"):
        x, y = from_wgs84(lon, lat, crs)
        reps[crs] = report(lon=float(x), lat=float(y), crs=crs)
    # The same GCJ-02 numbers sent without saying so are taken as WGS-84: hundreds of
    # metres off, which is why a producer names its system.
    gx, gy = from_wgs84(lon, lat, "gcj02")
    unsaid = report(lon=float(gx), lat=float(gy))
    xadd(r, settings, REPORTS, *reps.values(), unsaid)
    drain(worker)
    with engine.connect() as conn:
        rows = store.load_incidents(conn, [*(x.id for x in reps.values()), unsaid.id])
    for crs, rep in reps.items():
        assert rows[rep.id]["micro_grid"] == micro, crs
        assert (rows[rep.id]["lon"], rows[rep.id]["lat"]) == pytest.approx((lon, lat), abs=1e-7)
    assert (rows[unsaid.id]["lon"], rows[unsaid.id]["lat"]) != pytest.approx((lon, lat), abs=1e-3)
    wx, wy = to_wgs84(gx, gy, "gcj02")
    assert (float(wx), float(wy)) == pytest.approx((lon, lat), abs=1e-9)


def test_an_unknown_crs_is_dead_lettered_and_the_rest_applied(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine
) -> None:
    good = report(crs="gcj02")
    bad = {**encode(report()), "crs": "mercator"}
    xadd(r, settings, REPORTS, bad, good)
    drain(worker)
    dead = r.xrange(settings.key(K.STREAM_DEAD))
    assert len(dead) == 1
    assert "unknown coordinate system 'mercator'" in dead[0][1]["reason"]
    with engine.connect() as conn:
        assert set(store.load_incidents(conn, [good.id])) == {good.id}
