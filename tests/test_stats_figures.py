"""Figures on a small hand-built history (tests/stats_history.py), through the real
ingest worker into real SQL; every expected value is worked out by hand below."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import Engine, delete, select

from feeds import queries
from feeds.ingest import Worker
from feeds.reference import Reference
from feeds.stats import (
    compliance,
    counts,
    league,
    links,
    places,
    residents,
    satisfaction,
    supervision,
)
from feeds.stats.period import Period
from feeds.tables import area_residents, incidents
from tests.stats_history import TZ, History, ms

B1 = "330108-000001"  # 文湾花园1幢, street BJ01
B2 = "330108-000002"
A, B, C, D = "BJ01-LE1", "BJ01-LE2", "BJ01-GW", "BJ01-LE3"
NOW = ms(2026, 6, 1)  # long after: every deadline in the history has passed
DAY_A = Period.days(date(2026, 3, 10), date(2026, 3, 10), TZ)


@pytest.fixture
def history(worker: Worker, reference: Reference, engine: Engine) -> History:
    with engine.begin() as conn:
        conn.execute(delete(area_residents))
    h = History(reference, f"st{uuid.uuid4().hex[:6]}")
    # A. Tue 2026-03-10, ten ordinary neighbour reports at B1 from 09:00, one a minute.
    # Accepted after 10, 20 ... 100 s (the rule assigns them at once: dispatch = accept);
    # on site after 130, 160 ... 400 s. Not resolved.
    for k in range(1, 11):
        t0 = ms(2026, 3, 10, 9, k)
        iid = h.report(f"a{k}", t0, B1)
        h.act(iid, "accept", t0 + 10_000 * k)
        h.act(iid, "arrive", t0 + (100 + 30 * k) * 1000)
    # B. the same day, urgent environment at B1, dispatched by hand to unit A, re-routed.
    x = h.report("x", ms(2026, 3, 10, 14), B1, category="environment", priority="urgent")
    h.act(x, "dispatch", ms(2026, 3, 10, 14, 2), unit=A)
    h.act(x, "reassign", ms(2026, 3, 10, 14, 6), unit=B, note="退单：非本中队辖区")
    h.act(x, "arrive", ms(2026, 3, 10, 14, 9))
    h.act(x, "resolve", ms(2026, 3, 10, 15), note="已清理")
    y = h.report("y", ms(2026, 3, 10, 14, 10), B1, category="environment", priority="urgent")
    h.act(y, "dispatch", ms(2026, 3, 10, 14, 10, 30), unit=A)
    h.act(y, "reassign", ms(2026, 3, 10, 14, 13), unit=B)
    h.act(y, "arrive", ms(2026, 3, 10, 14, 14, 30))
    # C. Wed 2026-03-11: unit C gets 12 urgent safety reports (10 resolved in an hour, 2
    # after 25 hours), unit D 3 (all in an hour).
    for k in range(15):
        t0 = ms(2026, 3, 11, 8, 2 * k)
        unit = C if k < 12 else D
        iid = h.report(f"c{k}", t0, B2, category="safety", priority="urgent", source="hotline")
        h.act(iid, "dispatch", t0 + 30_000, unit=unit)
        h.act(iid, "arrive", t0 + 200_000)
        h.act(iid, "resolve", t0 + (25 if k in (10, 11) else 1) * 3_600_000)
        if k < 5:
            h.act(iid, "rate", t0 + 2 * 3_600_000 * 13, rating=k + 1, note=f"评价{k + 1}")
    # D. Working-day closure (ordinary: 3 working days on the 2026 calendar).
    # Fri 03-13 10:00 -> due Wed 03-18 10:00 (the weekend skipped); resolved Tue: on time.
    # Fri 03-13 11:00 -> due Wed 03-18 11:00; resolved Thu 03-19: late.
    # Thu 04-02 10:00 -> Fri 03, Qingming 04-06 off, Tue 07, Wed 08: due Wed 04-08 10:00;
    #   resolved Tue 04-07 15:00: on time (Monday-to-Friday alone would make it late).
    # Thu 05-07 10:00 -> Fri 08, Sat 09 (make-up working day), Mon 11: due Mon 05-11
    #   10:00; resolved Mon 12:00: late (Monday-to-Friday alone would make it on time).
    for name, t0, done in (
        ("w1", ms(2026, 3, 13, 10), ms(2026, 3, 17, 16)),
        ("w2", ms(2026, 3, 13, 11), ms(2026, 3, 19, 9)),
        ("h1", ms(2026, 4, 2, 10), ms(2026, 4, 7, 15)),
        ("m1", ms(2026, 5, 7, 10), ms(2026, 5, 11, 12)),
    ):
        iid = h.report(name, t0, B2, category="parking")
        h.act(iid, "dispatch", t0 + 60_000, unit=A)
        h.act(iid, "resolve", done)
    # E. Thu 2026-03-12: three environment and two parking reports at B2 (repeat places).
    for k in range(5):
        cat = "environment" if k < 3 else "parking"
        h.report(f"e{k}", ms(2026, 3, 12, 10 + k), B2, category=cat, source="patrol")
    h.load(worker)
    return h


def test_due_dates_follow_the_working_calendar(history: History, engine: Engine) -> None:
    with engine.connect() as conn:
        due = dict(
            conn.execute(
                select(incidents.c.id, incidents.c.due_resolve).where(
                    incidents.c.id.like(history.prefix + "-%")
                )
            ).all()
        )
    p = history.prefix
    assert due[f"{p}-w1"] == ms(2026, 3, 18, 10)
    assert due[f"{p}-h1"] == ms(2026, 4, 8, 10)
    assert due[f"{p}-m1"] == ms(2026, 5, 11, 10)
    assert due[f"{p}-x"] == ms(2026, 3, 11, 14)  # urgent: 24 hours


def test_compliance_shares_and_p90(history: History, engine: Engine) -> None:
    with engine.connect() as conn:
        c = compliance.compliance(conn, DAY_A, NOW)
    # accept: 10 ordinary (10..100 s, 6 within 60 s) + x (120 s, late) + y (30 s) = 12
    assert c["accept"]["due"] == 12
    assert c["accept"]["on_time"] == 7
    # durations 10,20,...,100,120,30 -> sorted, the 11th of 12 (ceil(0.9*12)) is 100
    assert c["accept"]["p90_s"] == 100
    # arrive: 130..400 (6 within 300) + x 540 (late) + y 270 = 12, 7 on time
    assert c["arrive"]["due"] == 12
    assert c["arrive"]["on_time"] == 7
    assert c["arrive"]["share"] == pytest.approx(7 / 12)
    assert c["arrive"]["p90_s"] == 400  # 11th of [130..400, 270, 540] sorted
    # resolve: the ten ordinary ones are past their 3 working days at NOW (pending,
    # late), y is past its 24 h, x was resolved within the hour
    # x's 3600 s falls in the rollup's minute bucket [3600, 3660), reported as its last
    # second (never below the true value); the raw rows give it exactly
    assert c["resolve"] == {**c["resolve"], "due": 12, "on_time": 1, "p90_s": 3659}
    with engine.connect() as conn:
        raw = compliance.compliance(conn, Period(DAY_A.start, DAY_A.end - 1, TZ), NOW)
    assert raw["resolve"]["p90_s"] == 3600
    assert {s: (v["due"], v["on_time"]) for s, v in raw.items()} == {
        s: (v["due"], v["on_time"]) for s, v in c.items()
    }
    assert raw["accept"]["p90_s"] == c["accept"]["p90_s"] == 100
    with engine.connect() as conn:
        listed = queries.count_incidents(conn, queries_filters(c["arrive"]["filter"]), NOW)
    assert listed == 5  # the 4 late of the ten, and x


def queries_filters(link: dict[str, str]) -> queries.Filters:
    return links.filters(link, TZ)


def test_delay_charged_to_the_unit_that_held_it(history: History, engine: Engine) -> None:
    with engine.connect() as conn:
        by_unit = compliance.compliance(conn, DAY_A, NOW, by="unit")
        table = league.league(conn, DAY_A, NOW, min_sample=1)
    # x: A held it when its arrive deadline (14:05) passed, B arrived at 14:09
    assert by_unit[A]["arrive"] | {"filter": None} == {
        "due": 1,
        "on_time": 0,
        "share": 0.0,
        "p90_s": 540,
        "filter": None,
    }
    # y: re-routed to B at 14:13, B on site at 14:14:30 (270 s); x resolved by B
    assert by_unit[B]["arrive"]["due"] == 1
    assert by_unit[B]["arrive"]["on_time"] == 1
    assert by_unit[B]["resolve"]["on_time"] == 1
    rows = {r["unit"]: r for r in table["rows"]}
    assert rows[A]["assigned"] == 0 and rows[A]["held"] == 2
    assert rows[A]["stages"]["arrive"]["late"] == 1
    assert rows[B]["assigned"] == 2 and rows[B]["closed"] == 1
    assert rows[B]["stages"]["arrive"]["late"] == 0


def test_league_needs_the_minimum_sample(history: History, engine: Engine) -> None:
    p = Period.days(date(2026, 3, 11), date(2026, 3, 11), TZ)
    with engine.connect() as conn:
        table = league.league(conn, p, NOW, min_sample=10)
    rows = {r["unit"]: r for r in table["rows"]}
    assert rows[C]["assigned"] == 12
    assert rows[C]["on_time_rate"] == pytest.approx(10 / 12)
    assert rows[C]["closure_rate"] == 1.0
    assert rows[C]["rank"] == 1
    assert rows[D]["on_time_rate"] == 1.0  # better, but only 3: not ranked
    assert rows[D]["rank"] is None and not rows[D]["ranked"]
    assert table["rows"][0]["unit"] == C
    assert rows[C]["rating_mean"] == pytest.approx(3.0)  # ratings 1..5


def test_working_day_closure(history: History, engine: Engine) -> None:
    p = Period.days(date(2026, 3, 13), date(2026, 5, 31), TZ)
    with engine.connect() as conn:
        cl = compliance.closure(conn, p, NOW)
    assert cl["ordinary"]["due"] == 4
    assert cl["ordinary"]["on_time"] == 2  # w1 and h1
    assert cl["ordinary"]["share"] == 0.5
    assert cl["urgent"]["due"] == 0


def test_counts_rankings_and_repeat_places(history: History, engine: Engine) -> None:
    p = Period.days(date(2026, 3, 10), date(2026, 3, 12), TZ)
    with engine.connect() as conn:
        residents.seed(conn)
        total = counts.total(conn, p)
        by_source = {r["key"]: r["n"] for r in counts.by(conn, p, "source")}
        rank = counts.ranking(conn, p, "street")
        hours = counts.hourly(conn, p)
        rep = places.repeats(conn, p, "building", threshold=3)
        sat = satisfaction.satisfaction(conn, p)
    assert total["n"] == 10 + 2 + 15 + 5
    assert by_source == {"qr": 12, "hotline": 15, "patrol": 5}
    top = rank["rows"][0]
    assert top["code"] == "BJ01" and top["n"] == 32
    assert top["per_10k"] == pytest.approx(32 * 10_000 / top["residents"])
    assert "synthetic" in rank["residents_source"]
    assert [h["n"] for h in hours][8:15] == [15, 10, 1, 1, 1, 1, 3]  # C, A, E..., x+y+E
    assert [(r["code"], r["category"], r["n"]) for r in rep] == [
        (B2, "safety", 15),
        (B1, "neighbour", 10),
        (B2, "environment", 3),
    ]
    assert sat["rated"] == 5 and sat["mean"] == 3.0
    assert [d["n"] for d in sat["distribution"]] == [1, 1, 1, 1, 1]


def test_red_lights(history: History, engine: Engine) -> None:
    with engine.connect() as conn:
        now = supervision.late_now(conn, NOW)
        period = supervision.late_in_period(conn, DAY_A, NOW)
    mine = [r for r in now["rows"] if r["id"].startswith(history.prefix)]
    # open and late at NOW: the ten on site since March (resolve overdue), y, and the
    # five of E never accepted
    assert len(mine) == 16
    assert mine[0]["late_s"] >= mine[-1]["late_s"]
    y = next(r for r in mine if r["id"].endswith("-y"))
    assert y["unit"] == B and y["unit_name"].startswith("江澄街道")
    assert period["n"] == 12
    assert period["by_stage"]["accept"]["n"] == 5  # four of the ten, and x


def test_headline_from_rollups_matches_the_raw_figures(history: History, engine: Engine) -> None:
    from feeds.stats import headline

    with engine.connect() as conn:
        h = headline.headline(conn, DAY_A, NOW)
        raw = compliance.compliance(conn, DAY_A, NOW)
        late = supervision.late_in_period(conn, DAY_A, NOW)
    assert h["n"] == 12
    assert h["accept"] == pytest.approx(7 / 12)  # as worked out above
    assert h["arrive"] == pytest.approx(raw["arrive"]["share"])
    assert h["resolve"] == pytest.approx(1 / 12)
    assert h["closure_urgent"] == pytest.approx(1 / 2)  # x on time, y overdue
    assert h["closure_ordinary"] == 0.0
    assert h["late"] == late["n"] == 12


def test_rollups_and_raw_rows_give_the_same_figures(history: History, engine: Engine) -> None:
    """Whole-day periods read the rollups; the same period one ms short reads raw rows."""
    for first, last in ((date(2026, 3, 10), date(2026, 3, 12)), (date(2026, 3, 11),) * 2):
        rolled = Period.days(first, last, TZ)
        raw = Period(rolled.start, rolled.end - 1, TZ)
        with engine.connect() as conn:
            for dim in ("source", "kind", "category", "priority"):
                a = [(r["key"], r["n"]) for r in counts.by(conn, rolled, dim)]
                assert a == [(r["key"], r["n"]) for r in counts.by(conn, raw, dim)]
            assert [h["n"] for h in counts.hourly(conn, rolled)] == [
                h["n"] for h in counts.hourly(conn, raw)
            ]
            assert [(r["code"], r["n"]) for r in counts.ranking(conn, rolled, "grid")["rows"]] == [
                (r["code"], r["n"]) for r in counts.ranking(conn, raw, "grid")["rows"]
            ]
            fast_l = {r["unit"]: r for r in league.league(conn, rolled, NOW, 1)["rows"]}
            raw_l = {r["unit"]: r for r in league.league(conn, raw, NOW, 1)["rows"]}
            keys = ("assigned", "closed", "on_time", "held", "rated", "rating_mean", "rank")
            for unit, row in raw_l.items():
                assert {k: fast_l[unit][k] for k in keys} == {k: row[k] for k in keys}
                for st in ("arrive", "resolve"):
                    f, r_ = fast_l[unit]["stages"][st], row["stages"][st]
                    assert (f["charged"], f["late"]) == (r_["charged"], r_["late"])
            by_street = compliance.compliance(conn, rolled, NOW, by="street")
            raw_street = compliance.compliance(conn, raw, NOW, by="street")
            assert {k: {s: v[s]["due"] for s in v} for k, v in by_street.items()} == {
                k: {s: v[s]["due"] for s in v} for k, v in raw_street.items()
            }


def test_month_rollup_composes_with_days(history: History, engine: Engine) -> None:
    """March read from the month rollup, and 1 March - 1 April (a month and a day) from
    both, agree with the raw rows."""
    from feeds.stats.fast import spans

    march = Period.days(date(2026, 3, 1), date(2026, 3, 31), TZ)
    longer = Period.days(date(2026, 2, 27), date(2026, 4, 2), TZ)
    assert spans(march)[0] and not spans(march)[1]
    assert len(spans(longer)[0]) == 1 and len(spans(longer)[1]) == 2
    with engine.connect() as conn:
        for p in (march, longer):
            fast_c = compliance.compliance(conn, p, NOW)
            raw_c = compliance.compliance(conn, Period(p.start, p.end - 1, TZ), NOW)
            assert {s: (v["due"], v["on_time"]) for s, v in fast_c.items()} == {
                s: (v["due"], v["on_time"]) for s, v in raw_c.items()
            }
            assert fast_c["accept"]["p90_s"] == raw_c["accept"]["p90_s"]
