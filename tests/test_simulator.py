from __future__ import annotations

import json
import logging
import re
import statistics
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import replace
from itertools import pairwise
from typing import Any

import pytest
import redis
from sqlalchemy import Engine, select

from feeds import constants as K
from feeds.figures import compliance
from feeds.ingest import Worker
from feeds.pipeline import ACTIVE, PENDING, Incident, apply
from feeds.reference import Reference
from feeds.routing import Router
from feeds.schemas import Action, decode_action, decode_reading, decode_report
from feeds.settings import Settings
from feeds.sim.day import (
    Day,
    SimClock,
    World,
    clock_label,
    crowd_level,
    parse_time_of_day,
    plan_for,
    world_of,
)
from feeds.sim.simulator import Responders, Simulator, action_id, simulated
from feeds.sla import SlaPolicy
from feeds.tables import dead_letters, incidents
from layers.district import District
from tests.helpers import drain

T0 = 1_767_225_600.0  # a fixed "real" epoch for the injected clock
EVENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,79}$")
Entries = list[tuple[str, dict[str, str]]]


class FakeClock:
    def __init__(self, t: float = T0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture(scope="module")
def world(district: District) -> World:
    return world_of(district)


def entries(r: redis.Redis, settings: Settings, stream: str, after: str = "-") -> Entries:
    got = r.xrange(settings.key(stream), after) or []
    return [(str(i), {str(k): str(v) for k, v in (f or {}).items()}) for i, f in got]


def drive(sim: Simulator, clock: FakeClock, seconds: float, every: float) -> None:
    end = clock.t + seconds
    while clock.t < end:
        clock.t = min(clock.t + every, end)
        sim.step(clock.t)


# --- pure parts -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("00:00", 0), ("18:30", 66_600), ("23:59:59", 86_399), ("7:05", 25_500)],
)
def test_time_of_day_parses(text: str, seconds: float) -> None:
    assert parse_time_of_day(text) == seconds
    assert clock_label(seconds) == f"{int(seconds // 3600):02d}:{int(seconds % 3600 // 60):02d}"


@pytest.mark.parametrize("text", ["24:00", "18", "18:60", "18:-5", "1:2:3:4", "x"])
def test_bad_time_of_day_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_time_of_day(text)


def test_simulated_time_runs_speed_times_faster_from_the_start() -> None:
    c = SimClock(real_start=T0, sim_start=parse_time_of_day("18:30"), speed=60)
    assert c.sim(T0) == 66_600
    assert clock_label(c.sim(T0 + 90)) == "20:00"
    assert c.real(c.sim(T0 + 12.5)) == pytest.approx(T0 + 12.5)


def test_riverside_builds_to_the_fireworks_and_shops_fill_in_the_morning() -> None:
    def at(zone: str, hour: float) -> float:
        return crowd_level(zone, hour * 3600)

    assert at("Z01", 14) < 10_000 < at("Z01", 18.5) < at("Z01", 19.5) < 300_000 < at("Z01", 20.5)
    assert at("Z01", 23.5) < 20_000
    assert 20_000 <= at("Z02", 10) <= 40_000
    assert at("Z02", 3) < 2_000


def test_responders_plans_are_deterministic_and_lifelike() -> None:
    plans = [plan_for(7, f"inc-{i}", "qr", "ordinary", "complaint") for i in range(3000)]
    assert plans[:50] == [plan_for(7, f"inc-{i}", "qr", "ordinary", "complaint") for i in range(50)]
    assert plans[:50] != [plan_for(8, f"inc-{i}", "qr", "ordinary", "complaint") for i in range(50)]
    accept = [p.accept_s for p in plans]
    assert 25 <= statistics.median(accept) <= 35
    assert 0.08 <= sum(a > 60 for a in accept) / len(accept) <= 0.16
    assert 60 <= statistics.median(p.dispatch_s for p in plans) <= 80
    assert 0.04 <= sum(p.dispatch_s > 150 for p in plans) / len(plans) <= 0.2
    # auto-assigned on accept: on site within 5 minutes of the report for most, not all
    late = sum(p.accept_s + p.arrive_s > 300 for p in plans) / len(plans)
    assert 0.08 <= late <= 0.25
    rated = [p.rating for p in plans if p.rating is not None]
    assert 0.65 <= len(rated) / len(plans) <= 0.75
    assert 4.3 <= statistics.mean(rated) <= 4.7
    assert all(p.reject is None and not p.escalate for p in plans)
    assert all(plan_for(7, f"s-{i}", "sensor", "urgent", None).rating is None for i in range(200))
    assert any(plan_for(7, f"e-{i}", "qr", "ordinary", "enquiry").reject for i in range(200))
    assert any(plan_for(7, f"u-{i}", "sensor", "urgent", None).escalate for i in range(50))


def test_same_hour_draws_the_same_reports_and_they_decode(world: World) -> None:
    day = Day(world, seed=7)
    assert day.reports_in_hour(34) == Day(world, seed=7).reports_in_hour(34)
    assert day.reports_in_hour(34) != Day(world, seed=8).reports_in_hour(34)
    assert Day(world, 7, volume=0).reports_in_hour(10) == []
    for t, draft in day.reports_in_hour(10):
        assert 36_000 <= t < 39_600
        decode_report(
            {
                k: json.dumps(list(v)) if isinstance(v, tuple) else str(v)
                for k, v in {**draft, "id": "x", "ts": 1}.items()
            }
        )


# --- the simulator against a real server -----------------------------------------


def test_same_seed_and_clock_give_the_same_events_whatever_the_step(
    r: redis.Redis, settings: Settings, district: District
) -> None:
    runs: list[tuple[Entries, Entries]] = []
    for n, every in enumerate((1.0, 1.0, 2.7)):
        s = settings.with_(key_prefix=f"{settings.key_prefix}run{n}:")
        clock = FakeClock()
        sim = Simulator(
            r, s, district, speed=60, start="08:00", seed=11, responders=False, clock=clock
        )
        drive(sim, clock, 600, every)
        runs.append((entries(r, s, K.STREAM_REPORTS), entries(r, s, K.STREAM_SENSORS)))
    fields = [([f for _, f in reps], [f for _, f in rds]) for reps, rds in runs]
    assert len(fields[0][0]) > 50 and len(fields[0][1]) > 1000
    assert fields[0] == fields[1] == fields[2]
    ids = [f["id"] for f in fields[0][0] + fields[0][1]]
    assert len(set(ids)) == len(ids) and all(EVENT_ID.match(i) for i in ids)
    assert ids[0].startswith("sim-r-11-")

    other = settings.with_(key_prefix=f"{settings.key_prefix}seed12:")
    clock = FakeClock()
    drive(
        Simulator(
            r, other, district, speed=60, start="08:00", seed=12, responders=False, clock=clock
        ),
        clock,
        600,
        1.0,
    )
    assert [f for _, f in entries(r, other, K.STREAM_REPORTS)] != fields[0][0]


@pytest.fixture(scope="module")
def full_day(redis_url: str, district: District) -> Iterator[tuple[Entries, Entries, Simulator]]:
    """A whole simulated day at 120x, stepped every 2 s of fake real time."""
    r = redis.Redis.from_url(redis_url, decode_responses=True)
    s = Settings(key_prefix="test:simday:")
    r.delete(s.key(K.STREAM_REPORTS), s.key(K.STREAM_SENSORS))
    clock = FakeClock()
    sim = Simulator(r, s, district, speed=120, start="00:00", seed=7, responders=False, clock=clock)
    drive(sim, clock, 24 * 3600 / 120, 2.0)
    yield entries(r, s, K.STREAM_REPORTS), entries(r, s, K.STREAM_SENSORS), sim
    r.delete(s.key(K.STREAM_REPORTS), s.key(K.STREAM_SENSORS))
    r.close()


def sim_hour(sim: Simulator, ts: int) -> float:
    return sim.sim.sim(ts / 1000) / 3600


def test_a_day_of_reports_has_the_volume_rhythm_and_mix_of_a_district(
    full_day: tuple[Entries, Entries, Simulator],
) -> None:
    raw, _, sim = full_day
    reports = [decode_report(f) for _, f in raw]
    assert 250 <= len(reports) <= 600
    assert len({r.id for r in reports}) == len(reports)
    hours = Counter(int(sim_hour(sim, r.ts)) for r in reports)
    night = sum(hours[h] for h in range(0, 6))
    assert night * 4 < sum(hours[h] for h in range(8, 12))
    assert sum(hours[h] for h in range(17, 20)) > 2 * night
    qr = [r for r in reports if r.source == "qr"]
    assert {r.source for r in reports} == {"qr", "patrol", "hotline"}
    assert [c for c, _ in Counter(r.category for r in qr).most_common(2)] in (
        ["environment", "property"],
        ["property", "environment"],
    )
    assert all(r.address and r.lon is None for r in qr)
    assert all(
        r.kind == "finding" and r.reporter and r.reporter.startswith("网格员 ")
        for r in reports
        if r.source == "patrol"
    )
    complaints = sum(r.kind == "complaint" for r in qr) / len(qr)
    assert 0.6 <= complaints <= 0.8
    assert 0.2 <= sum(bool(r.photos) for r in qr) / len(qr) <= 0.4
    assert 0.5 <= sum(r.contact is not None for r in qr) / len(qr) <= 0.7
    urgent = [r for r in reports if r.priority == "urgent"]
    assert 0.04 <= len(urgent) / len(reports) <= 0.13
    assert all(
        r.priority == "urgent"
        for r in reports
        if r.category in ("fire", "safety") and r.kind in ("complaint", "finding")
    )
    assert all(r.text for r in reports)


def test_a_day_of_readings_keeps_sensors_online_and_raises_the_right_alarms(
    full_day: tuple[Entries, Entries, Simulator],
    world: World,
) -> None:
    _, raw, sim = full_day
    readings = [decode_reading(f) for _, f in raw]
    assert len({x.id for x in readings}) == len(readings)
    muck = [x for x in readings if x.kind == "muck_truck" and x.value >= 1]
    assert 60 <= len(muck) <= 160
    at_night = sum(1 for x in muck if not 5 <= sim_hour(sim, x.ts) < 22)
    assert at_night > 0.7 * len(muck)
    assert 1 <= sum(x.kind == "gas" and x.value >= 25 for x in readings) <= 30
    assert all(x.value < 8 for x in readings if x.kind == "gas" and x.value < 25)
    fume = [sim_hour(sim, x.ts) for x in readings if x.kind == "fume" and x.value >= 2.0]
    assert fume and all(10.5 <= h < 21.5 for h in fume)

    seen: dict[str, list[int]] = defaultdict(list)
    for x in readings:
        seen[x.sensor].append(x.ts)
    silent = {s.id for s in world.sensors} - set(seen)
    assert 0.02 <= len(silent) / len(world.sensors) <= 0.03
    assert not any(s.startswith("crowd-") for s in silent)
    for ts in seen.values():
        assert max(b - a for a, b in pairwise(ts)) <= 65_000  # online

    latest: dict[str, float] = {}

    def total(zone: str) -> float:
        return sum(v for s, v in latest.items() if s.startswith(f"crowd-{zone}-"))

    riverside: list[tuple[float, float]] = []
    shops: list[float] = []
    for x in readings:
        if x.kind != "crowd":
            continue
        latest[x.sensor] = x.value
        hour = sim_hour(sim, x.ts)
        if x.zone == "Z01":
            riverside.append((hour, total("Z01")))
        if x.zone == "Z02" and 9 <= hour <= 11:
            shops.append(total("Z02"))
    peak_hour, peak = max(riverside, key=lambda p: p[1])
    assert peak > 300_000 and 19.5 <= peak_hour <= 21.5
    assert max(v for h, v in riverside if h < 17) < 10_000
    assert 20_000 <= statistics.mean(shops) <= 40_000


def test_run_steps_until_stopped_and_logs_progress(
    r: redis.Redis, settings: Settings, district: District, caplog: pytest.LogCaptureFixture
) -> None:
    stop = threading.Event()
    clock = FakeClock()

    def tick() -> float:  # each call is 20 s later; the fourth stops the loop
        clock.t += 20
        if clock.t >= T0 + 80:
            stop.set()
        return clock.t

    sim = Simulator(r, settings, district, speed=60, start="09:00", responders=False, clock=tick)
    with caplog.at_level(logging.INFO, logger="watchfloor.simulate"):
        sim.run(stop)
    assert sim.totals.reports > 0 and sim.totals.readings > 0
    assert re.search(r"sim 09:\d\d \| reports \d+ \| readings [\d,]+ \| actions 0", caplog.text)
    assert len(entries(r, settings, K.STREAM_SENSORS)) == sim.totals.readings


# --- responders -------------------------------------------------------------------


def summary(inc: Incident, meta: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": inc.id,
        "state": inc.state,
        "stage": PENDING.get(inc.state),
        "cat": meta["cat"],
        "pri": meta["pri"],
        "src": meta["src"],
        "grid": meta["grid"],
        "at": inc.reported_at,
        "due": None,
        "unit": inc.unit,
        "joint": bool(inc.joint_units),
        "text": "",
    }


class MiniWorker:
    """What the ingest worker does to the open set, folded with the real state machine."""

    def __init__(self, r: redis.Redis, settings: Settings, router: Router) -> None:
        self.r, self.s, self.router = r, settings, router
        self.incidents: dict[str, Incident] = {}
        self.meta: dict[str, dict[str, Any]] = {}
        self.last = "0-0"
        self.applied: list[Action] = []

    def open(self, inc: Incident, **meta: Any) -> None:
        self.incidents[inc.id], self.meta[inc.id] = inc, meta
        self.r.hset(self.s.key(K.K_OPEN), inc.id, json.dumps(summary(inc, meta)))

    def poll(self) -> None:
        for eid, fields in entries(self.r, self.s, K.STREAM_ACTIONS, f"({self.last}"):
            self.last = eid
            action = decode_action(fields)
            inc = apply(self.incidents[action.incident], action)  # raises if not allowed
            meta = self.meta[inc.id]
            if action.action == "accept" and self.router.automatic(meta["cat"], meta["pri"]):
                pick = self.router.suggest(meta["cat"], meta["grid"])
                assert pick is not None
                inc = replace(inc, state="dispatched", dispatched_at=action.ts, unit=pick.unit)
            self.incidents[inc.id] = inc
            self.applied.append(action)
            if inc.state in ACTIVE:
                self.r.hset(self.s.key(K.K_OPEN), inc.id, json.dumps(summary(inc, meta)))
            else:
                self.r.hdel(self.s.key(K.K_OPEN), inc.id)


CASES = [  # id prefix, state, category, priority, source, report kind
    ("a", "reported", "environment", "ordinary", "qr", "complaint"),
    ("b", "reported", "gas_leak", "urgent", "sensor", None),
    ("c", "reported", "property", "ordinary", "qr", "enquiry"),
    ("d", "reported", "fire", "urgent", "patrol", "finding"),
    ("e", "accepted", "crowd", "urgent", "sensor", None),
    ("f", "dispatched", "parking", "ordinary", "hotline", "complaint"),
    ("g", "on_site", "neighbour", "ordinary", "qr", "complaint"),
    ("h", "reported", "environment", "ordinary", "qr", "suggestion"),
    ("i", "dispatched", "safety", "urgent", "qr", "complaint"),
]


def run_responders(
    r: redis.Redis, settings: Settings, world: World, district: District
) -> MiniWorker:
    router = Router(list(world.units))
    mini = MiniWorker(r, settings, router)
    grid = str(district.buildings.micro_grid.iloc[100])
    kinds: dict[str, str | None] = {}
    for n in range(6):
        for prefix, state, cat, pri, src, kind in CASES:
            iid = f"{prefix}{n}"
            kinds[iid] = kind
            inc = Incident(iid, reported_at=int((T0 - 20) * 1000))
            if state != "reported":
                inc = replace(inc, state="accepted", accepted_at=inc.reported_at)
            if state in ("dispatched", "on_site"):
                pick = router.suggest(cat, grid)
                assert pick is not None
                inc = replace(inc, state=state, unit=pick.unit)  # type: ignore[arg-type]
            mini.open(inc, cat=cat, pri=pri, src=src, grid=grid)
    # an enquiry the plan rejects, and one nobody produced (no kind known)
    reject = next(
        f"q{i}" for i in range(500) if plan_for(5, f"q{i}", "qr", "ordinary", "enquiry").reject
    )
    kinds[reject] = "enquiry"
    mini.open(
        Incident(reject, reported_at=int(T0 * 1000)),
        cat="property",
        pri="ordinary",
        src="qr",
        grid=grid,
    )
    mini.open(
        Incident("ext-1", reported_at=int(T0 * 1000)),
        cat="wages",
        pri="urgent",
        src="hotline",
        grid=None,
    )
    responders = Responders(r, settings, world, seed=5, speed=60, kinds=kinds)
    t = T0
    while t < T0 + 3 * 3600 and r.hlen(settings.key(K.K_OPEN)) + len(responders._later):
        # a person on the wall closes one incident under the responders' feet
        if t == T0 + 10:
            mini.incidents["a0"] = replace(mini.incidents["a0"], state="rejected")
            r.hdel(settings.key(K.K_OPEN), "a0")
        responders.step(t)
        mini.poll()
        t += 1.0
    return mini


def test_responders_send_allowed_actions_once_with_deterministic_ids(
    r: redis.Redis, settings: Settings, world: World, district: District
) -> None:
    mini = run_responders(r, settings, world, district)
    actions = mini.applied
    assert len(actions) > 200
    pairs = [(a.incident, a.action) for a in actions]
    assert len(set(pairs)) == len(pairs)  # each at most once
    assert all(a.id == action_id(a.incident, a.action) for a in actions)
    assert all(a.ts <= (T0 + 10) * 1000 for a in actions if a.incident == "a0")
    rejected = {a.incident for a in actions if a.action == "reject"}
    assert rejected and all(i[0] in "cq" for i in rejected)  # enquiries only
    states = Counter(inc.state for inc in mini.incidents.values())
    assert states == {
        "closed": len(mini.incidents) - len(rejected) - 1,
        "rejected": len(rejected) + 1,
    }
    kinds = Counter(a.action for a in actions)
    # ordinary ones are assigned by rule on accept; urgent and joint ones by hand
    manual = {a.incident for a in actions if a.action == "dispatch"}
    assert manual == {f"{p}{n}" for p in "bde" for n in range(6)} | {"ext-1"}
    assert kinds["rate"] >= 1 and kinds["close"] >= kinds["rate"]
    assert all(
        mini.meta[a.incident]["src"] in ("qr", "hotline") for a in actions if a.action == "rate"
    )
    assert kinds["escalate"] >= 1
    by_inc = defaultdict(list)
    for a in actions:
        by_inc[a.incident].append(a.action)
    answered = [i for i in by_inc if i[0] == "c" and i not in rejected]
    assert answered and all(by_inc[i][:3] == ["accept", "resolve", "close"] for i in answered)
    assert by_inc["e0"][0] == "dispatch"
    gas = mini.incidents["b0"]
    assert gas.unit and Router(list(world.units)).suggest("gas_leak", None).unit == gas.unit  # type: ignore[union-attr]
    assert [a.ts for a in actions] == sorted(a.ts for a in actions)

    again = settings.with_(key_prefix=f"{settings.key_prefix}again:")
    replay = run_responders(r, again, world, district)
    assert [(a.id, a.ts, a.unit, a.note, a.rating) for a in replay.applied] == [
        (a.id, a.ts, a.unit, a.note, a.rating) for a in actions
    ]


@pytest.mark.parametrize(
    ("incident", "mine"),
    [
        ("sim-r-1-tpctpj-15", True),
        ("sim-p-1-tpctpj-3", True),
        ("alarm:sim-s-1-tpctpj-614", True),
        ("crowd:Z01:sim-s-1-tpctpj-303", True),
        ("r-1a2b3c", False),  # a resident's report from the form
        ("hotline-20261201-0042", False),
        ("alarm:gw7-000123", False),  # a real gas sensor's alarm
        ("crowd:Z01:gw7-9", False),
        ("x-sim-r-1", False),
        ("", False),
    ],
)
def test_simulated_incidents_are_told_by_their_ids(incident: str, mine: bool) -> None:
    assert simulated(incident) is mine


def test_simulated_responders_leave_real_reports_alone(
    r: redis.Redis, settings: Settings, district: District
) -> None:
    sim = Simulator(r, settings, district, speed=60, start="09:00", clock=FakeClock())
    assert sim.responders is not None
    meta = {"cat": "parking", "pri": "ordinary", "src": "qr", "grid": None}
    open_set = settings.key(K.K_OPEN)
    for iid in ("resident-report-1", "alarm:gw7-1", "sim-r-1-abc-1", "alarm:sim-s-1-abc-2"):
        r.hset(open_set, iid, json.dumps(summary(Incident(iid, reported_at=int(T0 * 1000)), meta)))
    acted: set[str] = set()
    t = T0
    while t < T0 + 600:  # ten minutes: every plan has accepted by then
        sim.responders.step(t)
        acted |= {e["incident"] for _, e in entries(r, settings, K.STREAM_ACTIONS)}
        t += 5.0
    assert acted == {"sim-r-1-abc-1", "alarm:sim-s-1-abc-2"}


# --- end to end with the real ingest worker --------------------------------------------


def test_the_worker_takes_everything_the_simulator_sends(
    r: redis.Redis,
    settings: Settings,
    engine: Engine,
    reference: Reference,
    policy: SlaPolicy,
    district: District,
) -> None:
    clock = FakeClock()
    worker = Worker(settings, r, engine, reference, policy, clock=lambda: round(clock.t * 1000))
    worker.ensure_groups()
    worker.read_own_pending = False
    sim = Simulator(r, settings, district, speed=60, start="19:00", seed=3, clock=clock)
    for _ in range(900):
        clock.t += 1.0
        sim.step(clock.t)
        drain(worker)
    with engine.connect() as conn:
        dead = [dict(d._mapping) for d in conn.execute(select(dead_letters))]
        rows = [dict(x._mapping) for x in conn.execute(select(incidents))]
    assert dead == []
    assert sim.totals.reports > 100 and sim.totals.actions > 300
    assert len([x for x in rows if x["source"] != "sensor"]) == sim.totals.reports
    assert any(x["category"] == "crowd" for x in rows)  # the fireworks crowd over capacity
    states = Counter(x["state"] for x in rows)
    assert states["closed"] > 50 and states["rejected"] >= 1
    # nothing waits long for a duty officer, and most are accepted within the minute
    assert all(x["reported_at"] > (clock.t - 300) * 1000 for x in rows if x["state"] == "reported")
    comp = compliance(rows, round(clock.t * 1000))
    assert 0.8 <= comp["accept"]["share"] <= 0.95
    assert 0.7 <= comp["arrive"]["share"] <= 0.95
    assert 4.0 <= statistics.mean(x["rating"] for x in rows if x["rating"]) <= 5.0
