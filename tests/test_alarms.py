"""After Redis loses its data, live state is rebuilt from SQL at once and an alarm still
going on does not open a second incident."""

from __future__ import annotations

import threading
import time

import redis
from sqlalchemy import Engine, select

from feeds import constants as K
from feeds import store
from feeds.ingest import Worker
from feeds.live import Live
from feeds.settings import Settings
from feeds.tables import incidents
from layers.district import District
from tests.helpers import REPORTS, SENSORS, drain, reading, report, xadd


def wipe(r: redis.Redis, settings: Settings) -> None:
    """What a Redis restart without persistence does to this deployment's keys."""
    keys = list(r.scan_iter(match=settings.key_prefix + "*", count=1000))
    for i in range(0, len(keys), 500):
        r.delete(*keys[i : i + 500])


def alarm_incidents(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        stmt = select(incidents.c.id).where(incidents.c.source == "sensor")
        return sorted(conn.execute(stmt).scalars())


def gas_sensor(district: District) -> str:
    return str(district.sensors[district.sensors.kind == "gas"].id.iloc[0])


def test_a_wipe_is_seen_at_once_and_live_state_rebuilt_from_sql(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine, district: District
) -> None:
    sid = gas_sensor(district)
    reps = [report() for _ in range(30)]
    xadd(r, settings, REPORTS, *reps)
    spike = reading(sid, "gas", 40.0)
    xadd(r, settings, SENSORS, spike)
    drain(worker)
    live = Live(r, settings)
    now = spike.ts
    before = (live.headline(now)["reports"], len(live.open_incidents()))
    assert before == (31, 31)
    wipe(r, settings)
    # the gas is still high: a reading right after the wipe
    xadd(r, settings, SENSORS, reading(sid, "gas", 45.0, ts=spike.ts + 1000))
    drain(worker)
    assert (live.headline(now)["reports"], len(live.open_incidents())) == before
    assert alarm_incidents(engine) == [f"alarm:{spike.id}"]  # no second incident
    assert live.sensor_status(spike.ts + 1000)[sid] == "alarm"
    assert r.exists(settings.key(K.K_MARKER))


def test_after_the_alarm_cleared_a_new_episode_opens_a_new_incident(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine, district: District
) -> None:
    sid = gas_sensor(district)
    spike = reading(sid, "gas", 40.0)
    xadd(r, settings, SENSORS, spike)
    drain(worker)
    xadd(r, settings, SENSORS, reading(sid, "gas", 3.0, ts=spike.ts + 1))
    drain(worker)
    with engine.connect() as conn:
        trail = [t["action"] for t in store.trail(conn, f"alarm:{spike.id}")]
    assert trail == ["report", "alarm_clear"]  # the episode's end is in SQL
    wipe(r, settings)
    again = reading(sid, "gas", 50.0, ts=spike.ts + 2)
    xadd(r, settings, SENSORS, again)
    drain(worker)
    assert alarm_incidents(engine) == sorted([f"alarm:{spike.id}", f"alarm:{again.id}"])


def test_an_ongoing_crowd_alert_survives_a_wipe(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine, district: District
) -> None:
    zone = district.crowd_zones.sort_values("capacity").iloc[0]
    counters = district.sensors[district.sensors.zone == zone.code]
    share = int(zone.capacity) // len(counters) + 500
    xadd(r, settings, SENSORS, *[reading(s, "crowd", share) for s in counters.id])
    drain(worker)
    assert len(alarm_incidents(engine)) == 1
    wipe(r, settings)
    xadd(r, settings, SENSORS, *[reading(s, "crowd", share + 10) for s in counters.id])
    drain(worker)
    assert len(alarm_incidents(engine)) == 1


def test_a_running_worker_recreates_a_vanished_group_and_rebuilds(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine
) -> None:
    xadd(r, settings, REPORTS, *[report() for _ in range(5)])
    drain(worker)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    try:
        for key in worker.keys:  # streams and group gone, the marker still there: NOGROUP
            r.delete(key)
        r.delete(settings.key(K.K_OPEN))
        xadd(r, settings, REPORTS, report())
        deadline = time.monotonic() + 30
        live = Live(r, settings)
        while len(live.open_incidents()) != 6:
            assert time.monotonic() < deadline, "not rebuilt in time"
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
