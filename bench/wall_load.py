"""The wall benchmarks' background load on loopback (sensor readings and reports XADDed at
a steady rate, bounded in time), the store and environment their processes start from,
and waiting for a server to answer over HTTP."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from sqlalchemy import Engine

from bench.ingest import readings, reports
from feeds import constants as K
from feeds import store, users
from feeds.connections import redis_client
from feeds.seed import reference_rows
from feeds.settings import Settings
from layers.district import District


def wall_store(
    redis_url: str, tmp: str, name: str, district: District
) -> tuple[dict[str, str], Settings, Engine, str]:
    """The environment of a wall benchmark's processes (its Valkey, a SQLite store in tmp,
    key prefix ``bench<name>:``) and that store made, with the district and a kiosk token:
    (env, settings, engine, token)."""
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "DATABASE_URL": f"sqlite:///{tmp}/{name}.db",
        "WATCHFLOOR_VAR": tmp,
        "WATCHFLOOR_KEY_PREFIX": f"bench{name}:",
        "WATCHFLOOR_LOG_LEVEL": "WARNING",
        "WATCHFLOOR_REPORTS_AUTO": "0",  # no PDF printing in the web process meanwhile
    }
    settings = Settings.from_env(env)
    engine = store.make_engine(settings)
    store.create_schema(engine)
    with engine.begin() as conn:
        store.save_reference(conn, reference_rows(district))
        token = users.create_kiosk_token(conn, "bench wall", "bench")
    return env, settings, engine, token


def wait_http(url: str, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


class Load(threading.Thread):
    """A bounded background load on loopback: `rate` events a second until stopped."""

    def __init__(
        self, url: str, settings: Settings, rate: int, district: Any, limit_s: float
    ) -> None:
        super().__init__(daemon=True)
        self.r = redis_client(url)
        self.s = settings
        self.rate = rate
        self.limit_s = limit_s
        self.stop = threading.Event()
        n = int(rate * limit_s) + rate
        self.readings = readings(district, int(n * 0.95), seed=11)
        self.reports = reports(district, int(n * 0.05) + 1, seed=12)
        self.sent = 0

    def run(self) -> None:
        start = time.monotonic()
        tick = 0.1
        per_tick = max(1, int(self.rate * tick))
        ri = si = 0
        while not self.stop.is_set() and time.monotonic() - start < self.limit_s:
            pipe = self.r.pipeline(transaction=False)
            for k in range(per_tick):
                if (self.sent + k) % 20 == 0 and ri < len(self.reports):
                    fields = dict(
                        self.reports[ri],
                        id=f"load-r-{ri}-{int(start)}",
                        ts=str(int(time.time() * 1000)),
                    )
                    pipe.xadd(self.s.key(K.STREAM_REPORTS), fields)
                    ri += 1
                elif si < len(self.readings):
                    fields = dict(
                        self.readings[si],
                        id=f"load-s-{si}-{int(start)}",
                        ts=str(int(time.time() * 1000)),
                    )
                    pipe.xadd(self.s.key(K.STREAM_SENSORS), fields)
                    si += 1
            pipe.execute()
            self.sent += per_tick
            next_at = start + (self.sent / self.rate)
            time.sleep(max(0.0, next_at - time.monotonic()))
