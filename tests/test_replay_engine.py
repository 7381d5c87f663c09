"""Replay against real SQL fed by a real worker: the state rebuilt at the present equals
the live wall's, and stepping forward equals seeking."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis
from sqlalchemy import Engine, delete

from feeds.clock import day_start, now_ms
from feeds.ingest import Worker
from feeds.live import Live
from feeds.minutes.collector import insert_absent
from feeds.reference import Reference
from feeds.replay.engine import Fixed, Replay
from feeds.settings import Settings
from feeds.sla import SlaPolicy
from feeds.tables import reading_minutes
from layers.district import District
from tests.helpers import ACTIONS, REPORTS, action, drain, report, xadd

S = 1000
COMPARED = ("grids", "incidents", "board", "compliance")


@pytest.fixture
def history(engine: Engine) -> Iterator[Engine]:
    with engine.begin() as conn:
        conn.execute(delete(reading_minutes))
    yield engine
    with engine.begin() as conn:
        conn.execute(delete(reading_minutes))


@pytest.fixture
def now(settings: Settings) -> int:
    """These tests' present: now, or 23:00 yesterday (local) while today is under 45
    minutes old, so that there are always 40 minutes of one local day to replay."""
    t = now_ms()
    today = day_start(t, settings.timezone)
    return t if t - today >= 45 * 60 * S else today - 3600 * S


@pytest.fixture
def worker(
    settings: Settings,
    r: redis.Redis,
    engine: Engine,
    reference: Reference,
    policy: SlaPolicy,
    now: int,
) -> Worker:
    """The test's worker (conftest's), on the tests' own clock."""
    w = Worker(settings, r, engine, reference, policy, clock=lambda: now)
    w.ensure_groups()
    w.read_own_pending = False
    return w


def a_day(worker: Worker, r: redis.Redis, settings: Settings, district: District, now: int) -> int:
    """Reports and actions over the 40 minutes before now, through the worker; their start."""
    start = now - 40 * 60 * S
    span = now - 10 * S - start
    b = district.buildings
    reps = [
        report(address=b.iloc[k % 7].code, lon=None, lat=None, ts=start + span * k // 12)
        for k in range(12)
    ]
    xadd(r, settings, REPORTS, *reps)
    drain(worker)
    u = "BJ01-LE1"
    acts = [
        action(reps[0].id, "accept", ts=reps[0].ts + 30 * S),
        action(reps[0].id, "dispatch", ts=reps[0].ts + 60 * S, unit=u),
        action(reps[0].id, "arrive", ts=reps[0].ts + 200 * S),
        action(reps[0].id, "resolve", ts=reps[0].ts + 400 * S),
        action(reps[0].id, "rate", ts=reps[0].ts + 500 * S, rating=4),
        action(reps[1].id, "accept", ts=reps[1].ts + 150 * S),  # late
        action(reps[2].id, "reject", ts=reps[2].ts + 20 * S, reason="重复"),
        action(reps[3].id, "dispatch", ts=reps[3].ts + 40 * S, unit=u),
        action(reps[3].id, "arrive", ts=reps[3].ts + 90 * S),
        action(reps[3].id, "reassign", ts=reps[3].ts + 120 * S, unit="BJ01-LE2"),
        action(reps[4].id, "escalate", ts=reps[4].ts + 10 * S, units=("BJ01-GW",)),
    ]
    acts = [a for a in acts if a.ts < now]
    xadd(r, settings, ACTIONS, *acts)
    drain(worker)
    return start


def fixed(engine: Engine) -> Fixed:
    with engine.connect() as conn:
        return Fixed.load(conn)


def test_replay_at_the_present_equals_the_live_wall(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine, district: District, now: int
) -> None:
    start = a_day(worker, r, settings, district, now)
    worker.clock = lambda: now // 60_000 * 60_000  # replay's compliance is a minute's
    worker.sweep()  # today's compliance, as the live wall has it
    worker.clock = lambda: now
    live = Live(r, settings).snapshot(now)
    replay = Replay(engine, fixed(engine), settings.timezone)
    snap = replay.snapshot(replay.seek(now))
    assert set(snap) == set(live)
    for key in COMPARED:
        assert snap[key] == live[key], key
    for key in ("reports", "open", "late", "satisfaction", "ratings"):
        assert snap["headline"][key] == live["headline"][key], key
    assert snap["headline"]["reports"] == 12 and snap["headline"]["ratings"] == 1
    # and at a moment in the past: before the first report, nothing
    before = replay.snapshot(replay.seek(start - 1))
    assert before["incidents"] == {} and before["headline"]["reports"] == 0


def test_stepping_forward_equals_seeking(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine, district: District, now: int
) -> None:
    start = a_day(worker, r, settings, district, now)
    replay = Replay(engine, fixed(engine), settings.timezone)
    cur = replay.seek(start - 5 * S)
    sent: dict[str, Any] = replay.snapshot(cur)
    t = cur.t
    while t < now:
        t = min(now, t + 17 * S)
        ch = replay.advance(cur, t)
        assert ch is not None
        delta = replay.delta(cur, ch)
        # the browser's merge (assets/live.js) of this delta into what it had
        sent["grids"].update(delta.get("grids", {}))
        for item in delta.get("upsert", []):
            sent["incidents"][item["id"]] = item
        for iid in delta.get("remove", []):
            del sent["incidents"][iid]
        for key in ("board", "headline", "compliance"):
            if key in delta:
                sent[key] = delta[key]
    sought = replay.snapshot(replay.seek(now))
    for key in (*COMPARED, "headline"):
        assert sent[key] == sought[key], key
    assert replay.advance(cur, now - 1) is None  # backwards: a seek


def test_crowd_and_sensors_at_a_moment_come_from_the_minute_history(
    history: Engine, settings: Settings
) -> None:
    engine = history
    now = now_ms()
    m = now // 60_000
    rows = [
        {
            "key": "zone:Z01",
            "minute": m - 3,
            "kind": "crowd",
            "n": 9,
            "min": 1,
            "max": 9000,
            "mean": 5000,
        },
        {
            "key": "zone:Z01",
            "minute": m - 1,
            "kind": "crowd",
            "n": 9,
            "min": 1,
            "max": 7000,
            "mean": 6000.4,
        },
        {
            "key": "crowd-Z01-01",
            "minute": m - 1,
            "kind": "crowd",
            "n": 3,
            "min": 1,
            "max": 900,
            "mean": 800,
        },
        {"key": "gas-0001", "minute": m, "kind": "gas", "n": 1, "min": 40, "max": 40, "mean": 40},
    ]
    with engine.begin() as conn:
        insert_absent(conn, rows)
    fx = fixed(engine)
    replay = Replay(engine, fx, settings.timezone)
    snap = replay.snapshot(replay.seek(now))
    assert snap["zones"] == {"Z01": 6000}
    if day_start((m - 3) * 60_000, settings.timezone) == day_start(now, settings.timezone):
        assert snap["headline"]["peak"] == {"people": 9000, "zone": "Z01", "at": (m - 3) * 60_000}
    assert snap["sensors"]["crowd-Z01-01"] == "online"
    gas = "gas-0001"
    assert snap["sensors"][gas] == "alarm"
    assert snap["sensor_meta"] == fx.meta
    points = replay.crowd_points(now)
    # its own summary for crowd-Z01-01; the zone's total shared by the other counters
    z01 = [s for s, z in fx.zone_of.items() if z == "Z01"]
    assert points == {
        s: (*fx.where[s], 800 if s == "crowd-Z01-01" else round(6000.4 / len(z01))) for s in z01
    }
    assert replay.snapshot(replay.seek(now - 3_600_000))["zones"] == {}
