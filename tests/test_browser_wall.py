"""The wall in a real headless Chromium, fed by a real worker."""

from __future__ import annotations

from typing import Any

import pytest
import redis

from feeds import constants as K
from feeds.clock import now_ms
from layers.district import District
from tests.conftest import ARTIFACTS
from tests.helpers import REPORTS, SENSORS, reading, report, xadd
from tests.system import System, loopback_only

pytestmark = pytest.mark.browser
WAIT = 30_000  # ms; every wait below is for a condition, this only bounds it


@pytest.fixture
def wall(browser: Any, system: System, wall_url: str) -> Any:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.requests = []
    page.on("request", lambda req: page.requests.append(req.url))
    page.goto(wall_url)
    page.wait_for_function(
        "document.querySelectorAll('path.wf-cell[data-code]').length >= 3000", timeout=WAIT
    )
    page.wait_for_function("window.wf.live.state.received > 0", timeout=WAIT)
    yield page
    context.close()


def cell_count(page: Any, micro: str) -> str:
    return str(page.get_attribute(f'path.wf-cell[data-code="{micro}"]', "data-count"))


def test_wall_shows_live_reports_late_incidents_and_stays_offline(
    wall: Any, system: System, r: redis.Redis, district: District
) -> None:
    page = wall
    assert page.locator("path.wf-cell").count() == len(
        district.areas.query("level == 'micro_grid'")
    )
    assert page.locator("path.wf-street").count() == 3
    # every registered sensor is drawn with its status; none has reported yet: offline
    page.wait_for_function(
        f"document.querySelectorAll('path.wf-sensor[data-status]').length === {len(district.sensors)}",
        timeout=WAIT,
    )
    assert page.locator('path.wf-sensor[data-status="offline"]').count() == len(district.sensors)
    gas = district.sensors[district.sensors.kind == "gas"].iloc[0].id
    xadd(r, system.settings, SENSORS, reading(gas, "gas", 60.0))  # over the limit: alarming
    page.wait_for_function(
        f"document.querySelector('path.wf-sensor[data-sensor=\"{gas}\"]').getAttribute('data-status') === 'alarm'",
        timeout=WAIT,
    )
    b = district.buildings.iloc[42]
    assert cell_count(page, b.micro_grid) == "0"

    fresh = report(address=b.code, lon=None, lat=None, category="parking")
    xadd(r, system.settings, REPORTS, fresh)
    page.wait_for_function(
        f"document.querySelector('path.wf-cell[data-code=\"{b.micro_grid}\"]').getAttribute('data-count') === '1'",
        timeout=WAIT,
    )
    # the gas alarm opened an urgent incident too: two wait for acceptance
    page.wait_for_function(
        "document.getElementById('wf-n-accept').textContent === '2'", timeout=WAIT
    )
    marker = page.locator(f'path.wf-inc[data-id="{fresh.id}"]')
    marker.wait_for(timeout=WAIT)
    assert marker.get_attribute("data-colour") == "green"
    assert page.locator(f'#wf-oldest-accept li[data-id="{fresh.id}"]').count() == 1

    late = report(ts=now_ms() - 95_000, category="safety", text="<img src=x onerror=alert(1)>")
    xadd(r, system.settings, REPORTS, late)
    late_marker = page.locator(f'path.wf-inc[data-id="{late.id}"]')
    late_marker.wait_for(timeout=WAIT)
    assert late_marker.get_attribute("data-colour") == "red"
    assert "wf-late" in (late_marker.get_attribute("class") or "")
    page.wait_for_function(
        f"document.querySelector('#wf-oldest-accept li[data-id=\"{late.id}\"]')?.classList.contains('wf-red')",
        timeout=WAIT,
    )
    page.wait_for_function(
        "document.getElementById('wf-tile-late').textContent !== '0'", timeout=WAIT
    )
    assert page.locator("#wf-tile-events_today").inner_text() == "3"
    assert page.locator("img[src=x]").count() == 0  # hostile text stays text

    # the fresh one turns amber and then red by the clock alone, with no new event
    page.wait_for_function(
        f"document.querySelector('path.wf-inc[data-id=\"{fresh.id}\"]').getAttribute('data-colour') === 'amber'",
        timeout=70_000,
    )

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "wall.png"))
    assert loopback_only(page.requests) == []
    assert any("/api/geo/micro_grid.json" in u for u in page.requests)


def test_wall_reconnects_resynchronises_and_flags_a_quiet_feed(
    wall: Any, system: System, r: redis.Redis
) -> None:
    page = wall
    before = page.evaluate("window.wf.live.state.received")
    # a quiet feed: the newest data is ten minutes old
    r.set(system.settings.key(K.K_LAST_EVENT), now_ms() - 600_000)
    page.wait_for_function(
        "document.getElementById('wf-banner').classList.contains('wf-show')", timeout=WAIT
    )
    assert "10" in page.locator("#wf-banner").inner_text()
    # the link drops: the server's reader loses Redis, screens are told to resync
    for client in r.client_list(_type="pubsub"):
        r.client_kill_filter(_id=client["id"])
    page.wait_for_function(
        f"window.wf.live.state.connected && window.wf.live.state.received > {before} + 1",
        timeout=WAIT,
    )
    rep = report()
    xadd(r, system.settings, REPORTS, rep)
    page.locator(f'path.wf-inc[data-id="{rep.id}"]').wait_for(timeout=WAIT)
    page.wait_for_function(
        "!document.getElementById('wf-banner').classList.contains('wf-show')", timeout=WAIT
    )


@pytest.mark.parametrize(
    ("query", "width", "unit", "title"),
    [
        ("lang=en&w=3840&h=2160", 3840, 2.0, "City Operations"),
        ("w=5760&h=1080", 5760, 1.0, "城市运行指挥中心"),
    ],
)
def test_any_wall_size_and_language(
    browser: Any, system: System, wall_url: str, query: str, width: int, unit: float, title: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(wall_url + ("&" if "?" in wall_url else "?") + query)
    page.wait_for_function(
        "document.querySelectorAll('path.wf-cell[data-code]').length >= 3000", timeout=WAIT
    )
    box = page.locator("#wf-wall").bounding_box()
    assert box is not None and round(box["width"]) == width
    assert title in page.locator(".wf-title").inner_text()
    # type scales with the wall: the clock is readable across the room
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.getElementById('wf-time')).fontSize)"
    )
    assert size == pytest.approx(46 * unit, abs=0.5)
    context.close()


def test_kiosk_rotation_cycles_views(browser: Any, system: System, wall_url: str) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(wall_url + ("&" if "?" in wall_url else "?") + "rotate=5")
    page.wait_for_function(
        "document.getElementById('wf-wall')?.dataset.view === 'overview'", timeout=WAIT
    )
    page.wait_for_function(
        "document.getElementById('wf-wall').dataset.view === 'crowd'", timeout=WAIT
    )
    page.wait_for_function(
        "document.getElementById('wf-wall').dataset.view === 'pipeline'", timeout=WAIT
    )
    context.close()
