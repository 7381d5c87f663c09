"""Readings history: the pure fold of a minute, and the worker writing finished minutes
into reading_minutes exactly once, against real Valkey and SQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis
from sqlalchemy import Engine, delete, select

from feeds import constants as K
from feeds.ingest import Worker
from feeds.minutes.collector import PAIRS_PER_CALL, MinuteHistory, insert_absent, ready_through
from feeds.minutes.fold import Sample, decode_sample, encode_sample, fold_minute
from feeds.reference import Reference
from feeds.schemas import SensorReading
from feeds.settings import Settings
from feeds.sla import SlaPolicy
from feeds.tables import reading_minutes
from tests.helpers import SENSORS, drain, reading, xadd

M = 29_000_000  # an epoch minute (2025-02-19)
T0 = M * 60_000


def s(
    sec: float, sensor: str, value: float, kind: str = "crowd", zone: str | None = "Z1"
) -> Sample:
    return Sample(T0 + int(sec * 1000), sensor, kind, value, zone if kind == "crowd" else None)


def by_key(rows: list[dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    return {r["key"]: (r["kind"], r["n"], r["min"], r["max"], r["mean"]) for r in rows}


def test_fold_summarises_each_sensor_and_steps_zone_totals() -> None:
    rows, carry = fold_minute(
        M,
        [
            s(30, "c2", 50),
            s(10, "c1", 100),
            s(50, "c1", 40),
            s(20, "g1", 3.0, kind="gas"),
            s(40, "g1", 9.0, kind="gas"),
        ],
        {},
    )
    got = by_key(rows)
    assert got["c1"] == ("crowd", 2, 40, 100, 70)
    assert got["c2"] == ("crowd", 1, 50, 50, 50)
    assert got["g1"] == ("gas", 2, 3.0, 9.0, 6.0)
    # zone totals after each crowd reading, in time order: 100, 150, 90
    assert got["zone:Z1"] == ("crowd", 3, 90, 150, pytest.approx(340 / 3))
    assert carry == {"c1": ("Z1", 40), "c2": ("Z1", 50)}
    assert all(r["minute"] == M for r in rows)
    assert [r["key"] for r in rows] == ["c1", "c2", "g1", "zone:Z1"]


@pytest.mark.parametrize(
    ("carry", "samples", "zones"),
    [
        # a quiet counter keeps its last value in the zone's total
        ({"c1": ("Z1", 100.0)}, [s(5, "c2", 10)], {"zone:Z1": (1, 110, 110)}),
        # a counter moved to another zone leaves the first one
        (
            {"c1": ("Z1", 100.0), "c2": ("Z1", 5.0)},
            [s(5, "c1", 30, zone="Z2")],
            {"zone:Z2": (1, 30, 30)},
        ),
        # no crowd reading in the minute: no zone row (the carry alone is not a reading)
        ({"c1": ("Z1", 100.0)}, [s(5, "g1", 1, kind="gas")], {}),
        # a crowd counter with no zone counts for itself only
        ({}, [s(5, "c9", 7, zone=None)], {}),
    ],
)
def test_fold_zone_totals_with_carry(
    carry: dict[str, tuple[str, float]],
    samples: list[Sample],
    zones: dict[str, tuple[int, float, float]],
) -> None:
    rows, _ = fold_minute(M, samples, carry)
    got = {k: (v[1], v[2], v[3]) for k, v in by_key(rows).items() if k.startswith("zone:")}
    assert got == zones


def test_sample_round_trips_through_its_redis_encoding() -> None:
    for sample in (s(1.5, "crowd-Z01-01", 123.25), s(2, "gas-1", 0.1, kind="gas")):
        assert decode_sample(encode_sample(sample)) == sample


@pytest.mark.parametrize(
    ("newest", "advanced_at", "now", "ready"),
    [
        (T0 + 60_000 + K.HIST_GRACE_MS - 1, T0 + 61_000, T0 + 61_000, M - 1),  # grace not over
        (T0 + 60_000 + K.HIST_GRACE_MS, T0 + 61_000, T0 + 61_000, M),  # minute M finished
        (T0 + 30_000, T0 + 30_000, T0 + 60_000, M - 1),  # M is still going on
        # the feed has been quiet: write what was gathered, once the minute is over
        (T0 + 30_000, T0 + 30_000, T0 + 30_000 + K.HIST_QUIET_MS, M),
        # a backlog of old readings: event time decides, not the wall clock
        (T0 + 300_000, T0 + 10**9, T0 + 10**9 + 1, M + 3),
    ],
)
def test_ready_through(newest: int, advanced_at: int, now: int, ready: int) -> None:
    assert ready_through(newest, advanced_at, now) == ready


# --- against real Valkey and SQL ----------------------------------------------------


@pytest.fixture
def history_rows(engine: Engine) -> Iterator[Engine]:
    with engine.begin() as conn:
        conn.execute(delete(reading_minutes))
    yield engine
    with engine.begin() as conn:
        conn.execute(delete(reading_minutes))


def stored(engine: Engine) -> dict[tuple[str, int], tuple[Any, ...]]:
    with engine.connect() as conn:
        return {
            (r.key, r.minute): (r.kind, r.n, r.min, r.max, r.mean)
            for r in conn.execute(select(reading_minutes))
        }


def test_worker_writes_each_finished_minute_once_under_redelivery_and_two_workers(
    worker: Worker,
    r: redis.Redis,
    settings: Settings,
    history_rows: Engine,
    reference: Reference,
) -> None:
    engine = history_rows
    base = (worker.clock() // 60_000 - 30) * 60_000  # half an hour ago, minute aligned
    minute = base // 60_000
    first = [
        reading("crowd-Z01-01", "crowd", 1000, ts=base + 5_000),
        reading("crowd-Z01-02", "crowd", 500, ts=base + 15_000),
        reading("crowd-Z01-01", "crowd", 1200, ts=base + 25_000),
        reading("gas-0001", "gas", 4.0, ts=base + 30_000),
    ]
    xadd(r, settings, SENSORS, *first)
    drain(worker)
    # redelivered: the same readings again, read this time by a second worker
    other = Worker(settings.with_(consumer="test-worker-2"), r, engine, reference, SlaPolicy())
    other.read_own_pending = False
    xadd(r, settings, SENSORS, *first[1:], reading("crowd-Z01-02", "crowd", 700, ts=base + 45_000))
    drain(other)
    assert worker.history.flush() == 0  # the minute is not over (event time) yet
    assert stored(engine) == {}

    # a reading well into the next minute closes this one
    xadd(r, settings, SENSORS, reading("crowd-Z01-03", "crowd", 10, ts=base + 90_000))
    drain(worker)
    assert other.history.flush() == 1
    rows = stored(engine)
    assert rows[("crowd-Z01-01", minute)] == ("crowd", 2, 1000, 1200, 1100)
    assert rows[("crowd-Z01-02", minute)] == ("crowd", 2, 500, 700, 600)
    assert rows[("gas-0001", minute)] == ("gas", 1, 4.0, 4.0, 4.0)
    # Z01's total after each crowd reading: 1000, 1500, 1700, 1900
    assert rows[("zone:Z01", minute)] == ("crowd", 4, 1000, 1900, 1525)
    assert len(rows) == 4

    # the whole first batch delivered again after its minute was written: dropped, counted
    xadd(r, settings, SENSORS, *first)
    drain(worker)
    assert worker.history.late() == len(first)
    assert worker.history.flush() == 0
    assert stored(engine) == rows

    # the next minute, once the feed goes quiet, carries Z01's counters over
    quiet = MinuteHistory(
        settings, r, engine, {}, clock=lambda: worker.clock() + K.HIST_QUIET_MS + 1
    )
    assert quiet.flush() == 1
    assert stored(engine)[("zone:Z01", minute + 1)] == ("crowd", 1, 1910, 1910, 1910)
    assert r.zcard(settings.key(K.K_HIST_PENDING)) == 0
    assert not r.exists(settings.key(K.K_HIST_MINUTE + str(minute)))


def test_a_minute_of_more_readings_than_one_script_call_takes_keeps_every_one(
    worker: Worker, r: redis.Redis, settings: Settings
) -> None:
    base = (worker.clock() // 60_000 - 5) * 60_000
    n = 2 * PAIRS_PER_CALL + 1  # two full calls and one of a single reading
    batch = [
        SensorReading(
            id=f"m-{i}", sensor="gas-0001", kind="gas", value=i % 7, unit="ppm", ts=base + i
        )
        for i in range(n)
    ]
    assert worker.history.collect(batch) == 0
    minute = settings.key(K.K_HIST_MINUTE + str(base // 60_000))
    assert r.hlen(minute) == n
    assert decode_sample(r.hget(minute, f"m-{n - 1}")) == Sample(
        base + n - 1, "gas-0001", "gas", (n - 1) % 7, None
    )


def test_a_writer_that_died_after_sql_leaves_the_minute_to_be_written_again(
    worker: Worker, r: redis.Redis, settings: Settings, history_rows: Engine
) -> None:
    engine = history_rows
    base = (worker.clock() // 60_000 - 10) * 60_000
    minute = base // 60_000
    xadd(
        r,
        settings,
        SENSORS,
        reading("crowd-Z02-01", "crowd", 80, ts=base + 1_000),
        reading("crowd-Z02-01", "crowd", 90, ts=base + 2_000),
        reading("crowd-Z02-01", "crowd", 5, ts=base + 120_000),
    )
    drain(worker)
    # a writer got as far as SQL (with a partial fold) and died before forgetting it
    with engine.begin() as conn:
        insert_absent(
            conn,
            [
                {
                    "key": "crowd-Z02-01",
                    "minute": minute,
                    "kind": "crowd",
                    "n": 1,
                    "min": 80,
                    "max": 80,
                    "mean": 80,
                }
            ],
        )
    r.set(settings.key(K.K_HIST_THROUGH), minute)
    assert worker.history.flush() == 1
    rows = stored(engine)
    assert rows[("crowd-Z02-01", minute)] == ("crowd", 1, 80, 80, 80)  # first write wins
    assert rows[("zone:Z02", minute)] == ("crowd", 2, 80, 90, 85)


def test_prune_keeps_only_the_retention_window(
    worker: Worker, r: redis.Redis, settings: Settings, history_rows: Engine
) -> None:
    engine = history_rows
    now_minute = worker.clock() // 60_000
    old, recent = now_minute - 3 * 1440 - 1, now_minute - 3 * 1440 + 5
    row = {"key": "zone:Z01", "kind": "crowd", "n": 1, "min": 1, "max": 1, "mean": 1}
    with engine.begin() as conn:
        insert_absent(conn, [{**row, "minute": old}, {**row, "minute": recent}])
    assert worker.history.prune(days=3) == 1
    assert set(stored(engine)) == {("zone:Z01", recent)}
    assert worker.history.prune(days=3) == 0  # once an hour across workers


def test_retention_setting_is_read_from_the_environment() -> None:
    assert Settings.from_env({}).readings_retention_days == 400
    env = {"WATCHFLOOR_READINGS_RETENTION_DAYS": "30"}
    assert Settings.from_env(env).readings_retention_days == 30
    with pytest.raises(ValueError, match="days"):
        Settings.from_env({"WATCHFLOOR_READINGS_RETENTION_DAYS": "0"})
