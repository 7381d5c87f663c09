"""What a duty officer reads on the console, in a real headless Chromium: short incident
numbers and unit names, maps that frame the whole district or the incident's street,
dark drop-downs, a search box that says what it searches, and a list usable on a phone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis
from sqlalchemy import Engine

from dashboard.console import DISTRICT_LINE
from dashboard.incident.map import STREET_LINE
from feeds import numbering, queries
from feeds.reference import Reference
from feeds.users import User
from tests.conftest import ARTIFACTS
from tests.helpers import ACTIONS, REPORTS, action, report, xadd
from tests.signin import login_page
from tests.system import System

pytestmark = pytest.mark.browser
WAIT = 30_000  # ms; bounds the waits for conditions below
CATEGORY = "#inc-f-category.dash-dropdown, #inc-f-category .dash-dropdown"
PHONE = {"width": 390, "height": 844}
BIG = {"width": 1920, "height": 1080}

# The rectangle of an SVG path drawn in this colour, and of the map that holds it.
FRAME = """([map, colour]) => {
  const m = document.getElementById(map);
  const p = [...m.querySelectorAll('path')].find(e => e.getAttribute('stroke') === colour);
  if (!p) return null;
  const a = m.getBoundingClientRect(), b = p.getBoundingClientRect();
  return {map: [a.left, a.top, a.right, a.bottom], path: [b.left, b.top, b.right, b.bottom]};
}"""
DARK = """(sel) => {
  const e = document.querySelector(sel);
  const [r, g, b] = getComputedStyle(e).backgroundColor.match(/\\d+/g).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}"""
PLACEHOLDER_FITS = """(sel) => {
  const e = document.querySelector(sel), s = getComputedStyle(e);
  const c = document.createElement('canvas').getContext('2d');
  c.font = s.font;
  const room = e.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
  return c.measureText(e.placeholder).width <= room;
}"""


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport=BIG)
    ctx.set_default_timeout(WAIT)
    yield ctx
    ctx.close()


def stored(engine: Engine, iid: str, **want: Any) -> dict[str, Any]:
    """Poll SQL until the worker has stored the incident as wanted (bounded by the timeout)."""
    while True:
        with engine.connect() as conn:
            row = queries.incident(conn, iid)
        if row is not None and all(row[k] == v for k, v in want.items()):
            return row


def district_fills(frame: dict[str, list[float]]) -> bool:
    """The outline lies inside the map and fills most of its width or height."""
    (ml, mt, mr, mb), (pl, pt, pr, pb) = frame["map"], frame["path"]
    inside = ml <= pl + 1 and mt <= pt + 1 and pr <= mr + 1 and pb <= mb + 1
    return inside and max((pr - pl) / (mr - ml), (pb - pt) / (mb - mt)) > 0.6


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"console-{name}.png"), full_page=True)


def _two_incidents(
    system: System, r: redis.Redis, engine: Engine, reference: Reference
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A routed parking complaint and, 100 m away, an open report of another kind."""
    first = report(category="parking", text="车辆堵门", lon=120.2, lat=30.2)
    second = report(category="environment", text="垃圾满溢", lon=120.2008, lat=30.2004)
    xadd(r, system.settings, REPORTS, first, second)
    stored(engine, second.id)
    unit = sorted(reference.unit_ids)[0]
    xadd(r, system.settings, ACTIONS, action(first.id, "dispatch", unit=unit))
    return stored(engine, first.id, unit=unit), stored(engine, second.id), unit


def test_list_shows_numbers_and_unit_names_and_frames_the_district(
    context: Any, system: System, r: redis.Redis, engine: Engine, officer: User,
    reference: Reference,
) -> None:  # fmt: skip
    first, second, unit = _two_incidents(system, r, engine, reference)
    with engine.connect() as conn:
        unit_name = {u["id"]: u["name"] for u in queries.unit_rows(conn)}[unit]
    day = numbering.day_of(first["reported_at"], system.settings.timezone)
    assert {first["number"], second["number"]} == {f"{day}-0001", f"{day}-0002"}
    page = context.new_page()
    login_page(page, system.url, officer.username)
    row = page.locator(f'tr.wf-row[data-id="{first["id"]}"]')
    row.wait_for()
    link = row.locator("a.wf-id")
    assert link.inner_text() == first["number"]  # the short number, not the long id
    assert link.get_attribute("href") == f"/incident/{first['id']}"  # the id stays in the URL
    assert row.locator("td.wf-cell-unit").inner_text() == unit_name
    # the whole district in the small map: its outline inside the map's frame
    page.locator("#inc-list-map path.leaflet-interactive").first.wait_for()
    frame = page.wait_for_function(f"({FRAME})(['inc-list-map', '{DISTRICT_LINE}'])").json_value()
    assert district_fills(frame), frame
    # the search box's placeholder is there in full; drop-downs are dark, closed and open
    assert page.evaluate(PLACEHOLDER_FITS, "#inc-f-text")
    assert page.evaluate(DARK, CATEGORY) < 0.25
    page.click(CATEGORY)
    page.locator(".dash-dropdown-content").wait_for()
    assert page.evaluate(DARK, ".dash-dropdown-content") < 0.25
    shot(page, "list-1080")
    # found by its number
    page.fill("#inc-f-text", first["number"])
    page.press("#inc-f-text", "Enter")
    page.wait_for_function(
        f"!document.querySelector('tr.wf-row[data-id=\"{second['id']}\"]')"
        f" && !!document.querySelector('tr.wf-row[data-id=\"{first['id']}\"]')"
    )


def test_incident_page_shows_its_number_street_and_the_incidents_around_it(
    context: Any, system: System, r: redis.Redis, engine: Engine, officer: User,
    reference: Reference,
) -> None:  # fmt: skip
    first, _second, unit = _two_incidents(system, r, engine, reference)
    page = context.new_page()
    login_page(page, system.url, officer.username, next_path=f"/incident/{first['id']}")
    assert page.locator("#inc-number").inner_text() == first["number"]
    assert first["id"] not in page.locator(".wf-inc-id").inner_text()
    assert unit not in page.locator("#inc-unit").inner_text()  # by name, not code
    page.locator("#inc-map path.wf-inc-self").wait_for()
    assert page.locator("#inc-map path.wf-around").count() == 1  # the other kind, nearby
    assert page.locator("#inc-around-count").inner_text().strip() == "1"
    # the incident's own street outlined, framed by the map; the district's outline drawn
    frame = page.wait_for_function(f"({FRAME})(['inc-map', '{STREET_LINE}'])").json_value()
    (ml, mt, mr, mb), (pl, pt, pr, pb) = frame["map"], frame["path"]
    assert ml <= pl + 1 and mt <= pt + 1 and pr <= mr + 1 and pb <= mb + 1, frame
    page.wait_for_function(f"({FRAME})(['inc-map', '{DISTRICT_LINE}'])")
    shot(page, "incident-1080")


@pytest.mark.parametrize("path", ["/incidents", "/incidents?lang=en"])
def test_list_on_a_phone_is_cards_with_no_sideways_scroll(
    context: Any, system: System, r: redis.Redis, engine: Engine, officer: User,
    reference: Reference, path: str,
) -> None:  # fmt: skip
    first, _second, _unit = _two_incidents(system, r, engine, reference)
    phone = context.browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.set_default_timeout(WAIT)
    page = phone.new_page()
    login_page(page, system.url, officer.username, next_path=path)
    row = page.locator(f'tr.wf-row[data-id="{first["id"]}"]')
    row.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # a card, not a row, within the screen's width (read from the row in the page as it is
    # then: the list may be drawn again once more, and a row it replaced has no style)
    left, right = page.wait_for_function(
        "sel => { const e = document.querySelector(sel);"
        " if (!e || getComputedStyle(e).display !== 'block') return null;"
        " const b = e.getBoundingClientRect(); return [b.left, b.right]; }",
        arg=f'tr.wf-row[data-id="{first["id"]}"]',
    ).json_value()
    assert left >= 0 and right <= PHONE["width"]
    # each value beside its label, in both languages
    label = row.locator("td.wf-cell-state").evaluate("e => getComputedStyle(e, '::before').content")
    assert "状态" in label and "State" in label
    assert page.evaluate(PLACEHOLDER_FITS, "#inc-f-text")
    page.locator("#inc-list-map path.leaflet-interactive").first.wait_for()
    page.wait_for_function(
        f"(() => {{ const f = ({FRAME})(['inc-list-map', '{DISTRICT_LINE}']);"
        " if (!f) return false; const [ml, mt, mr, mb] = f.map, [pl, pt, pr, pb] = f.path;"
        " return ml <= pl + 1 && pr <= mr + 1 && mt <= pt + 1 && pb <= mb + 1"
        " && Math.max((pr - pl) / (mr - ml), (pb - pt) / (mb - mt)) > 0.6; })()"
    )
    shot(page, f"list-phone{'-en' if 'lang' in path else ''}")
    page.goto(f"{system.url}/incident/{first['id']}")
    page.locator("#inc-number").wait_for()
    page.locator("#inc-map path.wf-inc-self").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, f"incident-phone{'-en' if 'lang' in path else ''}")
    phone.close()
