"""A running ingest worker takes a new geography (grids or addresses) without a restart;
incidents keep the cells they were placed in; a report with an address code is placed
by it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
import redis
import shapely
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from dashboard.app import create_server
from feeds import store
from feeds.geography import switch
from feeds.geography.addresses import import_addresses
from feeds.geography.grids import import_grids
from feeds.ingest import Worker, geography
from feeds.reference import Reference
from feeds.settings import Settings
from feeds.sla import SlaPolicy
from feeds.tables import area_versions, buildings
from layers.coords import from_wgs84
from tests.geofiles import lattice, micro_centre, own_database, write
from tests.helpers import REPORTS, drain, report, xadd
from tests.signin import kiosk_token


@pytest.fixture
def geo_settings(settings: Settings, db_url: str, tmp_path: Path) -> Iterator[Settings]:
    with own_database(db_url, tmp_path) as url:
        yield settings.with_(database_url=url)


@pytest.fixture
def geo_engine(geo_settings: Settings, tmp_path: Path) -> Iterator[Engine]:
    engine = store.make_engine(geo_settings)
    store.create_schema(engine)
    assert import_grids(engine, write(lattice(), tmp_path / "v1.gpkg")).version == 1
    yield engine
    engine.dispose()


@pytest.fixture
def geo_worker(geo_settings: Settings, r: redis.Redis, geo_engine: Engine) -> Worker:
    with geo_engine.connect() as conn:
        ref = Reference.load(conn)
    w = Worker(geo_settings, r, geo_engine, ref, SlaPolicy())
    w.ensure_groups()
    w.read_own_pending = False
    return w


def reloaded(w: Worker) -> None:
    """The round that sees the new key starts the load; once it is done, the next round
    puts it in place."""
    w.checks()
    assert w.reloading is not None, "no load started"
    assert w.reloading.done.wait(60), "the load did not end"
    w.checks()
    assert w.reloading is None


def incident_cell(engine: Engine, incident: str) -> str | None:
    with engine.connect() as conn:
        cell = store.load_incidents(conn, [incident])[incident]["micro_grid"]
    return None if cell is None else str(cell)


def test_a_reimport_reaches_a_running_worker_and_old_incidents_keep_their_cells(
    geo_worker: Worker, geo_engine: Engine, geo_settings: Settings, r: redis.Redis, tmp_path: Path
) -> None:
    lon, lat = micro_centre("S1C1G1M1")
    first = report(lon=lon, lat=lat)
    xadd(r, geo_settings, REPORTS, first)
    assert drain(geo_worker) == 1
    assert incident_cell(geo_engine, first.id) == "S1C1G1M1"

    outcome = import_grids(
        geo_engine,
        write(lattice("N"), tmp_path / "v2.geojson"),
        announce=lambda v: switch.announce(r, geo_settings, v),
    )
    assert outcome.version == 2
    reloaded(geo_worker)
    second = report(lon=lon, lat=lat)
    xadd(r, geo_settings, REPORTS, second)
    assert drain(geo_worker) == 1
    assert geo_worker.ref.version == 2
    assert incident_cell(geo_engine, second.id) == "NS1C1G1M1"
    assert incident_cell(geo_engine, first.id) == "S1C1G1M1"  # never rewritten
    with geo_engine.connect() as conn:  # and its cell as it was is kept
        text = conn.execute(
            select(area_versions.c.geometry).where(
                area_versions.c.version == 1, area_versions.c.code == "S1C1G1M1"
            )
        ).scalar_one()
    assert shapely.from_geojson(text).contains(shapely.Point(lon, lat))


def test_imported_addresses_place_reports_by_code(
    geo_worker: Worker, geo_engine: Engine, geo_settings: Settings, r: redis.Redis, tmp_path: Path
) -> None:
    assert drain(geo_worker) == 0  # the worker is running before the addresses come
    lon, lat = micro_centre("S2C1G2M2")
    csv = tmp_path / "addresses.csv"
    csv.write_text(
        "code,address,lon,lat\n"
        f"330110-000001,杭州市余杭区测试路1号1幢,{lon},{lat}\n"
        f"330110-000002,杭州市余杭区测试路2号,{lon - 0.005},{lat}\n",
        encoding="utf-8",
    )
    outcome = import_addresses(
        geo_engine, csv, announce=lambda v: switch.announce(r, geo_settings, v, grids=False)
    )
    assert outcome.ok, outcome.summary()
    with geo_engine.connect() as conn:
        placed = dict(conn.execute(select(buildings.c.code, buildings.c.micro_grid)).all())
    assert placed == {"330110-000001": "S2C1G2M2", "330110-000002": "S2C1G2M1"}
    reloaded(geo_worker)
    by_code = report(address="330110-000001", lon=None, lat=None)
    xadd(r, geo_settings, REPORTS, by_code)
    assert drain(geo_worker) == 1
    assert incident_cell(geo_engine, by_code.id) == "S2C1G2M2"
    # the residents' form behind each imported address's QR code
    with TestClient(create_server(geo_settings)) as client:
        for code, words in (("330110-000001", "测试路1号1幢"), ("330110-000002", "测试路2号")):
            page = client.get(f"/r/{code}")
            assert page.status_code == 200 and words in page.text
            assert "S2C1G2名" in page.text  # the grid's name from the imported cells


def test_entries_keep_being_applied_while_a_new_geography_loads(
    geo_worker: Worker, geo_engine: Engine, geo_settings: Settings, r: redis.Redis, tmp_path: Path
) -> None:
    started, release = threading.Event(), threading.Event()

    def held_load(engine: Engine) -> Reference:
        started.set()
        assert release.wait(60)
        return geography.load_reference(engine)

    geo_worker.load_reference = held_load
    import_grids(
        geo_engine,
        write(lattice("N"), tmp_path / "v2.geojson"),
        announce=lambda v: switch.announce(r, geo_settings, v),
    )
    lon, lat = micro_centre("S1C1G1M1")
    during = [report(lon=lon, lat=lat) for _ in range(3)]
    for rounds, one in enumerate(during, start=1):
        xadd(r, geo_settings, REPORTS, one)
        assert drain(geo_worker) == 1  # applied at once, the load still held
        assert started.wait(10) and geo_worker.reloading is not None
        assert not geo_worker.reloading.done.is_set()
        assert geo_worker.ref.version == 1, f"round {rounds}"
    assert [incident_cell(geo_engine, e.id) for e in during] == ["S1C1G1M1"] * 3

    release.set()
    assert geo_worker.reloading.done.wait(60)
    after = report(lon=lon, lat=lat)
    xadd(r, geo_settings, REPORTS, after)
    assert drain(geo_worker) == 1
    assert geo_worker.ref.version == 2 and geo_worker.reloading is None
    assert incident_cell(geo_engine, after.id) == "NS1C1G1M1"


def test_a_failed_load_keeps_the_old_geography_and_is_tried_again(
    geo_worker: Worker, geo_engine: Engine, geo_settings: Settings, r: redis.Redis, tmp_path: Path
) -> None:
    calls: list[int] = []

    def failing_once(engine: Engine) -> Reference:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("the store went away mid-load")
        return geography.load_reference(engine)

    geo_worker.load_reference = failing_once
    import_grids(
        geo_engine,
        write(lattice("N"), tmp_path / "v2.geojson"),
        announce=lambda v: switch.announce(r, geo_settings, v),
    )
    geo_worker.checks()
    assert geo_worker.reloading is not None and geo_worker.reloading.done.wait(60)
    geo_worker.checks()  # the failure is taken, and no new load before the retry time
    assert geo_worker.reloading is None and geo_worker.ref.version == 1
    assert geo_worker.geo_retry_at > time.monotonic()
    geo_worker.checks()
    assert geo_worker.reloading is None and len(calls) == 1
    geo_worker.geo_retry_at = 0.0  # the retry time has come
    reloaded(geo_worker)
    assert geo_worker.ref.version == 2 and len(calls) == 2


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("code,address,lon,lat\nA,甲,120.2025,30.2025\nA,乙,120.2025,30.2025\n", "duplicate_code"),
        ("code,address,lon,lat\nA,甲,,30.2025\n", "missing_position"),
        ("code,address,lon,lat\nA,甲,121.5,31.2\n", "outside_cells"),
        ("code,address\nA,甲\n", "missing_field"),
        ("", "empty"),
    ],
)
def test_a_bad_address_file_writes_nothing(
    geo_engine: Engine, tmp_path: Path, body: str, kind: str
) -> None:
    csv = tmp_path / "addresses.csv"
    csv.write_text(body, encoding="utf-8")
    outcome = import_addresses(geo_engine, csv)
    found = {p.kind for p in outcome.report.errors} | (
        {outcome.problem.kind} if outcome.problem else set()
    )
    assert kind in found, outcome.summary()
    with geo_engine.connect() as conn:
        assert conn.execute(select(buildings.c.code)).first() is None


def test_the_web_serves_the_new_layers_after_an_import(
    geo_engine: Engine, geo_settings: Settings, r: redis.Redis, tmp_path: Path
) -> None:
    with TestClient(create_server(geo_settings)) as client:
        token = kiosk_token(geo_engine)
        url = f"/api/geo/micro_grid.json?kiosk={token}"
        first = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert first.headers["content-encoding"] == "gzip"
        assert {f["properties"]["code"] for f in first.json()["features"]} >= {"S1C1G1M1"}
        tag = first.headers["etag"]
        assert client.get(url, headers={"If-None-Match": tag}).status_code == 304
        import_grids(
            geo_engine,
            write(lattice("N"), tmp_path / "v2.geojson"),
            announce=lambda v: switch.announce(r, geo_settings, v),
        )
        deadline = time.monotonic() + 10
        while (again := client.get(url, headers={"If-None-Match": tag})).status_code == 304:
            assert time.monotonic() < deadline, "the web process kept the old version"
            time.sleep(0.1)  # the process looks at the version key once a second
        assert again.headers["etag"] != tag
        codes = {f["properties"]["code"] for f in again.json()["features"]}
        assert codes == {"N" + c for c in lattice().query("level == 'micro_grid'")["code"]}


def test_addresses_from_a_point_geopackage_in_gcj02(geo_engine: Engine, tmp_path: Path) -> None:
    lon, lat = micro_centre("S1C1G2M2")
    glon, glat = from_wgs84(lon, lat, "gcj02")
    points = gpd.GeoDataFrame(
        {"code": ["330110-000009"], "address": ["杭州市余杭区测试路9号"]},
        geometry=[shapely.Point(float(glon), float(glat))],
        crs="EPSG:4326",
    )
    points.to_file(tmp_path / "addresses.gpkg", driver="GPKG", engine="pyogrio")
    outcome = import_addresses(geo_engine, tmp_path / "addresses.gpkg", crs="gcj02")
    assert outcome.ok, outcome.summary()
    with geo_engine.connect() as conn:
        row = conn.execute(select(buildings).where(buildings.c.code == "330110-000009")).one()
    assert row.micro_grid == "S1C1G2M2"
    assert abs(row.lon - lon) < 1e-6 and abs(row.lat - lat) < 1e-6
