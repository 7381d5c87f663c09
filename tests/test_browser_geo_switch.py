"""A wall left open draws the new geography after a re-import, with no server restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import Engine

from feeds import store
from feeds.geography import switch
from feeds.geography.grids import import_grids
from feeds.reference import Reference
from feeds.settings import Settings
from tests.geofiles import bowtie, lattice, micro_centre, own_database, write
from tests.signin import kiosk_token, login_page, make_user
from tests.system import running_system

pytestmark = pytest.mark.browser
WAIT = 30_000  # ms; the waits are for conditions, this only bounds them
CELLS = "Array.from(document.querySelectorAll('path.wf-cell[data-code]')).map(e => e.dataset.code)"


@pytest.fixture
def geo_engine(settings: Settings, db_url: str, tmp_path: Path) -> Iterator[Engine]:
    with own_database(db_url, tmp_path) as url:
        engine = store.make_engine(settings.with_(database_url=url))
        store.create_schema(engine)
        assert import_grids(engine, write(lattice(), tmp_path / "v1.gpkg")).version == 1
        yield engine
        engine.dispose()


def test_an_open_wall_redraws_the_new_version(
    browser: Any, settings: Settings, geo_engine: Engine, r: redis.Redis, tmp_path: Path
) -> None:
    geo_settings = settings.with_(database_url=str(geo_engine.url.render_as_string(False)))
    with geo_engine.connect() as conn:
        ref = Reference.load(conn)
    with running_system(geo_settings, geo_engine, ref) as system:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.goto(f"{system.url}/?kiosk={kiosk_token(geo_engine)}")
        page.wait_for_function(f"{CELLS}.length === 8", timeout=WAIT)
        page.wait_for_function("window.wf.live.state.received > 0", timeout=WAIT)
        assert "S1C1G1M1" in page.evaluate(CELLS)

        outcome = import_grids(
            geo_engine,
            write(lattice("N"), tmp_path / "v2.geojson"),
            announce=lambda v: switch.announce(r, geo_settings, v),
        )
        assert outcome.version == 2
        page.wait_for_function(
            f"{CELLS}.length === 8 && {CELLS}.every(c => c[0] === 'N')", timeout=WAIT
        )
        assert sorted(page.evaluate(CELLS)) == sorted(
            "N" + c for c in lattice().query("level == 'micro_grid'")["code"]
        )
        context.close()


def test_the_admin_page_checks_then_imports_a_file(
    browser: Any, settings: Settings, geo_engine: Engine, r: redis.Redis, tmp_path: Path
) -> None:
    geo_settings = settings.with_(database_url=str(geo_engine.url.render_as_string(False)))
    admin = make_user(geo_engine, "admin")
    with geo_engine.connect() as conn:
        ref = Reference.load(conn)
    broken = write(bowtie(lattice()), tmp_path / "broken.geojson")
    good = write(lattice("N"), tmp_path / "good.zip")
    with running_system(geo_settings, geo_engine, ref, worker=False) as system:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.set_default_timeout(WAIT)
        page = context.new_page()
        login_page(page, system.url, admin.username, next_path="/admin/geography")
        page.locator('tr.wf-geo-version[data-version="1"]').wait_for()

        page.set_input_files("#geo-file input[type=file]", str(broken))
        page.click("#geo-import")
        page.wait_for_function(
            "document.getElementById('geo-report').textContent.includes('S1C1G1M1')"
        )
        assert "invalid geometry" in (page.locator("#geo-report").text_content() or "")
        assert page.locator("tr.wf-geo-version").count() == 1  # nothing written

        page.set_input_files("#geo-file input[type=file]", str(good))
        page.click("#geo-check")
        page.wait_for_function(
            "document.getElementById('geo-report').textContent.includes('dry run')"
        )
        page.click("#geo-import")
        page.locator('tr.wf-geo-version[data-version="2"]').wait_for()
        assert "imported as version 2" in (page.locator("#geo-report").text_content() or "")
        assert switch.version_of(switch.token(r, geo_settings)) == 2
        # the bar stays at its last step, full, with the counts of what was written
        bar = page.locator('#geo-progress [data-state="done"] progress')
        assert bar.get_attribute("value") == bar.get_attribute("max") != "1"
        assert "(100%)" in (page.locator("#geo-progress").text_content() or "")
        assert page.locator("#geo-import").is_enabled()

        # addresses: the bar counts them as they are written
        lon, lat = micro_centre("S1C1G1M1")  # the same place in version 2
        csv = tmp_path / "addresses.csv"
        rows = [f"330110-{i:06d},测试路{i}号,{lon},{lat}" for i in range(3_000)]
        csv.write_text("code,address,lon,lat\n" + "\n".join(rows) + "\n", encoding="utf-8")
        page.check("#geo-kind input[value=addresses]")
        page.set_input_files("#geo-file input[type=file]", str(csv))
        page.click("#geo-import")
        # the grids' finished bar is still shown until this import's first poll: wait for
        # this one's own last step, not any finished bar
        page.wait_for_function(
            "document.getElementById('geo-progress').textContent.includes('3,000 / 3,000 (100%)')"
            " && document.querySelector('#geo-progress [data-state=\"done\"]')"
            " && document.getElementById('geo-report').textContent.includes('3000')"
        )
        assert "写入 / writing" in (page.locator("#geo-progress").text_content() or "")
        context.close()
