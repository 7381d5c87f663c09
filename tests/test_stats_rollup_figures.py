"""The rollups the slow figures read (roll_stages_by, roll_outcomes, roll_crowd_hours)
give the figures computed from raw rows, are filled for a store from before them, and
the crowd peaks' hours stay equal to a recount from the minutes."""

from __future__ import annotations

import json
import random
from datetime import date

import redis
from sqlalchemy import Engine, delete, select, update

from feeds import constants as K
from feeds.ingest import Worker
from feeds.minutes.collector import insert_absent
from feeds.reference import Reference
from feeds.settings import Settings
from feeds.stats import (
    compliance,
    fast,
    headline,
    outcomes,
    patrolling,
    rollup,
    satisfaction,
    sensing,
    supervision,
)
from feeds.stats.buckets import bucket, coarse, p90
from feeds.stats.period import Period
from feeds.stats.rollup import crowd
from feeds.stats.sql import number_of_day
from feeds.tables import (
    crowd_zones,
    incident_facts,
    reading_minutes,
    roll_crowd_hours,
    roll_late,
    roll_outcomes,
    roll_stages,
    roll_stages_by,
)
from tests.helpers import drain, xadd
from tests.stats_history import TZ, ms
from tests.test_stats_rollup import random_history, random_patrols

PERIODS = (
    Period.days(date(2026, 3, 1), date(2026, 3, 31), TZ),  # a month: roll_stages_by
    Period.days(date(2026, 2, 27), date(2026, 4, 2), TZ),  # a month and days either side
    Period.days(date(2026, 3, 5), date(2026, 3, 9), TZ),  # days only
    Period.days(date(2026, 3, 1), date(2026, 3, 31), TZ, area="BJ01"),  # a street
)


def _stages(table: dict[str, dict[str, object]]) -> dict[str, tuple[object, object]]:
    return {s: (v["due"], v["on_time"]) for s, v in table.items()}


def test_figures_from_the_rollups_equal_the_raw_rows(
    worker: Worker, reference: Reference, engine: Engine
) -> None:
    h = random_history(reference, seed=5, n=90)
    for i, t0 in enumerate((ms(2026, 3, 3, 23, 59), ms(2026, 3, 9, 8), ms(2026, 3, 9, 9))):
        h.report(f"s{i}", t0, "330108-000001", source="sensor", category="gas_leak")
    h.load(worker)
    for now in (ms(2026, 3, 12), ms(2026, 6, 1)):  # some stages pending past due, then all
        for p in PERIODS:
            raw = Period(p.start, p.end - 1, TZ, area=p.area)  # one ms short: raw rows
            assert outcomes.usable(p) and not outcomes.usable(raw)
            with engine.connect() as conn:
                a, b = satisfaction.satisfaction(conn, p), satisfaction.satisfaction(conn, raw)
                keys = ("mean", "rated", "closed", "share_rated")
                assert {k: a[k] for k in keys} == {k: b[k] for k in keys}
                assert [d["n"] for d in a["distribution"]] == [d["n"] for d in b["distribution"]]
                late = outcomes.late_count(conn, p, now)
                assert late == outcomes.late_count(conn, raw, now)
                assert headline.headline(conn, p, now)["late"] == late
                lp, lr = (supervision.late_in_period(conn, q, now) for q in (p, raw))
                assert lp["n"] == lr["n"] == late
                assert {s: v["n"] for s, v in lp["by_stage"].items()} == {
                    s: v["n"] for s, v in lr["by_stage"].items()
                }
                assert [r["id"] for r in lp["rows"]] == [r["id"] for r in lr["rows"]]
                for k in (1, 20, 50):  # the longest few: roll_late and the open ones
                    top = (supervision.late_in_period(conn, q, now, limit=k) for q in (p, raw))
                    ap, ar = ([(r["id"], r["late_s"]) for r in t["rows"]] for t in top)
                    assert ap == ar and len(ap) == min(k, lp["n"])
                if p.area is None:
                    fu = compliance.compliance(conn, p, now, by="unit")
                    ru = compliance.compliance(conn, raw, now, by="unit")
                    assert {u: _stages(v) for u, v in fu.items()} == {
                        u: _stages(v) for u, v in ru.items()
                    }
                fa, ra = (compliance.compliance(conn, q, now) for q in (p, raw))
                assert _stages(fa) == _stages(ra)
                fc, rc = (compliance.closure(conn, q, now) for q in (p, raw))
                assert _stages(fc) == _stages(rc)
                fs, rs = (sensing.alarms(conn, q)["kinds"] for q in (p, raw))
                assert [(k["kind"], k["days"]) for k in fs] == [(k["kind"], k["days"]) for k in rs]
    assert late > 0 and a["rated"] > 0
    with engine.connect() as conn:
        got = sensing.alarms(conn, PERIODS[2])["kinds"]
    assert [(k["kind"], k["total"]) for k in got] == [("gas_leak", 2)]  # 3 March: before


def test_most_of_a_month_read_as_the_month_less_its_other_days(
    worker: Worker, reference: Reference, engine: Engine
) -> None:
    h = random_history(reference, seed=9, n=90)
    h.load(worker)
    now = ms(2026, 6, 1)
    periods = (
        Period.days(date(2026, 3, 2), date(2026, 3, 31), TZ),  # March less the 1st
        Period.days(date(2026, 3, 3), date(2026, 3, 29), TZ, area="BJ01"),  # a street
        Period.days(date(2026, 2, 26), date(2026, 3, 20), TZ),  # a month's end, most of one
    )
    for p in periods:
        lo, hi = number_of_day(p.first), number_of_day(p.last)
        with engine.connect() as conn:
            rows = conn.execute(select(roll_stages).where(roll_stages.c.day.between(lo, hi)))
            by_hand: dict[tuple[str, str], dict[int, list[int]]] = {}
            for r in rows:
                if p.area and r.street != p.area:
                    continue
                for g in ("", r.priority, r.street):
                    v = by_hand.setdefault((g, r.stage), {}).setdefault(r.bucket, [0, 0])
                    v[0] += r.n
                    v[1] += r.on_time
            for group in ("", "priority", "street"):
                got = fast.stage_table(conn, p, now, group)
                want = {
                    k: (sum(v[0] for v in hist.values()), sum(v[1] for v in hist.values()))
                    for k, hist in by_hand.items()
                    if k[0] == "" or (group == "priority") == (k[0] in ("urgent", "ordinary"))
                }
                want = {k: v for k, v in want.items() if (k[0] == "") == (group == "") and v[0]}
                for row, stage, _unit in fast.pending_late(conn, p, now):  # due, not done
                    g = {"": "", "priority": row["priority"], "street": row["street"]}[group]
                    n, on = want.get((g, stage), (0, 0))
                    want[(g, stage)] = (n + 1, on)
                assert {k: (v["due"], v["on_time"]) for k, v in got.items()} == want
                for k, v in got.items():
                    hist = by_hand.get(k, {})
                    assert v["p90_s"] == p90((b, n) for b, (n, _) in hist.items())
    assert want


def _counted(grid: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in grid.items() if k != "filter"}  # its link holds the period


def test_patrol_coverage_from_the_rollups_equals_the_raw_rows(
    worker: Worker, reference: Reference, engine: Engine, settings: Settings, r: redis.Redis
) -> None:
    walks = random_patrols(reference, seed=6, n=300)
    xadd(r, settings, K.STREAM_PATROLS, *walks)
    drain(worker)
    periods = (
        *PERIODS,
        Period.days(date(2026, 2, 20), date(2026, 4, 10), TZ),  # three months, partly
        Period.days(date(2026, 3, 31), date(2026, 4, 1), TZ, area="BJ01-C01"),  # a community
    )
    for p in periods:
        raw = Period(p.start, p.end - 1, TZ, area=p.area)  # one ms short: raw rows
        assert p.whole_days and not raw.whole_days
        with engine.connect() as conn:
            a, b = patrolling.coverage(conn, p), patrolling.coverage(conn, raw)
            assert [_counted(g) for g in a["grids"]] == [_counted(g) for g in b["grids"]]
            assert (a["no_patrol"], a["coverage"]) == (b["no_patrol"], b["coverage"])
            assert patrolling.days_without_patrol(conn, p) == patrolling.days_without_patrol(
                conn, raw
            )
    assert a["checkins"] > 0 and any(g["visited"] for g in a["grids"])
    with engine.connect() as conn:
        whole = patrolling.coverage(conn, periods[4])
    assert whole["checkins"] == len(walks)
    assert sum(g["visited"] for g in whole["grids"]) == len({w.address for w in walks})


def test_ensure_fills_the_new_rollups_of_an_older_store(
    worker: Worker, reference: Reference, engine: Engine
) -> None:
    h = random_history(reference, seed=11, n=40)
    h.load(worker)
    with engine.connect() as conn:
        expected = rollup.recount(conn, TZ)
    assert expected["roll_late"]
    with engine.begin() as conn:  # a store from before these rollups: facts without "o", "l"
        conn.execute(delete(roll_stages_by))
        conn.execute(delete(roll_outcomes))
        conn.execute(delete(roll_late))
        for iid, js in conn.execute(select(incident_facts)).all():
            old = {k: v for k, v in json.loads(js).items() if k not in ("o", "l")}
            conn.execute(
                update(incident_facts)
                .where(incident_facts.c.incident_id == iid)
                .values(facts=json.dumps(old))
            )
    with engine.begin() as conn:
        done = rollup.ensure(conn, TZ) or ""
    assert "unit and priority rollup filled" in done and "outcomes filled" in done
    assert f"late list filled for {len(expected['roll_late'])} incidents" in done
    with engine.connect() as conn:
        assert rollup.stored(conn) == expected
    # later changes apply their difference to the filled rollups
    more = random_history(reference, seed=12, n=30)
    more.prefix = h.prefix  # the same incidents: rated, resolved, re-routed again
    more.reports = []
    more.load(worker)
    with engine.connect() as conn:
        assert rollup.stored(conn) == rollup.recount(conn, TZ)


def test_crowd_peaks_from_the_hours_equal_the_minutes(engine: Engine) -> None:
    rng = random.Random(4)
    with engine.connect() as conn:
        zones = sorted(z for (z,) in conn.execute(select(crowd_zones.c.code)))[:3]
    start = ms(2026, 8, 1, 18) // 60_000
    rows = [
        {
            "key": f"zone:{z}",
            "minute": start + i,
            "kind": "crowd",
            "n": 6,
            "min": 0.0,
            "max": float(rng.choice((100, 250, 250, 400, rng.randrange(1000)))),  # ties too
            "mean": 1.0,
        }
        for z in zones
        for i in range(300)
    ]
    with engine.begin() as conn:
        conn.execute(delete(reading_minutes))
        conn.execute(delete(roll_crowd_hours))
    rng.shuffle(rows)
    for i in range(0, len(rows), 170):  # in batches, each also written again
        with engine.begin() as conn:
            insert_absent(conn, rows[i : i + 170])
            insert_absent(conn, rows[i : i + 85])
    with engine.connect() as conn:
        assert crowd.stored(conn) == crowd.recount(conn)
        for a, b in ((0, 300), (7, 293), (61, 119), (65, 70), (0, 59)):
            p = Period((start + a) * 60_000 + 123, (start + b) * 60_000, TZ)
            got = {r["zone"]: (r["peak"], r["at"]) for r in sensing.crowd_peaks(conn, p)}
            lo, hi = p.start // 60_000, (p.end - 1) // 60_000
            for z in zones:
                mine = [r for r in rows if r["key"] == f"zone:{z}" and lo <= r["minute"] <= hi]
                top = max(r["max"] for r in mine)
                first = min(r["minute"] for r in mine if r["max"] == top)
                assert got[z] == (top, first * 60_000)
    with engine.begin() as conn:  # a store from before the rollup: filled at start
        conn.execute(delete(roll_crowd_hours))
    with engine.begin() as conn:
        assert "crowd peaks filled" in (rollup.ensure(conn, TZ) or "")
    with engine.connect() as conn:
        assert crowd.stored(conn) == crowd.recount(conn)
        assert crowd.stored(conn)
    with engine.begin() as conn:
        conn.execute(delete(reading_minutes))


def test_coarse_buckets_keep_the_p90_at_or_above_the_true_one() -> None:
    rng = random.Random(2)
    for _ in range(200):
        secs = [int(rng.expovariate(1 / rng.choice((60, 900, 20_000, 200_000)))) for _ in range(30)]
        fine = p90([(bucket(s), 1) for s in secs])
        rough = p90([(coarse(bucket(s)), 1) for s in secs])
        assert fine is not None and rough is not None and fine <= rough
        assert rough - fine < max(10, fine // 5)  # within one coarse bucket
