"""Replay on the wall in a real headless Chromium: a replay seeks to a moment and shows
what was there then, marked as replay, while a live wall beside it goes on undisturbed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from sqlalchemy import Engine, delete, func, select

from feeds.clock import day_start, now_ms
from feeds.minutes.collector import insert_absent
from feeds.replay.period import local, parse_moment
from feeds.tables import incidents, reading_minutes
from layers.district import District
from tests.conftest import ARTIFACTS
from tests.helpers import REPORTS, report, xadd
from tests.system import System, loopback_only

pytestmark = pytest.mark.browser
WAIT = 30_000  # ms; every wait below is for a condition, this only bounds it
MIN = 60_000


def wait_for(check: Any, what: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def stored(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(incidents)).scalar_one())


def hour_count(reported: list[int], t: int) -> int:
    """What the wall's rolling hour shows at t: reports in the minutes [m-59, m] up to t."""
    first = (t // MIN - 59) * MIN
    return sum(1 for ts in reported if first <= ts <= t)


@pytest.fixture
def history(engine: Engine) -> Iterator[Engine]:
    with engine.begin() as conn:
        conn.execute(delete(reading_minutes))
    yield engine
    with engine.begin() as conn:
        conn.execute(delete(reading_minutes))


def open_wall(browser: Any, url: str) -> Any:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(WAIT)
    page = context.new_page()
    page.requests = []
    page.on("request", lambda req: page.requests.append(req.url))
    page.goto(url)
    page.wait_for_function("document.querySelectorAll('path.wf-cell[data-code]').length >= 3000")
    page.wait_for_function("window.wf.live.state.received > 0")
    return page


def count_of(page: Any, micro: str) -> str:
    return str(page.get_attribute(f'path.wf-cell[data-code="{micro}"]', "data-count"))


def wait_count(page: Any, micro: str, n: int) -> None:
    page.wait_for_function(
        f"document.querySelector('path.wf-cell[data-code=\"{micro}\"]')?.getAttribute('data-count') === '{n}'"
    )


def test_replay_seeks_to_a_moment_and_the_live_wall_is_not_disturbed(
    browser: Any,
    system: System,
    wall_url: str,
    history: Engine,
    r: redis.Redis,
    district: District,
) -> None:
    engine = history
    tz = system.settings.timezone
    now = now_ms()
    b = district.buildings.iloc[42]
    micro = str(b.micro_grid)
    ages = (80, 50, 40, 20)  # minutes ago
    reps = [
        report(address=b.code, lon=None, lat=None, ts=now - a * MIN, category="parking")
        for a in ages
    ]
    xadd(r, system.settings, REPORTS, *reps)
    wait_for(lambda: stored(engine) == len(reps), "the worker to store the reports")
    at = [rep.ts for rep in reps]
    t1 = now - 45 * MIN
    expected = hour_count(at, t1)
    assert expected == 2  # the reports of 80 and 50 minutes ago
    # the riverside zone's crowd at that minute, as the worker's history would hold it
    rows = [
        {
            "key": "zone:Z01",
            "minute": m,
            "kind": "crowd",
            "n": 6,
            "min": 1,
            "max": 123_456,
            "mean": 120_000.4,
        }
        for m in range(t1 // MIN - 3, t1 // MIN + 1)
    ]
    with engine.begin() as conn:
        insert_absent(conn, rows)

    live = open_wall(browser, wall_url)
    other = district.buildings.iloc[900]
    assert other.micro_grid != micro
    assert count_of(live, str(other.micro_grid)) == "0"

    period = f"{local(now - 120 * MIN, tz)[:16]},{local(now - 10 * MIN, tz)[:16]}"
    replay_url = f"{wall_url}&replay={period}&speed=60&at={local(t1, tz)}&paused=1"
    page = open_wall(browser, replay_url)
    wait_count(page, micro, expected)
    # clearly marked as replay, with the replayed time
    assert "wf-replay" in (page.get_attribute("#wf-wall", "class") or "")
    assert page.locator(".wf-replay-tag").is_visible()
    page.wait_for_function(
        f"document.getElementById('wf-replay-time').textContent.startsWith('{local(t1, tz).replace('T', ' ')}')"
    )
    assert page.locator("#wf-time").inner_text() == local(t1, tz)[11:19]
    # what was there at t1: the report of 50 minutes ago waiting to be accepted, late
    marker = page.locator(f'path.wf-inc[data-id="{reps[1].id}"]')
    marker.wait_for()
    assert marker.get_attribute("data-colour") == "red"
    assert page.locator(f'path.wf-inc[data-id="{reps[2].id}"]').count() == 0
    assert page.get_attribute('path[data-zone="Z01"]', "data-people") == "120000"
    # the address is a link to this moment of this replay
    assert "session=" in page.url and "paused=1" in page.url

    # a new live report: the live wall counts it, the replay does not move
    fresh = report(address=other.code, lon=None, lat=None, category="parking")
    xadd(r, system.settings, REPORTS, fresh)
    wait_count(live, str(other.micro_grid), 1)
    assert "wf-replay" not in (live.get_attribute("#wf-wall", "class") or "")
    assert live.locator("#wf-replay").count() == 0
    assert count_of(page, micro) == str(expected)
    assert page.evaluate(f"'{fresh.id}' in window.wf.live.state.incidents") is False

    # jump to another moment: the count the test works out for it
    t2 = now - 15 * MIN
    page.fill("#wf-replay-at", local(t2, tz)[11:16])
    page.click(".wf-replay-jump button")
    t2m = (t2 // MIN) * MIN  # HH:MM: the start of that minute
    wait_count(page, micro, hour_count(at, t2m))
    assert hour_count(at, t2m) == 3
    page.locator(f'path.wf-inc[data-id="{reps[2].id}"]').wait_for()

    # play at 600x (ten minutes a second) from there: it runs to the period's end and stops
    start = page.evaluate("window.wf.live.now()")
    page.click('.wf-replay-speed[data-speed="600"]')
    page.click("#wf-replay-play")
    page.wait_for_function(f"window.wf.live.now() > {start} + 120000")
    end = parse_moment(period.split(",")[1], tz)
    page.wait_for_function(
        "document.getElementById('wf-replay').dataset.playing === '0'"
        f" && Number(document.getElementById('wf-replay').dataset.at) === {end}"
    )
    wait_count(page, micro, hour_count(at, end))
    assert "wf-replay" in (page.get_attribute("#wf-wall", "class") or "")

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "wall-replay.png"))
    assert loopback_only(page.requests) == []
    assert any("/api/replay/heat.png?t=" in u for u in page.requests)
    assert count_of(live, str(other.micro_grid)) == "1"  # the live wall was never touched
    assert count_of(page, str(other.micro_grid)) == "0"
    live.context.close()
    page.context.close()


def test_a_bad_period_says_why(browser: Any, system: System, wall_url: str) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(wall_url + "&replay=yesterday,soon")
    page.wait_for_function(
        "document.getElementById('wf-replay-error')?.textContent.includes('yesterday')",
        timeout=WAIT,
    )
    assert "wf-replay" in (page.get_attribute("#wf-wall", "class") or "")
    context.close()


def test_a_bare_time_jumps_to_that_time_on_the_periods_own_day(
    browser: Any, system: System, wall_url: str
) -> None:
    """A period across midnight holds two days: 00:30 is the one after midnight, 23:40
    the one before, whichever day the replay is on when the time is typed."""
    tz = system.settings.timezone
    midnight = day_start(now_ms(), tz) - 24 * 60 * MIN  # yesterday began
    period = f"{local(midnight - 60 * MIN, tz)[:16]},{local(midnight + 60 * MIN, tz)[:16]}"
    at = local(midnight - 30 * MIN, tz)
    page = open_wall(browser, f"{wall_url}&replay={period}&at={at}&paused=1")
    at_of = "Number(document.getElementById('wf-replay').dataset.at) === "
    page.wait_for_function(at_of + str(midnight - 30 * MIN))  # the replay is up
    for typed, moment in (("00:30", midnight + 30 * MIN), ("23:40", midnight - 20 * MIN)):
        page.fill("#wf-replay-at", typed)
        page.click(".wf-replay-jump button")
        page.wait_for_function(at_of + str(moment))
    page.context.close()
