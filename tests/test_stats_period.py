"""Periods, comparisons, and local days/hours in SQL (floored, on SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import Engine

from feeds.ingest import Worker
from feeds.reference import Reference
from feeds.stats import counts, links
from feeds.stats.period import Period, compare, last_year, parse, preset, previous
from tests.stats_history import TZ, History, ms

NOW = ms(2026, 3, 18, 14, 25)  # a Wednesday


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [
        ("yesterday", date(2026, 3, 17), date(2026, 3, 17)),
        ("this_week", date(2026, 3, 16), date(2026, 3, 18)),
        ("this_month", date(2026, 3, 1), date(2026, 3, 18)),
        ("last_month", date(2026, 2, 1), date(2026, 2, 28)),
    ],
)
def test_presets(name: str, first: date, last: date) -> None:
    p = preset(name, NOW, TZ)  # type: ignore[arg-type]
    assert (p.first, p.last, p.whole_days) == (first, last, True)


def test_today_runs_to_now_and_compares_with_the_same_hours() -> None:
    p = preset("today", NOW, TZ)
    assert (p.start, p.end, p.whole_days) == (ms(2026, 3, 18), NOW, False)
    prev = previous(p)
    assert (prev.start, prev.end) == (ms(2026, 3, 17), ms(2026, 3, 17, 14, 25))
    ly = last_year(p)
    assert (ly.start, ly.end) == (ms(2025, 3, 18), ms(2025, 3, 18, 14, 25))


def test_previous_and_last_year_of_whole_days() -> None:
    feb = parse("2026-02", NOW, TZ)
    assert (previous(feb).first, previous(feb).last) == (date(2026, 1, 4), date(2026, 1, 31))
    leap = Period.days(date(2028, 2, 29), date(2028, 2, 29), TZ, area="BJ01")
    assert last_year(leap).first == date(2027, 2, 28)
    assert previous(leap).area == "BJ01" and last_year(leap).area == "BJ01"
    assert parse("2026-03-01,2026-03-05", NOW, TZ).n_days == 5
    with pytest.raises(ValueError, match="not a period"):
        parse("March", NOW, TZ)
    with pytest.raises(ValueError, match="before it starts"):
        Period.days(date(2026, 3, 5), date(2026, 3, 1), TZ)


def test_compare() -> None:
    assert compare(120, 100, 80) == {
        "value": 120,
        "previous": 100,
        "last_year": 80,
        "change": 20,
        "pct": 20.0,
        "change_ly": 40,
        "pct_ly": 50.0,
    }
    assert compare(5, 0, None)["pct"] is None and compare(5, 0, None)["change_ly"] is None


def test_sql_local_days_and_hours_are_floored(
    worker: Worker, reference: Reference, engine: Engine
) -> None:
    """A report at 23:40 local is that day's and hour 23 (PostgreSQL rounds "/" + cast)."""
    h = History(reference, f"pd{uuid.uuid4().hex[:6]}")
    h.report("late", ms(2026, 3, 10, 23, 40), "330108-000001")
    h.report("noon", ms(2026, 3, 10, 12, 59), "330108-000001")
    h.load(worker)
    whole = Period.days(date(2026, 3, 10), date(2026, 3, 11), TZ)
    raw = Period(whole.start, whole.end - 1, TZ)  # not whole days: read from raw rows
    with engine.connect() as conn:
        for p in (whole, raw):
            assert [d["n"] for d in counts.daily(conn, p)] == [2, 0]
            hours = counts.hourly(conn, p)
            assert (hours[12]["n"], hours[13]["n"], hours[23]["n"]) == (1, 0, 1)
        from feeds import queries

        f = links.filters(hours[23]["filter"], TZ)
        assert queries.count_incidents(conn, f, NOW) == 1
