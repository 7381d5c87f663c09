"""The incident page's actions as a duty officer meets them: routing already done by rule,
notes that belong to one step only. Real headless Chromium, real worker."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis
from sqlalchemy import Engine

from feeds import queries
from feeds.users import User
from tests.helpers import ACTIONS, REPORTS, report, xadd
from tests.signin import login_page
from tests.system import System

pytestmark = pytest.mark.browser
WAIT = 30_000  # ms; every wait below is for a condition, this only bounds it


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000})
    ctx.set_default_timeout(WAIT)
    yield ctx.new_page()
    ctx.close()


def stored(engine: Engine, iid: str, **want: Any) -> dict[str, Any]:
    """Poll SQL until the worker has the incident as wanted (bounded by the test timeout)."""
    while True:
        with engine.connect() as conn:
            row = queries.incident(conn, iid)
        if row is not None and all(row[k] == v for k, v in want.items()):
            return row


def sent(r: redis.Redis, system: System, iid: str) -> list[str]:
    return [
        e[b"action"].decode() if b"action" in e else e["action"]
        for _, e in r.xrange(system.settings.key(ACTIONS))
        if (e.get(b"incident") or e.get("incident")) in (iid, iid.encode())
    ]


def test_dispatch_after_routing_by_rule_says_so_and_sends_no_reassign_to_the_same_unit(
    page: Any, system: System, r: redis.Redis, engine: Engine, officer: User
) -> None:
    rep = report(category="parking")  # ordinary: routed by rule on accept
    xadd(r, system.settings, REPORTS, rep)
    stored(engine, rep.id)
    login_page(page, system.url, officer.username, next_path=f"/incident/{rep.id}")
    assert "派遣" in page.locator("button.wf-act-dispatch").inner_text()
    page.click("button.wf-act-accept")
    row = stored(engine, rep.id, state="dispatched")
    assert row["unit"]
    # what routing did is on the page, and Dispatch now says what it will do: reassign
    page.wait_for_function("document.getElementById('inc-unit').textContent.includes('智能交办')")
    page.wait_for_function(
        "document.querySelector('button.wf-act-dispatch').textContent.includes('改派')"
    )
    before = sent(r, system, rep.id)
    page.click("button.wf-act-dispatch")  # the dropdown still holds the unit it went to
    page.wait_for_function("document.getElementById('act-result').textContent.includes('无需再派')")
    assert sent(r, system, rep.id) == before  # nothing sent, nothing logged


def test_the_note_box_is_emptied_after_a_step_and_asked_for_where_one_is_needed(
    page: Any, system: System, r: redis.Redis, engine: Engine, officer: User
) -> None:
    rep = report(category="neighbour", priority="urgent")  # urgent: routed by hand
    xadd(r, system.settings, REPORTS, rep)
    stored(engine, rep.id)
    login_page(page, system.url, officer.username, next_path=f"/incident/{rep.id}")
    page.click("button.wf-act-accept")
    page.wait_for_function("!document.querySelector('button.wf-act-dispatch').disabled")
    page.click("button.wf-act-dispatch")
    page.wait_for_function("!document.querySelector('button.wf-act-arrive').disabled")
    page.click("button.wf-act-arrive")
    page.wait_for_function("!document.querySelector('button.wf-act-resolve').disabled")
    # resolve with no note: asked for one, nothing sent
    page.click("button.wf-act-resolve")
    page.wait_for_function("document.getElementById('act-result').textContent.includes('处理结果')")
    assert "resolve" not in sent(r, system, rep.id)
    page.fill("#act-note", "已调解，双方达成一致")
    page.click("button.wf-act-resolve")
    row = stored(engine, rep.id, state="resolved")
    assert row["resolution"] == "已调解，双方达成一致"
    # the note went with the resolve and is gone from the box: Close does not copy it
    # (the worker may store it before the page has the callback's answer: wait for the box)
    page.wait_for_function("document.getElementById('act-note').value === ''")
    page.wait_for_function("!document.querySelector('button.wf-act-close').disabled")
    page.click("button.wf-act-close")
    stored(engine, rep.id, state="closed")
    trail = page.locator('#inc-trail tr[data-action="close"]')
    trail.wait_for()
    assert "已调解" not in trail.inner_text()
