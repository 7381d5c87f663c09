"""/status as an officer sees it in headless Chromium: zh-CN by default, English with
?lang=en, no "None" in a cell, and the site's navigation to the other pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from dashboard.ops import EMPTY, cell
from tests.signin import login_page, make_user
from tests.system import System

pytestmark = pytest.mark.browser
WAIT = 30_000  # ms; every wait is for a condition, this only bounds it

CELLS = "document.querySelectorAll('.wf-status-page td')"


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000})
    ctx.set_default_timeout(WAIT)
    yield ctx
    ctx.close()


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, EMPTY), ("", EMPTY), (0, "0"), (1.916, "1.9"), ("reports", "reports")],
)
def test_a_cell_says_dash_for_nothing(value: object, shown: str) -> None:
    assert cell(value) == shown


def test_status_in_chinese_then_english_with_the_sites_navigation(
    context: Any, system: System, engine: Engine
) -> None:
    officer = make_user(engine, "officer")
    page = context.new_page()
    login_page(page, system.url, officer.username, next_path="/status")
    page.locator(".wf-status-page").wait_for()
    # the live figures arrive: the feed line is worded in the page's language
    page.wait_for_function(
        "document.getElementById('wf-feed-state').textContent.startsWith('实时')"
    )
    assert page.locator(".wf-status-page").get_attribute("lang") == "zh-CN"
    heads = page.locator(".wf-status-page h2").all_inner_texts()
    assert heads[0] == "数据流" and "最近的死信" in heads
    texts = page.evaluate(f"Array.from({CELLS}).map(td => td.textContent)")
    assert texts and "None" not in texts and "" not in texts
    assert EMPTY in texts  # the dead-letter stream has no pending count: a dash, not None
    # the figure tiles show numbers once the snapshot is in
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.wf-figure')).every(e => /\\d/.test(e.textContent))"
    )

    page.click("#status-lang-switch")
    page.wait_for_function("document.querySelector('.wf-status-page')?.lang === 'en'")
    page.wait_for_function(
        "document.getElementById('wf-feed-state').textContent.startsWith('live')"
    )
    heads = page.locator(".wf-status-page h2").all_inner_texts()
    assert heads[0] == "Streams" and "Recent dead letters" in heads
    assert "数据流" not in page.locator(".wf-status-page table").first.inner_text()
    texts = page.evaluate(f"Array.from({CELLS}).map(td => td.textContent)")
    assert "None" not in texts

    # the way back: the console's navigation, as on every other page
    nav = page.locator(".wf-nav")
    assert nav.locator("a[href='/incidents']").count() == 1
    assert nav.locator("a[href='/status']").count() == 1
    nav.locator("a[href='/incidents']").click()
    page.wait_for_url(f"{system.url}/incidents")
    page.locator(".wf-nav a[href='/status']").wait_for()
