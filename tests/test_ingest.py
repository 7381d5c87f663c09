from __future__ import annotations

import json

import redis
from sqlalchemy import Engine, func, select

from feeds import constants as K
from feeds import store
from feeds.clock import day_key, day_start
from feeds.ingest import Worker
from feeds.ingest.actions import recheck_parked
from feeds.live import Live
from feeds.settings import Settings
from feeds.tables import dead_letters, incident_events, incidents
from layers.district import District
from tests.helpers import ACTIONS, REPORTS, action, drain, report, xadd


def count(engine: Engine, table: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def a_building(district: District, n: int = 0) -> tuple[str, str]:
    b = district.buildings.iloc[n]
    return str(b.code), str(b.micro_grid)


def test_report_becomes_incident_with_trail_and_live_state(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine, district: District
) -> None:
    code, micro = a_building(district)
    rep = report(address=code, lon=None, lat=None, contact="13800001111")
    xadd(r, settings, REPORTS, rep)
    assert drain(worker) == 1

    with engine.connect() as conn:
        row = store.load_incidents(conn, [rep.id])[rep.id]
        trail = store.trail(conn, rep.id)
    assert row["state"] == "reported"
    assert row["micro_grid"] == micro
    assert row["street"] == micro.split("-")[0]
    assert row["suggested_unit"] is not None
    assert row["due_accept"] == rep.ts + 60_000
    assert [t["action"] for t in trail] == ["report"]

    live = Live(r, settings)
    open_ = live.open_incidents()
    assert open_[rep.id]["stage"] == "accept"
    assert "13800001111" not in json.dumps(open_)  # personal data stays off the wall
    assert live.grid_values([micro], rep.ts)[micro] == [1, 1]
    board = live.board(rep.ts)
    assert board["accept"]["n"] == 1 and board["accept"]["green"] == 1
    assert r.xpending(settings.key(REPORTS), K.GROUP)["pending"] == 0


def test_replayed_entry_creates_no_duplicate(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine, district: District
) -> None:
    code, micro = a_building(district, 5)
    rep = report(address=code)
    xadd(r, settings, REPORTS, rep, rep)
    drain(worker)
    xadd(r, settings, REPORTS, rep)
    drain(worker)
    assert count(engine, incidents) == 1
    assert count(engine, incident_events) == 1
    assert Live(r, settings).grid_values([micro], rep.ts)[micro] == [1, 1]


def test_malformed_entries_go_to_dead_letters_and_good_ones_are_applied(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine
) -> None:
    good1, good2 = report(), report()
    bad_fields = {
        "id": "bad-1",
        "source": "qr",
        "kind": "complaint",
        "category": "parking",
        "ts": "yesterday",
        "lon": "120.2",
        "lat": "30.2",
    }
    xadd(
        r,
        settings,
        REPORTS,
        good1,
        bad_fields,
        {"garbage": "\x00\xff<script>"},
        good2,
        report(category="no-such-thing"),
        report(address="NOPE-1", lon=None, lat=None),
    )
    assert drain(worker) == 6
    assert count(engine, incidents) == 2
    dead = r.xrange(settings.key(K.STREAM_DEAD))
    reasons = [f["reason"] for _, f in dead]
    assert len(reasons) == 4
    assert any("$.ts" in x for x in reasons)
    assert any("unknown category" in x for x in reasons)
    assert any("unknown address code" in x for x in reasons)
    assert json.loads(dead[0][1]["fields"]) == bad_fields
    assert count(engine, dead_letters) == 4
    assert r.xpending(settings.key(REPORTS), K.GROUP)["pending"] == 0


def test_actions_move_the_incident_and_ordinary_matters_are_routed_by_rule(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine
) -> None:
    rep = report(priority="ordinary", category="property")
    # the rating (16 minutes on) on the report's local day, whatever the hour the test runs
    if rep.ts + 950_000 >= day_start(rep.ts, settings.timezone) + 86_400_000:
        rep = report(priority="ordinary", category="property", ts=rep.ts - 1_000_000)
    xadd(r, settings, REPORTS, rep)
    drain(worker)
    xadd(r, settings, ACTIONS, action(rep.id, "accept", ts=rep.ts + 20_000))
    drain(worker)
    with engine.connect() as conn:
        row = store.load_incidents(conn, [rep.id])[rep.id]
        trail = [t["action"] for t in store.trail(conn, rep.id)]
    assert row["state"] == "dispatched"
    assert row["unit"] == row["suggested_unit"]
    assert trail == ["report", "accept", "assign"]
    assert Live(r, settings).open_incidents()[rep.id]["stage"] == "arrive"

    xadd(
        r,
        settings,
        ACTIONS,
        action(rep.id, "arrive", ts=rep.ts + 200_000),
        action(rep.id, "accept", ts=rep.ts + 300_000),  # illegal now: dead letter, rest applies
        action(rep.id, "resolve", note="已清理", ts=rep.ts + 900_000),
        action(rep.id, "rate", rating=5, ts=rep.ts + 950_000),
    )
    drain(worker)
    with engine.connect() as conn:
        row = store.load_incidents(conn, [rep.id])[rep.id]
    assert row["state"] == "closed" and row["rating"] == 5 and row["resolution"] == "已清理"
    assert rep.id not in Live(r, settings).open_incidents()
    reasons = [f["reason"] for _, f in r.xrange(settings.key(K.STREAM_DEAD))]
    assert reasons == ["cannot accept an incident that is on_site"]
    head = Live(r, settings).headline(rep.ts)
    assert head["satisfaction"] == 5 and head["ratings"] == 1


def test_urgent_matters_wait_for_an_officer(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine
) -> None:
    rep = report(priority="urgent", category="safety")
    xadd(r, settings, REPORTS, rep)
    drain(worker)
    xadd(r, settings, ACTIONS, action(rep.id, "accept"))
    drain(worker)
    with engine.connect() as conn:
        assert store.load_incidents(conn, [rep.id])[rep.id]["state"] == "accepted"


def test_action_on_unknown_incident_or_unit_is_dead_lettered(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine
) -> None:
    rep = report(priority="urgent")
    xadd(r, settings, REPORTS, rep)
    drain(worker)
    xadd(r, settings, ACTIONS, action("nope", "accept"), action(rep.id, "dispatch", unit="NO-UNIT"))
    drain(worker)
    reasons = sorted(f["reason"] for _, f in r.xrange(settings.key(K.STREAM_DEAD)))
    assert reasons == ["unknown unit NO-UNIT"]  # at once: it can never become valid
    # the unknown incident's report may still come: it waits, then is dead-lettered
    start = worker.clock()
    worker.clock = lambda: start + K.PARK_MAX_WAIT_S * 1000 + 1
    recheck_parked(worker)
    reasons = sorted(f["reason"] for _, f in r.xrange(settings.key(K.STREAM_DEAD)))
    assert reasons == [
        "unknown incident nope: waited 10 min for its report",
        "unknown unit NO-UNIT",
    ]


def test_replayed_action_is_applied_once(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine
) -> None:
    rep = report(priority="urgent")
    xadd(r, settings, REPORTS, rep)
    drain(worker)
    acc = action(rep.id, "accept")
    xadd(r, settings, ACTIONS, acc, acc)
    drain(worker)
    xadd(r, settings, ACTIONS, acc)
    drain(worker)
    assert count(engine, incident_events) == 2
    assert r.xlen(settings.key(K.STREAM_DEAD)) == 0


def test_sweep_marks_late_incidents_once(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine
) -> None:
    rep = report()
    xadd(r, settings, REPORTS, rep)
    drain(worker)
    worker.clock = lambda: rep.ts + 61_000
    assert worker.sweep() == 1
    assert worker.sweep() == 0
    with engine.connect() as conn:
        row = store.load_incidents(conn, [rep.id])[rep.id]
        trail = store.trail(conn, rep.id)
    assert row["late"] == "accept"
    assert trail[-1]["action"] == "overdue"
    board = Live(r, settings).board(rep.ts + 61_000)
    assert board["accept"]["red"] == 1
    # once accepted, the next stage's deadline is watched again
    xadd(r, settings, ACTIONS, action(rep.id, "accept", ts=rep.ts + 70_000))
    drain(worker)
    worker.clock = lambda: rep.ts + 181_000
    assert worker.sweep() == 0  # ordinary: routed by rule on accept, now waiting to arrive
    worker.clock = lambda: rep.ts + 301_000
    assert worker.sweep() == 1


def test_rolling_hour_forgets_reports_older_than_an_hour_once(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine, district: District
) -> None:
    code, micro = a_building(district, 9)
    t0 = report().ts
    # both reports on one local day, whatever the time the test runs at (after 23:29 the
    # second would be tomorrow's, and today's count 1)
    if t0 + 31 * 60_000 >= day_start(t0, settings.timezone) + 86_400_000:
        t0 -= 31 * 60_000
    xadd(
        r, settings, REPORTS, report(address=code, ts=t0), report(address=code, ts=t0 + 30 * 60_000)
    )
    drain(worker)
    live = Live(r, settings)
    live.roll_hour(t0)  # first call only records where the window starts
    assert live.grid_values([micro], t0)[micro] == [2, 2]
    assert live.roll_hour(t0 + 61 * 60_000) == {micro}
    assert live.roll_hour(t0 + 61 * 60_000) == set()  # a second worker subtracts nothing
    assert live.grid_values([micro], t0 + 61 * 60_000)[micro][0] == 1
    worker.clock = lambda: t0 + 61 * 60_000
    worker.reconcile()  # SQL agrees
    assert live.grid_values([micro], t0 + 61 * 60_000)[micro][0] == 1


def test_worker_recreates_a_vanished_group_and_goes_on(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine
) -> None:
    import threading

    r.delete(*(settings.key(s) for s in K.INPUT_STREAMS))
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,))
    thread.start()
    try:
        rep = report()
        xadd(r, settings, REPORTS, rep)
        while count(engine, incidents) == 0:
            assert thread.is_alive(), "the worker died"
            thread.join(0.05)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def test_a_report_older_than_the_rolling_hour_counts_for_the_day_not_the_hour(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine, district: District
) -> None:
    code, micro = a_building(district, 7)
    drain(worker)
    worker.sweep()  # the rolling hour has been rolled up to an hour ago
    now = worker.clock()
    old = report(address=code, lon=None, lat=None, ts=now - 80 * 60_000)
    fresh = report(address=code, lon=None, lat=None, ts=now - 60_000)
    xadd(r, settings, REPORTS, old, fresh)
    drain(worker)
    # those of the two on the local day of now (just after midnight, even the fresh one is
    # yesterday's)
    today = sum(
        day_key(e.ts, settings.timezone) == day_key(now, settings.timezone) for e in (old, fresh)
    )
    assert Live(r, settings).grid_values([micro], now)[micro] == [1, today]
    worker.reconcile()  # and SQL agrees
    assert Live(r, settings).grid_values([micro], now)[micro] == [1, today]
