"""The wall's building-freshness layer in a real headless Chromium: off by default, its
toggle draws a dot per micro-grid at district zoom and the buildings in view zoomed in,
shows the counts, and hides them again."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from feeds import freshness
from feeds.clock import now_ms
from layers.district import District
from tests.conftest import ARTIFACTS
from tests.system import System

pytestmark = pytest.mark.browser
WAIT = 30_000  # ms; bounds the waits for conditions below


def test_freshness_layer_toggles_with_its_counts(
    browser: Any, system: System, wall_url: str, engine: Engine, district: District
) -> None:
    codes = [str(c) for c in district.buildings.code]
    now = now_ms()
    with engine.begin() as conn:
        freshness.note_updates(conn, [(c, now - 86_400_000, "patrol") for c in codes[:40]])
        freshness.note_updates(
            conn, [(c, now - freshness.SIX_MONTHS_MS - 1, "import") for c in codes[40:50]]
        )
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    ctx.set_default_timeout(WAIT)
    page = ctx.new_page()
    page.goto(wall_url)
    toggle = page.locator('.wf-toggle[data-layer="fresh"]')
    toggle.wait_for()
    assert toggle.inner_text() == "楼幢数据更新"
    page.wait_for_function("window.wf.wall && window.wf.wall.map && window.wf.wall.map()")
    legend = page.locator("#wf-fresh-legend")
    assert not legend.is_visible()  # off until asked for
    assert "wf-on" not in (toggle.get_attribute("class") or "")
    toggle.click()
    cells = district.buildings.micro_grid.nunique()
    page.wait_for_function(
        "document.getElementById('wf-wall').getAttribute('data-fresh-mode') === 'cells'"
        f" && document.getElementById('wf-wall').getAttribute('data-fresh-drawn') === '{cells}'"
    )
    assert legend.is_visible()
    text = legend.inner_text()
    assert "半年内更新" in text and "超半年未更新" in text and "从未更新" in text
    counts = [page.inner_text(f"#wf-fresh-n-{c}") for c in ("green", "yellow", "red")]
    assert counts == ["40", "10", str(len(codes) - 50)]
    canvas = page.locator(".leaflet-wf-fresh-pane canvas")
    assert canvas.count() == 1 and canvas.is_visible()
    page.screenshot(path=str(ARTIFACTS / "wall-freshness.png"))
    # zoomed in on a building: the buildings around it, each in its colour
    b = district.buildings.iloc[0]
    page.evaluate(f"() => {{ wf.wall.map().setView([{b.lat}, {b.lon}], 16, {{animate: false}}); }}")
    page.wait_for_function(
        "document.getElementById('wf-wall').getAttribute('data-fresh-mode') === 'buildings'"
    )
    w, s, e, n = (
        float(v) for v in str(page.get_attribute("#wf-wall", "data-fresh-bbox")).split(",")
    )
    x = district.buildings
    inside = int(((x.lon >= w) & (x.lon <= e) & (x.lat >= s) & (x.lat <= n)).sum())
    assert 0 < inside < len(codes)
    assert page.get_attribute("#wf-wall", "data-fresh-drawn") == str(inside)
    assert counts == [page.inner_text(f"#wf-fresh-n-{c}") for c in ("green", "yellow", "red")]
    toggle.click()
    page.wait_for_function("document.getElementById('wf-wall').classList.contains('wf-hide-fresh')")
    assert not legend.is_visible() and not canvas.is_visible()
    ctx.close()


def test_english_wall_names_the_layer_in_english(
    browser: Any, system: System, wall_url: str
) -> None:
    ctx = browser.new_context(viewport={"width": 1600, "height": 900})
    ctx.set_default_timeout(WAIT)
    page = ctx.new_page()
    page.goto(wall_url + "&lang=en&layers=cells,fresh")
    page.wait_for_function(
        "document.getElementById('wf-wall') && document.getElementById('wf-wall').getAttribute('data-fresh-drawn')"
    )
    assert page.inner_text('.wf-toggle[data-layer="fresh"]') == "Building data"
    assert "within 6 months" in page.inner_text("#wf-fresh-legend")
    ctx.close()
