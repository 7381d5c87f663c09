"""Entries the worker must refuse without stopping: bytes that are not UTF-8, values out of
range, points far outside the district, readings of sensors nobody registered."""

from __future__ import annotations

import json
import logging

import pytest
import redis
from sqlalchemy import Engine, func, select

from dashboard import ops
from feeds import constants as K
from feeds.ingest import Worker
from feeds.ingest.entries import escaped, not_utf8, printable
from feeds.live import Live
from feeds.reference import Reference
from feeds.schemas import encode
from feeds.settings import Settings
from feeds.sla import SlaPolicy
from feeds.tables import dead_letters, incidents
from layers.district import District
from tests.helpers import REPORTS, SENSORS, drain, reading, report, xadd


def count(engine: Engine, table: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def raw_client(settings: Settings) -> redis.Redis:
    return redis.Redis.from_url(settings.redis_url or "")  # bytes in, bytes out


def poison_fields() -> dict[bytes, bytes]:
    fields = {k.encode(): v.encode() for k, v in encode(report(id="poison-1")).items()}
    fields[b"text"] = b"\xff\xfe bad \xc3("
    return fields


def dead(r: redis.Redis, settings: Settings) -> list[dict[str, str]]:
    return [f for _, f in r.xrange(settings.key(K.STREAM_DEAD))]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"a": "ok"}, None),
        ({"a": "中文 ok"}, None),
        ({"text": "x\udcff"}, "not valid UTF-8: value of 'text': 'x\\\\xff'"),
        ({"\udcc3": "v"}, "not valid UTF-8: field name: '\\\\xc3'"),
    ],
)
def test_not_utf8_names_the_field_and_shows_the_bytes(
    fields: dict[str, str], reason: str | None
) -> None:
    assert not_utf8(fields) == reason
    assert all(not_utf8({k: v}) is None for k, v in printable(fields).items())


def test_escaped_shows_invalid_bytes_as_backslash_escapes() -> None:
    assert escaped("a\udcff\udcfeb") == "a\\xff\\xfeb"
    assert escaped("好") == "好"


def test_entry_that_is_not_utf8_is_dead_lettered_and_its_batch_applied(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine
) -> None:
    good1, good2 = report(), report()
    xadd(r, settings, REPORTS, good1)
    raw_client(settings).xadd(settings.key(REPORTS), poison_fields())  # type: ignore[arg-type]
    xadd(r, settings, REPORTS, good2)
    assert drain(worker) == 3
    assert count(engine, incidents) == 2
    [letter] = dead(r, settings)
    assert letter["reason"].startswith("not valid UTF-8: value of 'text'")
    assert json.loads(letter["fields"])["text"] == "\\xff\\xfe bad \\xc3("
    assert count(engine, dead_letters) == 1
    assert r.xpending(settings.key(REPORTS), K.GROUP)["pending"] == 0


@pytest.mark.parametrize("who", ["same name after a restart", "another worker claiming it"])
def test_pending_poison_entry_read_again_does_not_stop_a_worker(
    who: str,
    settings: Settings,
    r: redis.Redis,
    engine: Engine,
    reference: Reference,
    policy: SlaPolicy,
) -> None:
    first = Worker(settings, r, engine, reference, policy)
    first.ensure_groups()
    raw_client(settings).xadd(settings.key(REPORTS), poison_fields())  # type: ignore[arg-type]
    xadd(r, settings, REPORTS, report())
    # the first worker read both (then died): they are pending on its name
    taken = r.xreadgroup(K.GROUP, settings.consumer, {settings.key(REPORTS): ">"}, count=10)
    assert len(taken[0][1]) == 2
    if who.startswith("same"):
        again = Worker(settings, r, engine, reference, policy)  # reads its own pending first
        assert drain(again) == 2
    else:
        other = Worker(settings.with_(consumer="other"), r, engine, reference, policy)
        other.claim_idle_ms = 0
        assert other.claim_stale() == 2
    assert count(engine, incidents) == 1
    assert [d["reason"][:16] for d in dead(r, settings)] == ["not valid UTF-8:"]
    assert r.xpending(settings.key(REPORTS), K.GROUP)["pending"] == 0


def test_bad_readings_are_refused_one_by_one_without_tracebacks(
    worker: Worker,
    r: redis.Redis,
    settings: Settings,
    district: District,
    caplog: pytest.LogCaptureFixture,
) -> None:
    crowd = district.sensors[district.sensors.kind == "crowd"].id.tolist()
    entries: list[dict[str, str]] = []
    for i in range(1000):
        fields = encode(reading(crowd[i % len(crowd)], "crowd", 100 + i))
        if i % 100 == 7:
            fields["value"] = "nan"
        entries.append(fields)
    xadd(r, settings, SENSORS, *entries)
    with caplog.at_level(logging.INFO, logger="watchfloor.ingest"):
        assert drain(worker) == 1000
    reasons = [d["reason"] for d in dead(r, settings)]
    assert reasons == ["value NaN is not a finite number"] * 10
    assert not [rec for rec in caplog.records if rec.exc_info]
    zones = Live(r, settings).zones()
    assert zones and all(v > 0 for v in zones.values())


@pytest.mark.parametrize(
    ("lon", "lat", "inside"),
    [
        (120.2, 30.2, True),  # in Binjiang
        (120.2 + 0.3, 30.2, False),
        (0.0, 0.0, False),
        (30.2, 80.0, False),  # lon and lat swapped (as far as lat goes)
        (-120.2, 30.2, False),
    ],
)
def test_points_far_outside_the_district_are_outside(
    reference: Reference, lon: float, lat: float, inside: bool
) -> None:
    assert reference.inside(lon, lat, K.DISTRICT_MARGIN_DEG) is inside


def test_bounds_have_a_margin(reference: Reference) -> None:
    west, south, east, north = reference.bounds
    assert reference.inside(west - K.DISTRICT_MARGIN_DEG / 2, south, K.DISTRICT_MARGIN_DEG)
    assert not reference.inside(east + K.DISTRICT_MARGIN_DEG * 2, north, K.DISTRICT_MARGIN_DEG)


def test_reports_and_readings_far_outside_are_dead_lettered(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine, district: District
) -> None:
    sid = str(district.sensors.id.iloc[0])
    xadd(r, settings, REPORTS, report(lon=121.47, lat=31.23), report())  # Shanghai; Binjiang
    xadd(r, settings, SENSORS, reading(sid, "gas", 3.0, lon=0.0, lat=0.0))
    drain(worker)
    assert count(engine, incidents) == 1
    reasons = [d["reason"] for d in dead(r, settings)]
    assert len(reasons) == 2 and all("outside the district" in x for x in reasons)


def test_unregistered_sensors_are_counted_not_kept(
    worker: Worker, r: redis.Redis, settings: Settings, district: District
) -> None:
    sid = str(district.sensors.id.iloc[0])
    strangers = [reading(f"stranger-{i}", "crowd", 10, zone="Z01") for i in range(300)]
    xadd(r, settings, SENSORS, *strangers, reading(sid, "gas", 3.0))
    drain(worker)
    live = Live(r, settings)
    status = live.sensor_status(strangers[0].ts)
    assert sid in status and not any(s.startswith("stranger-") for s in status)
    assert not any(s.startswith("stranger-") for s in live.sensor_meta())
    assert not live.crowd_sensors()
    assert int(r.hget(settings.key(K.K_COUNTERS), K.C_UNKNOWN_SENSOR) or 0) == 300
    sample = r.zrange(settings.key(K.K_UNKNOWN_SENSORS), 0, -1)
    assert len(sample) == K.UNKNOWN_SENSOR_SAMPLE and all(s.startswith("stranger-") for s in sample)
    [row] = [p for p in ops.problems(r, settings) if "unregistered" in p["what"]]
    assert row["count"] == 300 and row["e.g."].startswith("stranger-")


def test_an_entry_handled_again_after_a_crash_is_dead_lettered_once(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine
) -> None:
    [eid] = xadd(r, settings, REPORTS, report(category="no-such-thing"))
    entries = [(eid, r.xrange(settings.key(REPORTS))[0][1])]
    worker.handle(REPORTS, entries)
    worker.handle(REPORTS, entries)  # as if the first run died before acknowledging
    assert count(engine, dead_letters) == 1
    assert len(dead(r, settings)) == 1
