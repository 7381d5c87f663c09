"""The wall with its cells on a canvas (as an imported district's 10,000 are drawn), in a
real headless Chromium fed by a real worker: no element per cell, a live report repaints
its cell on the canvas, the legend still finds the corner with fewest cells."""

from __future__ import annotations

from typing import Any

import pytest
import redis

from feeds.clock import now_ms
from layers.district import District
from tests.conftest import ARTIFACTS
from tests.helpers import REPORTS, report, xadd
from tests.system import System

pytestmark = pytest.mark.browser
WAIT = 30_000  # ms; every wait below is for a condition, this only bounds it

# the canvas pixel under a lon/lat, as [r, g, b, a]
PIXEL = """([lat, lon]) => {
  const map = wf.wall.map(), canvas = document.querySelector('.leaflet-wf-cells-pane canvas');
  const pt = map.latLngToContainerPoint([lat, lon]), box = map.getContainer().getBoundingClientRect();
  const c = canvas.getBoundingClientRect(), k = canvas.width / c.width;
  const x = Math.floor((box.left + pt.x - c.left) * k), y = Math.floor((box.top + pt.y - c.top) * k);
  return Array.from(canvas.getContext('2d').getImageData(x, y, 1, 1).data);
}"""


def rgb(hex_colour: str) -> list[int]:
    return [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]


def test_cells_on_a_canvas_recolour_live_and_keep_the_legend_off_them(
    browser: Any, system: System, wall_url: str, r: redis.Redis, district: District
) -> None:
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    ctx.set_default_timeout(WAIT)
    page = ctx.new_page()
    page.goto(wall_url + "&render=canvas")
    micro = district.areas.query("level == 'micro_grid'")
    page.wait_for_function(
        f"wf.wall.cellsDrawn && wf.wall.cellsDrawn() === {len(micro)} && wf.live.state.received > 0"
    )
    page.wait_for_function("wf.wall.map().getContainer().getAttribute('data-moving') === '0'")
    assert page.evaluate("wf.wall.s.cfg.render") == "canvas"
    assert page.locator("path.wf-cell").count() == 0  # no element per cell
    assert page.locator(".leaflet-wf-cells-pane canvas").count() == 1
    assert page.locator("path.wf-street").count() == 3  # outlines stay SVG, above the cells

    # a micro-grid with nothing yet, a building in it, and what its pixel shows now
    counts = page.evaluate("wf.live.state.grids")
    b = next(x for x in district.buildings.itertuples() if not counts.get(x.micro_grid))
    before = page.evaluate(PIXEL, [b.lat, b.lon])
    assert before[3] > 0  # painted: the cell is on the canvas there
    info = page.evaluate(f"wf.wall.cellInfo('{b.micro_grid}')")
    assert info["count"] == 0 and info["drawn"]

    xadd(r, system.settings, REPORTS, report(address=b.code, lon=None, lat=None, ts=now_ms()))
    page.wait_for_function(f"wf.wall.cellInfo('{b.micro_grid}').count === 1")
    fill = page.evaluate(f"wf.wall.cellInfo('{b.micro_grid}').fill")
    if page.evaluate("wf.wall.s.level") == "micro_grid":
        assert fill != info["fill"]  # one report moves a cell off the empty colour
    # the canvas shows the cell's colour by the frame after (un-premultiplied by getImageData)
    page.wait_for_function(
        f"(() => {{ const p = ({PIXEL})([{b.lat}, {b.lon}]), want = {rgb(fill)};"
        " return p[3] > 0 && want.every((v, i) => Math.abs(p[i] - v) <= 10); })()"
    )
    # the legend's corner is one its samples found fewest cells in: chosen off the canvas
    assert page.get_attribute("#wf-legend", "data-corner") in (
        "bottom-left",
        "bottom-right",
        "top-left",
    )
    page.screenshot(path=str(ARTIFACTS / "wall-canvas.png"))
    # switched off, the canvas goes with them
    page.click('.wf-toggle[data-layer="cells"]')
    page.wait_for_function("document.getElementById('wf-wall').classList.contains('wf-hide-cells')")
    assert not page.locator(".leaflet-wf-cells-pane").is_visible()
    ctx.close()
