"""Reports: asked once however often, made by one maker, printed to PDF by Chromium with
its pages, the monthly report with one chapter per grid, and `watchfloor report`."""

from __future__ import annotations

import io
import re
import threading
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import Engine

from dashboard.cli import build_parser
from dashboard.cli.report import cmd_report
from dashboard.reports import jobs, making
from feeds import reports as store
from feeds.clock import now_ms
from feeds.ingest import Worker
from feeds.reference import Reference
from feeds.settings import Settings
from feeds.stats import residents
from tests import figures_history
from tests.stats_history import History, ms

DAY = date(2026, 10, 14)
A4 = (595, 842)  # points


@pytest.fixture
def days(worker: Worker, reference: Reference, engine: Engine) -> History:
    with engine.begin() as conn:
        residents.seed(conn)
    # the day before (for the comparison) and the day itself
    return figures_history.build(worker, reference, date(2026, 10, 13), 2, per_day=10)


@pytest.mark.parametrize(
    ("local", "hour", "expected"),
    [
        (ms(2026, 12, 1, 5, 59), 6, []),  # before the morning: nothing yet
        (ms(2026, 12, 1, 6, 0), 6, ["daily:2026-11-30", "grid:2026-11:"]),
        (ms(2026, 12, 15, 23, 0), 6, ["daily:2026-12-14", "grid:2026-11:"]),
        (ms(2027, 1, 1, 7, 0), 6, ["daily:2026-12-31", "grid:2026-12:"]),  # over the new year
        (ms(2026, 3, 1, 0, 30), 0, ["daily:2026-02-28", "grid:2026-02:"]),
    ],
)
def test_what_is_due(local: int, hour: int, expected: list[str]) -> None:
    assert [a.report_id for a in jobs.due(local, "Asia/Shanghai", hour)] == expected


def test_asked_once_made_once(engine: Engine) -> None:
    now = now_ms()
    with engine.begin() as conn:
        assert store.ask(conn, "daily:2026-10-14", "daily", {"kind": "daily"}, "日报", "a", now)
        assert not store.ask(conn, "daily:2026-10-14", "daily", {"kind": "daily"}, "日报", "b", now)
    # two makers race for it: exactly one wins
    won: list[object] = []

    def take(owner: str) -> None:
        with engine.begin() as conn:
            won.append(store.claim(conn, owner, now))

    threads = [threading.Thread(target=take, args=(f"m{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(w is not None for w in won) == [False, True]
    holder = next(w for w in won if w is not None)["owner"]  # type: ignore[index]
    other = "m1" if holder == "m0" else "m0"
    with engine.begin() as conn:
        assert store.progress(conn, "daily:2026-10-14", holder, 40, "读取", now)
        assert not store.progress(conn, "daily:2026-10-14", other, 50, "x", now)
        # the holder goes silent: after STALE_MS another takes it over
        assert store.claim(conn, other, now + 1000) is None
        assert store.claim(conn, other, now + store.STALE_MS + 1)["owner"] == other  # type: ignore[index]
        assert not store.finish(conn, "daily:2026-10-14", holder, {"html": b"x"}, now)
        assert store.finish(conn, "daily:2026-10-14", other, {"html": b"<p>", "pdf": b"%PDF"}, now)
        row = store.listing(conn)[0]
        assert row["status"] == "done" and row["formats"] == ["html", "pdf"]
        assert store.file_of(conn, "daily:2026-10-14", "pdf") == b"%PDF"
        # asked again on purpose: queued afresh
        assert store.ask(conn, "daily:2026-10-14", "daily", {}, "日报", "c", now, again=True)
        assert store.get(conn, "daily:2026-10-14")["status"] == "queued"  # type: ignore[index]


def test_daily_report_html_pdf_and_xlsx(days: History, engine: Engine, settings: Settings) -> None:
    made = making.make(engine, settings, making.daily(DAY), now_ms())
    html = made.files["html"].decode()
    assert "城市运行日报" in html and "2026-10-14 (周三)" in html and "杭州市滨江区" in html
    assert "size: A4" in html and "break-inside" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # no external resource
    assert "@import" not in html and "<script" not in html
    for part in (
        "核心指标",
        "1-3-5 时限达标",
        "办结时限",
        "亮灯督办",
        "单位考评",
        "群众满意度",
        "重复报事点位",
        "物联感知",
        "网格巡查",
    ):
        assert part in html, part
    assert html.count("<svg") >= 2  # charts drawn inline
    pdf = PdfReader(io.BytesIO(made.files["pdf"]))
    assert len(pdf.pages) >= 3
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == A4
    assert "城市运行日报" in pdf.pages[0].extract_text()
    wb = load_workbook(io.BytesIO(made.files["xlsx"]))
    by_source = next(t for t in made.tables if t.key == "by_source")
    ws = wb[by_source.title[0]]
    got = [row[1].value for row in ws.iter_rows(min_row=4) if row[0].value]
    assert got == by_source.column("n") and sum(got) == 10 + 2


def test_grid_report_has_a_chapter_per_grid(
    days: History, engine: Engine, settings: Settings
) -> None:
    ask = making.grid_month("2026-10", "BJ01-C01")
    with engine.connect() as conn:
        grids = making.grids_of(conn, "BJ01-C01")
    assert len(grids) > 1
    made = making.make(engine, settings, ask, now_ms(), formats=("html",))
    html = made.files["html"].decode()
    assert html.count('<h2 class="chapter">') == len(grids)
    assert "网格月度研判报告" in html and "2026-10-01 – 2026-10-31" in html
    one = making.make(
        engine, settings, making.grid_month("2026-10", grids[0][0]), now_ms(), ("html",)
    )
    assert one.files["html"].decode().count('<h2 class="chapter">') == 1
    with pytest.raises(ValueError, match="no grid"):
        making.make(engine, settings, making.grid_month("2026-10", "XX99"), now_ms(), ("html",))


def test_runner_makes_what_was_asked(days: History, engine: Engine, settings: Settings) -> None:
    assert jobs.ask(engine, making.daily(DAY), "leader-x", now_ms())
    rid = jobs.make_next(engine, settings, "owner-1")
    assert rid == "daily:2026-10-14"
    assert jobs.make_next(engine, settings, "owner-2") is None  # nothing left
    with engine.connect() as conn:
        row = store.get(conn, rid)
        assert row is not None and row["status"] == "done" and row["progress"] == 100
        assert (store.file_of(conn, rid, "pdf") or b"").startswith(b"%PDF")


def test_a_failing_report_is_marked_failed(engine: Engine, settings: Settings) -> None:
    bad = settings.with_(chromium="/nonexistent/chromium")
    assert jobs.ask(engine, making.daily(DAY), "leader-x", now_ms())
    assert jobs.make_next(engine, bad, "owner-1") == "daily:2026-10-14"
    with engine.connect() as conn:
        row = store.get(conn, "daily:2026-10-14")
    assert row is not None and row["status"] == "failed" and "Chromium" in row["error"]


def test_report_command(days: History, settings: Settings, tmp_path: Path) -> None:
    parser = build_parser()
    out = tmp_path / "daily.pdf"
    args = parser.parse_args(["report", "daily", "--date", "2026-10-14", "--out", str(out)])
    assert cmd_report(settings, args) == 0
    assert out.read_bytes().startswith(b"%PDF")
    xlsx = tmp_path / "grid.xlsx"
    args = parser.parse_args(
        ["report", "grid", "--month", "2026-10", "--area", "BJ01-C01-G01", "--out", str(xlsx)]
    )
    assert cmd_report(settings, args) == 0
    assert load_workbook(xlsx).worksheets
    wrong = parser.parse_args(["report", "daily", "--date", "2026-10-14", "--out", "x.doc"])
    assert cmd_report(settings, wrong) == 2
