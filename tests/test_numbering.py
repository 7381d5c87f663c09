"""Incidents' short numbers: per local day, given at ingest, unique across workers."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis
from sqlalchemy import Engine, func, select, text

from feeds import numbering, store
from feeds.ingest import Worker
from feeds.settings import Settings
from feeds.tables import incidents
from tests.helpers import REPORTS, drain, report, xadd

TZ = "Asia/Shanghai"


def ms(local: str) -> int:
    return int(datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(TZ)).timestamp() * 1000)


@pytest.mark.parametrize(
    ("local", "day"),
    [
        ("2026-12-01 00:00:00", "20261201"),
        ("2026-12-01 23:59:59", "20261201"),
        ("2026-12-02 07:59:59", "20261202"),  # 23:59 UTC the day before: local date counts
        ("2027-01-01 00:00:01", "20270101"),
    ],
)
def test_day_is_the_districts_local_date(local: str, day: str) -> None:
    assert numbering.day_of(ms(local), TZ) == day


@pytest.mark.parametrize(
    ("seq", "shown"), [(1, "20261201-0001"), (42, "20261201-0042"), (12345, "20261201-12345")]
)
def test_format(seq: int, shown: str) -> None:
    assert numbering.format_number("20261201", seq) == shown


def test_numbers_run_per_day_in_report_order(engine: Engine) -> None:
    rows = [
        {"id": "b", "reported_at": ms("2026-12-01 10:00:00")},
        {"id": "a", "reported_at": ms("2026-12-01 09:00:00")},
        {"id": "c", "reported_at": ms("2026-12-02 00:10:00")},
    ]
    with engine.begin() as conn:
        numbering.assign(conn, rows, TZ)
        numbering.assign(conn, more := [{"id": "d", "reported_at": ms("2026-12-01 11:00")}], TZ)
    by_id = {r["id"]: r["number"] for r in [*rows, *more]}
    assert by_id == {
        "a": "20261201-0001",
        "b": "20261201-0002",
        "c": "20261202-0001",
        "d": "20261201-0003",
    }


def test_workers_in_parallel_never_give_the_same_number(engine: Engine) -> None:
    at = ms("2026-12-01 12:00:00")
    got: list[str] = []
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(15):
                rows = [{"id": f"w{n}-{i}-{k}", "reported_at": at} for k in range(3)]
                with engine.begin() as conn:
                    numbering.assign(conn, rows, TZ)
                got.extend(r["number"] for r in rows)
        except BaseException as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(got) == 135 and len(set(got)) == 135
    assert sorted(got) == [f"20261201-{i:04d}" for i in range(1, 136)]


def test_ingest_numbers_new_incidents_and_a_redelivery_keeps_its_number(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine
) -> None:
    first, second = report(), report()
    xadd(r, settings, REPORTS, first, second)
    drain(worker)
    with engine.connect() as conn:
        a = numbering.number_of(conn, first.id)
        b = numbering.number_of(conn, second.id)
    day = numbering.day_of(first.ts, settings.timezone)
    assert {a, b} == {f"{day}-0001", f"{day}-0002"}
    xadd(r, settings, REPORTS, first)  # seen again: still one incident, same number
    drain(worker)
    with engine.connect() as conn:
        assert numbering.number_of(conn, first.id) == a
        assert conn.execute(select(func.count()).select_from(incidents)).scalar_one() == 2
        assert numbering.number_of(conn, "no-such-incident") is None


def test_an_older_store_gets_the_column_and_its_incidents_numbered(tmp_path: Path) -> None:
    engine = store.make_engine(Settings(var_dir=tmp_path))
    store.create_schema(engine)
    with engine.begin() as conn:  # a store from before numbers: no column, rows unnumbered
        conn.execute(text("DROP INDEX ux_incidents_number"))
        conn.execute(text("ALTER TABLE incidents DROP COLUMN number"))
    store.create_schema(engine)
    rep = report(ts=ms("2026-11-30 18:00:00"))
    row = {
        "id": rep.id, "source": "qr", "kind": "complaint", "category": "parking",
        "priority": "normal", "text": "", "photos": "[]", "state": "reported",
        "joint_units": "[]", "reject_reason": "", "resolution": "", "reported_at": rep.ts,
        "due_accept": 0, "due_dispatch": 0, "due_arrive": 0, "due_resolve": 0, "late": "",
        "updated_at": rep.ts,
    }  # fmt: skip
    with engine.begin() as conn:
        conn.execute(incidents.insert(), [row, {**row, "id": rep.id + "x"}])
        assert numbering.backfill(conn, TZ) == 2
        assert numbering.backfill(conn, TZ) == 0
        numbers = conn.execute(select(incidents.c.number).order_by(incidents.c.id)).scalars()
        assert list(numbers) == ["20261130-0001", "20261130-0002"]
    engine.dispose()


def test_red_light_tables_show_the_number_and_link_by_id() -> None:
    from dashboard.figures.tables import late

    rows = [
        {"id": "sim-r-1-x-9", "number": "20261201-0042", "category": "parking",
         "stage": "accept", "late_s": 30, "unit_name": "区应急管理局", "reported_at": None,
         "href": "/incident/sim-r-1-x-9"},
        {"id": "old-1", "number": None, "category": "parking", "stage": "accept",
         "late_s": 5, "unit_name": "", "reported_at": None, "href": "/incident/old-1"},
    ]  # fmt: skip
    table = late("late_now", ("当前超时", "Late now"), {"rows": rows}, "p", "zh", TZ)
    assert [r[0] for r in table.rows] == ["20261201-0042", "old-1"]
    assert table.links == ("/incident/sim-r-1-x-9", "/incident/old-1")
