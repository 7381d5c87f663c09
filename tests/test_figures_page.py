"""The figures page's parts and its downloads, in-process: periods, tables from the
figures API, CSV and Excel exports with the page's numbers, and who may reach them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from plotly.utils import PlotlyJSONEncoder
from sqlalchemy import Engine

from dashboard.app import create_server
from dashboard.figures import catalog, data, markup, sections
from dashboard.figures.exports import all_tables, resolve, section_tables
from feeds.clock import now_ms
from feeds.ingest import Worker
from feeds.reference import Reference
from feeds.settings import Settings
from feeds.stats import residents
from feeds.stats.period import Period
from layers.tabular import Column, Table
from tests import figures_history
from tests.signin import kiosk_token, login_client, make_user, origin
from tests.stats_history import TZ, History

OCTOBER = Period.days(date(2026, 10, 1), date(2026, 10, 31), TZ)
PER_DAY = 4  # field reports a day, and 2 sensor alarms


@pytest.fixture
def october(worker: Worker, reference: Reference, engine: Engine) -> History:
    with engine.begin() as conn:
        residents.seed(conn)
    return figures_history.build(worker, reference, date(2026, 10, 1), 31, per_day=PER_DAY)


@pytest.fixture
def client(settings: Settings, r: object, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_server(settings)) as c:
        yield c


def test_period_label_and_key() -> None:
    assert catalog.period_label(OCTOBER) == "2026-10-01 – 2026-10-31"
    assert catalog.period_key(OCTOBER) == "2026-10"
    day = Period.days(date(2026, 11, 30), date(2026, 11, 30), TZ)
    assert catalog.period_label(day) == "2026-11-30 (周一)"
    assert catalog.period_label(day, "en") == "2026-11-30 (Mon)"
    assert catalog.period_key(day) == "2026-11-30"
    part = Period.days(date(2026, 11, 3), date(2026, 11, 9), TZ)
    assert catalog.period_key(part) == "2026-11-03_2026-11-09"


def test_a_bad_period_falls_back_and_says_so() -> None:
    now = now_ms()
    good = resolve("2026-10", now, TZ)
    assert good.valid and good.period.first == date(2026, 10, 1)
    bad = resolve("2026-13-40", now, TZ)
    assert not bad.valid and bad.text == "this_month"
    assert resolve(None, now, TZ).text == "this_month"


def test_markup_escapes_and_links_rows() -> None:
    t = Table(
        "t",
        ("标题", "Title"),
        (Column("name", "名称", "Name"), Column("n", "数", "N", "int")),
        (("<script>x</script>", 1200),),
        "p",
        note=("注", "note"),
        links=('/incidents?a=1&b="2"',),
    )
    out = markup.table(t, "zh", [("CSV", "/api/figures/table/t.csv?period=x")])
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert 'data-href="/incidents?a=1&amp;b=&quot;2&quot;"' in out
    assert (
        ">1,200</td>" in out and "注" in out and 'href="/api/figures/table/t.csv?period=x"' in out
    )
    en = markup.table(t, "en", [])
    assert "<th>Name</th>" in en and "note" in en


def test_every_section_renders_with_links(october: History, engine: Engine) -> None:
    now = now_ms()
    ctx = sections.Ctx("2026-10", catalog.period_label(OCTOBER), "zh", TZ)
    with engine.connect() as conn:
        for name in data.FETCH:
            d = data.fetch(conn, name, OCTOBER, now)
            shown = json.dumps(
                sections.render(name, ctx, d, (120.1, 30.1, 120.3, 30.3)),
                cls=PlotlyJSONEncoder,
                ensure_ascii=False,
            )
            assert "2026-10-01 – 2026-10-31" in shown, name  # every card says its period
            if name not in ("headline", "time"):
                assert "/incidents?" in shown or "/incident/" in shown, name


def test_tables_count_what_was_reported(october: History, engine: Engine) -> None:
    reports = 31 * (PER_DAY + 2)
    with engine.connect() as conn:
        tabs = {t.key: t for t in section_tables(conn, "counts", OCTOBER, now_ms(), "zh")}
    assert sum(tabs["by_source"].column("n")) == reports
    assert sum(tabs["by_category"].column("n")) == reports
    by_source = dict(
        zip(tabs["by_source"].column("source"), tabs["by_source"].column("n"), strict=True)
    )
    assert by_source["物联感知"] == 31 * 2  # the sensor alarms
    assert all(link and "from=" in link and "source=" in link for link in tabs["by_source"].links)


def test_csv_and_xlsx_downloads_hold_the_tables_numbers(
    october: History, client: TestClient, engine: Engine
) -> None:
    leader = make_user(engine, "leader")
    login_client(client, leader.username)
    resp = client.get("/api/figures/table/units.csv?period=2026-10")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
    assert resp.content.startswith("\ufeff".encode())
    assert "figures-units-2026-10.csv" in resp.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    with engine.connect() as conn:
        units = section_tables(conn, "units", OCTOBER, now_ms(), "zh")[0]
    assert rows[0][1] == "单位 Unit"
    assert [r[1] for r in rows[1:]] == units.column("unit")
    assert [int(r[2]) for r in rows[1:]] == units.column("assigned")
    x = client.get("/api/figures/table/by_category.xlsx?period=2026-10")
    ws = load_workbook(io.BytesIO(x.content)).active
    assert ws["A1"].value == "按分类 By category · 2026-10-01 – 2026-10-31"
    with engine.connect() as conn:
        cats = section_tables(conn, "counts", OCTOBER, now_ms(), "zh")[2]
    got = [(row[0].value, row[1].value) for row in ws.iter_rows(min_row=4) if row[0].value]
    assert got == list(zip(cats.column("category"), cats.column("n"), strict=True))
    every = client.get("/api/figures/all.xlsx?period=2026-10&lang=en")
    wb = load_workbook(io.BytesIO(every.content))
    with engine.connect() as conn:
        expected = all_tables(conn, OCTOBER, now_ms(), "en")
    assert len(wb.worksheets) == len(expected) == len(catalog.TABLE_SECTION)
    assert client.get("/api/figures/table/nothing.csv?period=2026-10").status_code == 404
    assert client.get("/api/figures/table/units.csv?period=junk").status_code == 400


def test_who_may_reach_figures_and_reports(
    settings: Settings, client: TestClient, engine: Engine
) -> None:
    paths = ["/figures", "/reports", "/api/figures/all.xlsx", "/api/reports"]
    # a wall kiosk: the wall only
    token = kiosk_token(engine)
    assert client.get(f"/?kiosk={token}").status_code == 200
    for path in paths:
        assert client.get(path).status_code == 403, path
    body = {
        "output": "fig-nav.data",
        "outputs": {"id": "fig-nav", "property": "data"},
        "inputs": [{"id": {"type": "fig-arg", "name": "units"}, "property": "data", "value": {}}],
        "changedPropIds": [],
    }
    hit = client.post("/_dash-update-component", json=body, headers=origin(client))
    assert hit.status_code == 403
    client.cookies.clear()
    # an officer reads, but does not make reports
    officer = make_user(engine, "officer")
    login_client(client, officer.username)
    for path in paths:
        assert client.get(path).status_code == 200, path
    ask = {"kind": "daily", "date": "2026-10-05"}
    assert client.post("/api/reports", json=ask, headers=origin(client)).status_code == 403
    client.cookies.clear()
    leader = make_user(engine, "leader")
    login_client(client, leader.username)
    made = client.post("/api/reports", json=ask, headers=origin(client))
    assert made.status_code == 202 and made.json()["id"] == "daily:2026-10-05"
    bad = client.post(
        "/api/reports", json={"kind": "grid", "month": "2026-10"}, headers=origin(client)
    )
    assert bad.status_code == 400 and "area" in bad.json()["error"]
