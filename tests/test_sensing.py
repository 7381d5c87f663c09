from __future__ import annotations

import redis
from sqlalchemy import Engine, select

from feeds import constants as K
from feeds.ingest import Worker
from feeds.live import Live
from feeds.settings import Settings
from feeds.tables import incidents
from layers.district import District
from tests.helpers import SENSORS, drain, reading, xadd


def opened(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(incidents).order_by(incidents.c.id))]


def sensor_of(district: District, kind: str) -> tuple[str, float, float]:
    s = district.sensors[district.sensors.kind == kind].iloc[0]
    return str(s.id), float(s.lon), float(s.lat)


def test_gas_over_limit_opens_one_urgent_incident_at_the_sensor(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine, district: District
) -> None:
    sid, lon, lat = sensor_of(district, "gas")
    xadd(r, settings, SENSORS, reading(sid, "gas", 3.0))
    drain(worker)
    assert opened(engine) == []
    spike = reading(sid, "gas", 41.5)
    xadd(r, settings, SENSORS, spike, reading(sid, "gas", 44.0, ts=spike.ts + 1))
    drain(worker)
    rows = opened(engine)
    assert len(rows) == 1
    assert rows[0]["category"] == "gas_leak" and rows[0]["priority"] == "urgent"
    assert (rows[0]["lon"], rows[0]["lat"]) == (lon, lat)
    assert rows[0]["micro_grid"] is not None
    assert Live(r, settings).sensor_status(spike.ts)[sid] == "alarm"
    # still high: no second incident; back to normal then high again: a new one
    xadd(r, settings, SENSORS, reading(sid, "gas", 30.0, ts=spike.ts + 2))
    drain(worker)
    assert len(opened(engine)) == 1
    xadd(r, settings, SENSORS, reading(sid, "gas", 2.0, ts=spike.ts + 3))
    drain(worker)
    assert Live(r, settings).sensor_status(spike.ts)[sid] == "online"
    xadd(r, settings, SENSORS, reading(sid, "gas", 26.0, ts=spike.ts + 4))
    drain(worker)
    assert len(opened(engine)) == 2


def test_replayed_alarm_reading_does_not_duplicate_its_incident(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine, district: District
) -> None:
    sid, _, _ = sensor_of(district, "gas")
    spike = reading(sid, "gas", 80.0)
    xadd(r, settings, SENSORS, spike)
    drain(worker)
    xadd(r, settings, SENSORS, spike)
    drain(worker)
    assert len(opened(engine)) == 1


def test_every_muck_truck_violation_is_an_incident(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine, district: District
) -> None:
    sid, _, _ = sensor_of(district, "muck_truck")
    first = reading(sid, "muck_truck", 1)
    xadd(r, settings, SENSORS, first)
    drain(worker)
    xadd(r, settings, SENSORS, reading(sid, "muck_truck", 1, ts=first.ts + 5))
    drain(worker)
    # two violations and a quiet heartbeat from the same truck inside one batch
    xadd(
        r,
        settings,
        SENSORS,
        reading(sid, "muck_truck", 1, ts=first.ts + 6),
        reading(sid, "muck_truck", 1, ts=first.ts + 7),
        reading(sid, "muck_truck", 0, ts=first.ts + 8),
    )
    drain(worker)
    assert [r_["category"] for r_ in opened(engine)] == ["muck_truck"] * 4
    assert Live(r, settings).sensor_status(first.ts)[sid] == "online"


def test_crowd_over_capacity_raises_one_alert_and_feeds_density(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine, district: District
) -> None:
    zone = district.crowd_zones.sort_values("capacity").iloc[0]
    sensors = district.sensors[district.sensors.zone == zone.code]
    assert len(sensors) >= 2
    share = int(zone.capacity) // len(sensors)
    below = [reading(s.id, "crowd", share - 10) for s in sensors.itertuples()]
    xadd(r, settings, SENSORS, *below)
    drain(worker)
    live = Live(r, settings)
    assert live.zones()[zone.code] == sum(int(x.value) for x in below)
    assert opened(engine) == []
    over = [reading(s.id, "crowd", share + 500) for s in sensors.itertuples()]
    xadd(r, settings, SENSORS, *over)
    drain(worker)
    xadd(r, settings, SENSORS, *[reading(s.id, "crowd", share + 900) for s in sensors.itertuples()])
    drain(worker)
    rows = opened(engine)
    assert [x["category"] for x in rows] == ["crowd"]
    assert f"{zone.capacity:,}" in str(rows[0]["text"])
    assert r.hget(settings.key(K.K_CROWD_ALERT), zone.code) is not None
    peak = live.headline(over[0].ts)["peak"]
    assert peak["zone"] == zone.code and peak["people"] == (share + 900) * len(sensors)
    assert set(live.crowd_sensors()) == set(sensors.id)


def test_malformed_readings_are_dead_lettered(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine, district: District
) -> None:
    sid, _, _ = sensor_of(district, "crowd")
    xadd(
        r,
        settings,
        SENSORS,
        {"id": "x1", "sensor": "g", "kind": "gas", "value": "lots", "unit": "ppm", "ts": "1"},
        reading(sid, "crowd", 10),
    )
    drain(worker)
    assert r.xlen(settings.key(K.STREAM_DEAD)) == 1
    assert sid in Live(r, settings).sensor_status(2**40)


def test_a_registered_sensor_never_heard_from_is_offline(
    worker: Worker, r: redis.Redis, settings: Settings, district: District
) -> None:
    worker.register_sensors()
    sid, _, _ = sensor_of(district, "fume")
    xadd(r, settings, SENSORS, reading(sid, "fume", 0.5))
    drain(worker)
    status = Live(r, settings).sensor_status(reading("x", "fume", 0).ts)
    assert len(status) == len(district.sensors)
    assert status[sid] == "online"
    assert sum(1 for v in status.values() if v == "offline") == len(district.sensors) - 1
