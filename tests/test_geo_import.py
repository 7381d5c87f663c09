from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely
from sqlalchemy import Engine, func, select

from dashboard.cli import main
from feeds import store
from feeds.geography import versions
from feeds.geography.grids import Outcome, import_grids
from feeds.settings import Settings
from feeds.tables import area_versions, areas, geo_versions
from tests.geofiles import (
    COUNTS,
    bowtie,
    lattice,
    moved,
    own_database,
    shifted,
    shrunk,
    write,
    write_layers,
)


@pytest.fixture
def geo_settings(settings: Settings, db_url: str, tmp_path: Path) -> Iterator[Settings]:
    with own_database(db_url, tmp_path) as url:
        yield settings.with_(database_url=url)


@pytest.fixture
def geo_engine(geo_settings: Settings) -> Iterator[Engine]:
    engine = store.make_engine(geo_settings)
    store.create_schema(engine)
    yield engine
    engine.dispose()


def kinds(outcome: Outcome) -> set[str]:
    found = {p.kind for p in outcome.report.errors}
    return found | ({outcome.problem.kind} if outcome.problem else set())


def stored(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return (
            int(conn.execute(select(func.count()).select_from(areas)).scalar_one()),
            int(conn.execute(select(func.count()).select_from(area_versions)).scalar_one()),
            int(conn.execute(select(func.count()).select_from(geo_versions)).scalar_one()),
        )


def geometry_of(engine: Engine, code: str) -> Any:
    with engine.connect() as conn:
        text = conn.execute(select(areas.c.geometry).where(areas.c.code == code)).scalar_one()
    return shapely.from_geojson(text)


@pytest.mark.parametrize("suffix", [".geojson", ".shp", ".zip", ".gpkg", "layers.gpkg"])
def test_every_format_gives_the_same_cells(geo_engine: Engine, tmp_path: Path, suffix: str) -> None:
    cells = lattice()
    if suffix == "layers.gpkg":
        path = write_layers(cells, tmp_path / "cells.gpkg")
    else:
        path = write(cells, tmp_path / f"cells{suffix}")
    outcome = import_grids(geo_engine, path)
    assert outcome.ok, outcome.summary()
    assert outcome.report.counts == COUNTS
    assert outcome.version == 1
    assert stored(geo_engine) == (17, 17, 1)
    got = geometry_of(geo_engine, "S2C1G2M1")
    want = cells.set_index("code").geometry["S2C1G2M1"]
    assert got.symmetric_difference(want).area < 1e-12


@pytest.mark.parametrize("crs", ["EPSG:32651", "EPSG:3857", "gcj02", "bd09"])
def test_cells_come_back_in_wgs84_from_each_crs(
    geo_engine: Engine, tmp_path: Path, crs: str
) -> None:
    cells = lattice()
    if crs.startswith("EPSG"):
        path = write(cells.to_crs(crs), tmp_path / "cells.gpkg")  # the file declares it
        outcome = import_grids(geo_engine, path)
    else:
        path = write(shifted(cells, crs), tmp_path / "cells.geojson")
        outcome = import_grids(geo_engine, path, crs=crs)
    assert outcome.ok, outcome.summary()
    want = shapely.get_coordinates(cells.set_index("code").geometry["S1C1G1M2"])
    got = shapely.get_coordinates(geometry_of(geo_engine, "S1C1G1M2"))
    assert abs(got - want).max() < 2e-6  # stored to 6 decimals


def _empty(tmp: Path) -> Path:
    (tmp / "empty.geojson").write_bytes(b"")
    return tmp / "empty.geojson"


def _no_features(tmp: Path) -> Path:
    (tmp / "none.geojson").write_text('{"type":"FeatureCollection","features":[]}')
    return tmp / "none.geojson"


def _table(tmp: Path) -> Path:
    (tmp / "table.csv").write_text("code,name\nA,甲\nB,乙\n", encoding="utf-8")
    return tmp / "table.csv"


def _text(tmp: Path) -> Path:
    (tmp / "notes.geojson").write_text("这不是地图 / not a map", encoding="utf-8")
    return tmp / "notes.geojson"


def _truncated(tmp: Path) -> Path:
    whole = write(lattice(), tmp / "whole.zip").read_bytes()
    (tmp / "cut.zip").write_bytes(whole[: len(whole) // 2])
    return tmp / "cut.zip"


def _no_code(tmp: Path) -> Path:
    return write(lattice().drop(columns=["code"]), tmp / "cells.geojson")


def _wrong_crs(tmp: Path) -> Path:
    # metres in the file, declared as degrees
    utm = lattice().to_crs("EPSG:32651").set_crs("EPSG:4326", allow_override=True)
    return write(utm, tmp / "cells.gpkg")


def _frame(change: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame]) -> Callable[[Path], Path]:
    return lambda tmp: write(change(lattice()), tmp / "cells.geojson")


def _dup(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.copy()
    out.loc[out["code"] == "S1C1G1M2", "code"] = "S1C1G1M1"
    return out


def _orphan(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.copy()
    out.loc[out["code"] == "S2C1G1M1", "parent"] = "NOPE"
    return out


BROKEN = {
    "empty file": (_empty, "empty"),
    "no features": (_no_features, "empty"),
    "a table, no geometry": (_table, "no_geometry"),
    "text, not a map": (_text, "unreadable"),
    "truncated zip": (_truncated, "bad_zip"),
    "missing field": (_no_code, "missing_field"),
    "wrong crs": (_wrong_crs, "not_lonlat"),
    "self-intersecting": (_frame(bowtie), "invalid_geometry"),
    "overlapping cells": (_frame(lambda f: moved(f, "S1C1G1M1", 0.002)), "overlap"),
    "cell outside its parent": (
        _frame(lambda f: moved(f, "S1C1G1M1", 0.0, -0.003)),
        "outside_parent",
    ),
    "duplicate code": (_frame(_dup), "duplicate_code"),
    "unknown parent": (_frame(_orphan), "unknown_parent"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_file_is_reported_and_nothing_written(
    geo_engine: Engine, tmp_path: Path, case: str
) -> None:
    assert import_grids(geo_engine, write(lattice(), tmp_path / "v1.gpkg")).ok
    before = stored(geo_engine)
    make, kind = BROKEN[case]
    outcome = import_grids(geo_engine, make(tmp_path))
    assert not outcome.ok
    assert kind in kinds(outcome), outcome.summary()
    assert outcome.version is None
    assert stored(geo_engine) == before
    json.dumps(outcome.summary())  # the report is JSON for the admin page


def test_gaps_are_warned_and_a_safe_repair_is_made(geo_engine: Engine, tmp_path: Path) -> None:
    cells = shrunk(lattice(), "S2C1G1M2", 0.0005)
    i = cells.index[cells["code"] == "S1C1G2M1"][0]
    x0, y0, x1, y1 = cells.at[i, "geometry"].bounds
    # a 10 m twist in the bottom edge: invalid (self-intersection), a repair keeps the area
    e, a = 1e-5, x0 + 0.002
    twist = [(a, y0), (a + 2 * e, y0 + e), (a + 2 * e, y0 - e), (a + e, y0 + e), (a + 3 * e, y0)]
    cells.at[i, "geometry"] = shapely.Polygon([(x0, y0), *twist, (x1, y0), (x1, y1), (x0, y1)])
    assert not cells.at[i, "geometry"].is_valid
    outcome = import_grids(geo_engine, write(cells, tmp_path / "cells.gpkg"))
    assert outcome.ok, outcome.summary()
    assert [w.code for w in outcome.report.warnings if w.kind == "gap"] == ["S2C1G1"]
    assert outcome.report.repaired == ["S1C1G2M1"]
    assert geometry_of(geo_engine, "S1C1G2M1").is_valid


def test_dry_run_reports_and_writes_nothing(geo_engine: Engine, tmp_path: Path) -> None:
    outcome = import_grids(geo_engine, write(lattice(), tmp_path / "c.geojson"), dry_run=True)
    assert outcome.ok and outcome.version is None
    assert stored(geo_engine) == (0, 0, 0)


def test_a_reimport_keeps_the_old_version(geo_engine: Engine, tmp_path: Path) -> None:
    assert import_grids(geo_engine, write(lattice(), tmp_path / "v1.gpkg")).version == 1
    outcome = import_grids(geo_engine, write(lattice("N"), tmp_path / "v2.gpkg"))
    assert outcome.version == 2
    assert stored(geo_engine) == (17, 34, 2)
    with geo_engine.connect() as conn:
        assert versions.current(conn) == 2
        old = conn.execute(
            select(area_versions.c.version).where(area_versions.c.code == "S1C1G1M1")
        ).scalar_one()
    assert old == 1


def test_the_command_prints_a_report_not_a_traceback(
    geo_settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", geo_settings.database_url or "")
    monkeypatch.setenv("WATCHFLOOR_VAR", str(tmp_path))
    monkeypatch.delenv("REDIS_URL", raising=False)
    bad = write(bowtie(lattice()), tmp_path / "bad.geojson")
    assert main(["import-grids", str(bad), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "S1C1G1M1" in out and "图形无效" in out and "invalid geometry" in out
    assert "Traceback" not in out
    good = write(lattice(), tmp_path / "good.geojson")
    assert main(["import-grids", str(good), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["version"] == 2  # the demo district written at init is version 1
    assert summary["counts"] == COUNTS
