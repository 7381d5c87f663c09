"""The console and the residents' form in a real headless Chromium, fed by a real worker."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from PIL import Image
from sqlalchemy import Engine

from feeds import queries, store, trackings
from feeds.reference import Reference
from feeds.users import User
from tests.helpers import ACTIONS, REPORTS, action, report, xadd
from tests.signin import login_page, make_user
from tests.system import System

pytestmark = pytest.mark.browser
WAIT = 30_000  # ms; every wait below is for a condition, this only bounds it


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000})
    ctx.set_default_timeout(WAIT)
    yield ctx
    ctx.close()


def wait_row(engine: Engine, iid: str) -> dict[str, Any]:
    """Poll SQL until the worker has stored the incident (bounded by the test timeout)."""
    while True:
        with engine.connect() as conn:
            row = queries.incident(conn, iid)
        if row is not None:
            return row


def dash_requests(page: Any) -> list[str]:
    """The bodies of the Dash callback requests the page makes, as they happen."""
    seen: list[str] = []
    page.on(
        "request",
        lambda q: seen.append(q.post_data or "") if "/_dash-update-component" in q.url else None,
    )
    return seen


def page_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def marker_stage(wall: Any, iid: str, stage: str) -> None:
    wall.wait_for_function(
        f"document.querySelector('path.wf-inc[data-id=\"{iid}\"]')?.dataset.stage === '{stage}'"
    )


def test_officer_accepts_routes_arrives_and_sees_the_trail_grow(
    context: Any,
    system: System,
    r: redis.Redis,
    engine: Engine,
    officer: User,
    wall_url: str,
) -> None:
    # urgent: not routed by rule on accept, so the officer routes it by hand
    rep = report(
        category="neighbour",
        priority="urgent",
        text="<img src=x onerror=alert(1)>楼上噪音",
        contact="13800001111",
    )
    xadd(r, system.settings, REPORTS, rep)
    suggested = wait_row(engine, rep.id)["suggested_unit"]
    assert suggested
    wall = context.browser.new_context().new_page()
    wall.goto(wall_url)
    marker_stage(wall, rep.id, "accept")

    page = context.new_page()
    errors = page_errors(page)
    requests = dash_requests(page)
    login_page(page, system.url, officer.username)
    row = page.locator(f'tr.wf-row[data-id="{rep.id}"]')
    row.wait_for()
    assert "138****1111" in row.inner_text()  # masked in lists
    assert "<img src=x" in row.inner_text()  # hostile text shown as text
    row.locator("a.wf-id").click()
    page.wait_for_url(f"**/incident/{rep.id}")
    trail = page.locator("#inc-trail tr.wf-trail-row")
    trail.first.wait_for()
    assert trail.count() == 1
    # the suggested unit is offered first and chosen already
    assert f"({suggested})" in page.locator(f"#{'act-unit'}").inner_text()
    # only what the state allows can be pressed
    assert page.locator("button.wf-act-arrive").is_disabled()
    assert page.locator("button.wf-act-close").is_disabled()

    page.click("button.wf-act-accept")
    page.locator('#inc-trail tr[data-action="accept"]').wait_for()
    assert trail.count() == 2
    assert "值班员 测试" in page.locator('#inc-trail tr[data-action="accept"]').inner_text()
    page.wait_for_function("document.getElementById('inc-state').textContent === '已受理'")
    marker_stage(wall, rep.id, "dispatch")
    page.wait_for_function("document.querySelector('button.wf-act-accept').disabled")

    page.click("button.wf-act-dispatch")
    page.locator('#inc-trail tr[data-action="dispatch"]').wait_for()
    assert trail.count() == 3
    page.wait_for_function("document.getElementById('inc-state').textContent === '已派遣'")
    marker_stage(wall, rep.id, "arrive")

    page.click("button.wf-act-arrive")
    page.locator('#inc-trail tr[data-action="arrive"]').wait_for()
    assert trail.count() == 4
    marker_stage(wall, rep.id, "resolve")

    # reveal the phone number: shown, and recorded in the trail
    assert page.locator(f"#{'inc-contact'}").inner_text() == "138****1111"
    page.click("#act-reveal")
    page.wait_for_function("document.getElementById('inc-contact').textContent === '13800001111'")
    page.locator('#inc-trail tr[data-action="reveal"]').wait_for()
    assert trail.count() == 5
    with engine.connect() as conn:
        stored = queries.incident(conn, rep.id)
    assert stored is not None and stored["state"] == "on_site" and stored["unit"] == suggested
    # the page never re-rendered itself: one page layout per navigation, no render errors
    assert sum('"_pages_content"' in body for body in requests) <= 2, requests
    assert not [e for e in errors if "React" in e or "TypeError" in e], errors


def test_officer_merges_into_a_nearby_incident_with_its_button(
    context: Any, system: System, r: redis.Redis, engine: Engine, officer: User
) -> None:
    first = report(category="parking", text="车辆堵门")
    second = report(category="parking", text="又有车堵门", lon=120.2005, lat=30.2003)
    xadd(r, system.settings, REPORTS, first, second)
    wait_row(engine, first.id)
    wait_row(engine, second.id)
    page = context.new_page()
    login_page(page, system.url, officer.username, next_path=f"/incident/{second.id}")
    button = page.locator(f'button.wf-merge-into[data-into="{first.id}"]')
    button.click()
    page.locator('#inc-trail tr[data-action="merge"]').wait_for()
    # the trail names the other incident by its short number
    number = wait_row(engine, first.id)["number"]
    assert number and number in page.locator('#inc-trail tr[data-action="merge"]').inner_text()
    with engine.connect() as conn:
        stored = queries.incident(conn, second.id)
    assert stored is not None and stored["state"] == "merged" and stored["merged_into"] == first.id
    # merged: no more merge buttons offered
    page.wait_for_function("!document.querySelector('button.wf-merge-into')")


def test_wall_role_cannot_act(
    context: Any, system: System, r: redis.Redis, engine: Engine, wall_url: str
) -> None:
    rep = report()
    xadd(r, system.settings, REPORTS, rep)
    wait_row(engine, rep.id)
    page = context.new_page()
    page.goto(wall_url)
    resp = page.goto(f"{system.url}/incident/{rep.id}")
    assert resp is not None and resp.status == 403
    # a signed-in wall user fares no better
    wall_user = make_user(engine, "wall")
    page2 = context.browser.new_context().new_page()
    login_page(page2, system.url, wall_user.username, next_path="/")
    resp = page2.goto(f"{system.url}/incidents")
    assert resp is not None and resp.status == 403
    status = page2.evaluate(
        """async () => (await fetch('/_dash-update-component', {method: 'POST',
             headers: {'Content-Type': 'application/json'},
             body: JSON.stringify({output: 'act-result.children',
               outputs: {id: 'act-result', property: 'children'},
               inputs: [{id: 'act-accept', property: 'n_clicks', value: 1}],
               changedPropIds: []})})).status"""
    )
    assert status == 403
    with engine.connect() as conn:
        assert [t["action"] for t in store.trail(conn, rep.id)] == ["report"]


def _jpeg(tmp_path: Path) -> Path:
    path = tmp_path / "photo.jpg"
    Image.new("RGB", (64, 48), (30, 120, 200)).save(path, format="JPEG")
    return path


def test_resident_report_with_photo_reaches_console_and_wall_then_rating_shows(
    context: Any,
    system: System,
    r: redis.Redis,
    engine: Engine,
    officer: User,
    reference: Reference,
    wall_url: str,
    tmp_path: Path,
) -> None:
    address = sorted(reference.buildings)[11]
    phone = context.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(f"{system.url}/r/{address}")
    phone.check("input[name=kind][value=complaint]")
    phone.select_option("#category", "environment")
    phone.fill("#text", "小区门口垃圾满溢")
    phone.set_input_files("#photos", str(_jpeg(tmp_path)))
    phone.click("#report-submit")
    tracking = phone.locator("#tracking").inner_text().strip()
    with engine.connect() as conn:
        found = trackings.lookup(conn, tracking)  # the number the resident keeps
    assert found is not None and found[0] != tracking
    iid = found[0]
    row = wait_row(engine, iid)
    assert row["address"] == address and len(json.loads(row["photos"])) == 1

    officer_page = context.new_page()
    login_page(officer_page, system.url, officer.username)
    officer_page.locator(f'tr.wf-row[data-id="{iid}"]').wait_for()
    officer_page.goto(f"{system.url}/incident/{iid}")
    thumb = officer_page.locator("img.wf-thumb")
    thumb.wait_for()
    officer_page.wait_for_function("document.querySelector('img.wf-thumb').naturalWidth === 64")

    wall = context.browser.new_context().new_page()
    wall.goto(wall_url)
    wall.locator(f'path.wf-inc[data-id="{iid}"]').wait_for(state="attached")

    unit = sorted(reference.unit_ids)[0]
    xadd(
        r,
        system.settings,
        ACTIONS,
        action(iid, "dispatch", unit=unit),
        action(iid, "arrive"),
        action(iid, "resolve", note="已清运"),
    )
    phone.goto(f"{system.url}/t/{tracking}")
    while phone.locator("#rate-form").count() == 0:  # the worker resolves it; the page refreshes
        phone.reload()
    phone.check("input[name=rating][value='5']")
    phone.click("#rate-submit")
    phone.locator("#rated").wait_for()
    wall.wait_for_function(
        "document.getElementById('wf-tile-satisfaction').textContent.startsWith('5.00')"
    )
    with engine.connect() as conn:
        assert "rate" in [t["action"] for t in store.trail(conn, iid)]
