"""The figures page in a real headless Chromium: a leader signs in, picks last month,
clicks a ranking bar and lands on the matching incidents list; the Excel download holds
the numbers the page shows."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from feeds.clock import now_ms
from feeds.ingest import Worker
from feeds.reference import Reference
from feeds.stats import counts, residents
from feeds.stats.period import local_date, preset
from tests import figures_history
from tests.conftest import ARTIFACTS
from tests.signin import login_page, make_user
from tests.stats_history import TZ, History
from tests.system import loopback_only

pytestmark = pytest.mark.browser


def last_month() -> tuple[date, int]:
    today = local_date(now_ms(), TZ)
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last.day


@pytest.fixture
def month(worker: Worker, reference: Reference, engine: Engine) -> History:
    with engine.begin() as conn:
        residents.seed(conn)
    first, days = last_month()
    return figures_history.build(worker, reference, first, days, per_day=5)


def graph(key: str) -> str:
    return "#" + re.sub(
        r'([{}":,])', r"\\\1", json.dumps({"key": key, "type": "fig-graph"}, separators=(",", ":"))
    )


def test_leader_picks_last_month_and_clicks_a_ranking_bar(
    month: History, system: Any, engine: Engine, browser: Any
) -> None:
    leader = make_user(engine, "leader", "领导 王")
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    urls: list[str] = []
    page.on("request", lambda req: urls.append(req.url))
    login_page(page, system.url, leader.username, next_path="/figures")
    page.click("#fig-preset-last_month")
    page.wait_for_url("**/figures?period=last_month")
    bar = f"{graph('rank-grid-worst')} .bars .point path"
    page.wait_for_selector(bar, timeout=30_000)
    # every section drawn: the leader looks before clicking
    page.wait_for_function("() => !document.querySelector('.wf-fig-loading')", timeout=60_000)
    first, days = last_month()
    assert page.inner_text("#fig-period-label") == (
        f"{first.isoformat()} – {first.replace(day=days).isoformat()}"
    )
    # the top grid of the ranking, as the figures API ranks it
    p = preset("last_month", now_ms(), TZ)
    with engine.connect() as conn:
        top = counts.ranking(conn, p, "grid")["rows"][0]
    # where a person clicks: Plotly's drag layer lies over the bars and takes the click
    target = page.locator(bar).first
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**/incidents?**", timeout=15_000)
    q = parse_qs(urlsplit(page.url).query)
    assert q["grid"] == [top["code"]]
    assert q["from"] == [str(p.start)] and q["to"] == [str(p.end)]
    count = page.locator("#inc-list-count", has_text="共")
    count.wait_for(timeout=60_000)
    assert f"共 {top['n']} 条" in count.inner_text()
    assert loopback_only(urls) == []  # nothing fetched from outside


def test_excel_download_holds_the_numbers_on_the_page(
    month: History, system: Any, engine: Engine, browser: Any
) -> None:
    leader = make_user(engine, "leader")
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    login_page(page, system.url, leader.username, next_path="/figures?period=last_month")
    page.click("#fig-lang-switch")  # English
    page.wait_for_url("**/figures?period=last_month&lang=en")
    table = "table[data-table=by_category]"
    # the English table's rows, once drawn (the Chinese page's rows may still be going away)
    shown = page.wait_for_function(
        """sel => {
            const rows = [...document.querySelectorAll(sel + " tbody tr")]
                .map(r => [...r.cells].map(c => c.innerText.trim()));
            return rows.length && /[A-Za-z]/.test(rows[0][0]) ? rows : null;
        }""",
        arg=table,
        timeout=60_000,
    ).json_value()
    link = page.get_attribute(f"{table} ~ .wf-fig-foot a:text('Excel')", "href")
    assert link and link.startswith("/api/figures/table/by_category.xlsx")
    resp = page.request.get(system.url + link)
    assert resp.ok
    ws = load_workbook(io.BytesIO(resp.body())).active
    cells = [[c.value for c in row] for row in ws.iter_rows(min_row=4) if row[0].value]
    assert [[r[0], f"{r[1]:,}", f"{r[2] * 100:.1f}%"] for r in cells] == shown
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "figures-en.png"))
