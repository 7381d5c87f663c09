"""The figures page for a month in headless Chromium: time to the first figures painted
(the headline tiles) and to every section drawn, beside the naive way measured in the
same run (every table cell its own Dash component, as the page was first written).

    .venv/bin/watchfloor history --days 365 --scale 3      # the year (DATABASE_URL)
    .venv/bin/python -m bench.figures_page --period last_month [--runs 5]

The store is the configured one (DATABASE_URL or WATCHFLOOR_VAR's SQLite file); Redis is
an embedded Valkey. The browser's cache is warm (a leader's browser has loaded the app
before); the first, cold visit is printed too.
"""

from __future__ import annotations

import argparse
import statistics
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dash import dcc, html
from playwright.sync_api import sync_playwright
from sqlalchemy import delete, func, select

from dashboard.figures import sections
from feeds.connections import valkey_unless
from feeds.reference import Reference
from feeds.settings import Settings
from feeds.store import create_schema, make_engine
from feeds.tables import incidents, users
from feeds.users import create_user
from layers.tabular import Table, format_value
from tests.system import CHROMIUM, CHROMIUM_ARGS, running_system

PASSWORD = "bench-figures-page"
# Marks, in the page's own clock: the headline tiles painted, and every section drawn
# (no section loading, every Plotly graph with its SVG).
MARKS = """
(() => {
  const m = (window.__wf = {});
  function check() {
    const now = performance.now();
    if (!m.headline && document.querySelector('.wf-fig-tile .wf-tile-value')) m.headline = now;
    const graphs = document.querySelectorAll('.wf-fig-graph');
    const drawn = document.querySelectorAll('.wf-fig-graph .main-svg').length;
    if (!m.all && m.headline && !document.querySelector('.wf-fig-loading') && graphs.length
        && drawn >= graphs.length) m.all = now;
  }
  new MutationObserver(() => requestAnimationFrame(check))
    .observe(document, {subtree: true, childList: true});
})();
"""


def naive_table_view(ctx: sections.Ctx, table: Table) -> html.Div:
    """The first way: a Dash component per cell (thousands per page)."""
    head = html.Tr([html.Th(c.head(ctx.lang)) for c in table.columns])
    body = [
        html.Tr(
            [
                html.Td(dcc.Link(format_value(v, c.kind, ctx.lang), href=table.link(i) or "/"))
                for v, c in zip(row, table.columns, strict=True)
            ]
        )
        for i, row in enumerate(table.rows[:12])
    ]
    return html.Div(html.Table([html.Thead(head), html.Tbody(body)], className="wf-table"))


@contextmanager
def naive(on: bool) -> Iterator[None]:
    real = sections.table_view
    if on:
        sections.table_view = naive_table_view  # type: ignore[assignment]
    try:
        yield
    finally:
        sections.table_view = real  # type: ignore[assignment]


def measure(base: str, user: str, url: str, runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {"headline": [], "all": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.add_init_script(MARKS)
        page.goto(f"{base}/login?next=/incidents")
        page.fill("#username", user)
        page.fill("#password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_url(f"{base}/incidents*")
        for i in range(runs + 1):
            page.goto(base + url, wait_until="commit")
            page.wait_for_function("() => window.__wf && window.__wf.all", timeout=180_000)
            marks = page.evaluate("() => window.__wf")
            if i == 0:
                out["cold"] = marks
                continue
            out["headline"].append(marks["headline"])
            out["all"].append(marks["all"])
        browser.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--period", default="last_month")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    base_settings = Settings.from_env()
    with valkey_unless(None) as redis_url:
        settings = base_settings.with_(
            redis_url=redis_url, key_prefix=f"bench-fig-{uuid.uuid4().hex[:6]}:", reports_auto=False
        )
        engine = make_engine(settings)
        create_schema(engine)
        user = f"bench-{uuid.uuid4().hex[:6]}"
        with engine.begin() as conn:
            create_user(conn, user, "leader", PASSWORD, "bench")
            n = conn.execute(select(func.count()).select_from(incidents)).scalar_one()
        with engine.connect() as conn:
            reference = Reference.load(conn)
        url = f"/figures?period={args.period}"
        print(f"store: {settings.sqlalchemy_url.split('@')[-1]} ({n:,} incidents); page {url}")
        results = {}
        with running_system(settings, engine, reference, worker=False) as system:
            for name, on in (("this page", False), ("naive (a component per cell)", True)):
                with naive(on):
                    results[name] = measure(system.url, user, url, args.runs)
        for name, r in results.items():
            h, a = r["headline"], r["all"]
            print(
                f"{name:30s} first figures painted median {statistics.median(h):6.0f} ms "
                f"max {max(h):6.0f} ms · every section drawn median {statistics.median(a):6.0f} ms "
                f"max {max(a):6.0f} ms · cold visit {r['cold']['headline']:.0f} / "
                f"{r['cold']['all']:.0f} ms"
            )
        with engine.begin() as conn:
            conn.execute(delete(users).where(users.c.username == user))
        engine.dispose()


if __name__ == "__main__":
    main()
