"""The residents' form and progress page on a phone, in headless Chromium: a reload after
sending never sends the report again, and the progress page shows what and where by name,
with the photo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from PIL import Image
from sqlalchemy import Engine, func, select

from feeds import constants as K
from feeds import queries, trackings
from feeds.reference import Reference
from feeds.tables import incidents
from tests.system import System

pytestmark = pytest.mark.browser
WAIT = 30_000  # ms; every wait is for a condition, this only bounds it


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    ctx.set_default_timeout(WAIT)
    yield ctx.new_page()
    ctx.close()


def reports_from(engine: Engine, address: str) -> int:
    with engine.connect() as conn:
        q = select(func.count()).select_from(incidents).where(incidents.c.address == address)
        return int(conn.execute(q).scalar_one())


def test_reload_after_sending_sends_nothing_and_progress_shows_what_where_and_photo(
    phone: Any,
    system: System,
    r: redis.Redis,
    engine: Engine,
    reference: Reference,
    tmp_path: Path,
) -> None:
    address = sorted(reference.buildings)[13]
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (64, 48), (30, 120, 200)).save(photo, format="JPEG")
    phone.goto(f"{system.url}/r/{address}")
    phone.check("input[name=kind][value=complaint]")
    phone.select_option("#category", "fire")
    phone.fill("#text", "楼道堆放杂物堵住消防通道")
    phone.set_input_files("#photos", str(photo))
    phone.click("#report-submit")
    number = phone.locator("#tracking").inner_text().strip()
    with engine.connect() as conn:
        found = trackings.lookup(conn, number)
    assert found is not None
    stream = system.settings.key(K.STREAM_REPORTS)
    # a refresh at once, and again once the worker has stored it: still one report
    phone.reload()
    phone.locator("#tracking").wait_for()
    assert r.xlen(stream) == 1
    assert phone.locator("#sent").count() == 1  # thanks, and keep the number
    assert phone.url.startswith(f"{system.url}/t/{number}")  # the browser is on a GET now
    while True:  # bounded by the test's timeout
        with engine.connect() as conn:
            if queries.incident(conn, found[0]) is not None:
                break
    phone.reload()
    phone.locator("#state").wait_for()
    assert r.xlen(stream) == 1
    assert reports_from(engine, address) == 1

    with engine.connect() as conn:
        place = queries.building_place(conn, address)
    assert place is not None
    category = phone.locator("#category").inner_text()
    assert "投诉" in category and "消防" in category and "Fire safety" in category
    where = phone.locator("#place").inner_text()
    assert place["name"] in where and place["grid_name"] in where
    assert place["community_name"] in where and place["street_name"] in where
    phone.wait_for_function("document.querySelector('#photos img.thumb')?.naturalWidth === 64")
    # the thumbnail fits the phone's width (no sideways scrolling)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
