"""The figures behind docs/scaling.md: what one entry costs in Redis and one row in
PostgreSQL, measured, beside the naive way in the same run.

    python -m bench.sizing [--entries N] [--readings N] [--minutes M] [--reports N]

Redis (an embedded Valkey, or REDIS_URL): bytes per stream entry of each feed (MEMORY
USAGE of a stream of N real entries / N) beside one hash per event, and XADD per second
pipelined 1,000 to a round trip beside one XADD per round trip.
PostgreSQL (a throw-away cluster of its own, so that its WAL is ours alone): the real
worker applies N readings spread over M minutes, then reports with two actions each;
rows, heap and index bytes per row of the tables that grow, and WAL bytes per entry,
beside the same reports applied one at a time. Prints tables, writes bench/out/sizing.json.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import Engine, text

from bench.faults.services import OwnPostgres
from bench.ingest import load, readings, reports
from feeds import constants as K
from feeds import store
from feeds.connections import redis_client, valkey_unless
from feeds.ingest import Worker
from feeds.reference import Reference
from feeds.schemas import Action, encode
from feeds.seed import reference_rows
from feeds.settings import Settings
from feeds.sla import SlaPolicy
from feeds.tables import metadata
from layers.district import District, build_district

OUT = Path(__file__).parent / "out"
GROWING = ("reading_minutes", "incidents", "incident_events", "dead_letters", "roll_counts")


def actions(report_entries: list[dict[str, str]]) -> list[dict[str, str]]:
    out = []
    for i, rep in enumerate(report_entries):
        ts = int(rep["ts"])
        for j, kind in enumerate(("accept", "resolve")):
            a = Action(id=f"b-a-{i}-{j}", incident=rep["id"], action=kind, actor="值班员 李",
                       ts=ts + 1000 * (j + 1))  # fmt: skip
            out.append(encode(a))
    return out


# --- Redis -------------------------------------------------------------------------


def redis_sizes(r: redis.Redis, d: District, n: int) -> dict[str, Any]:
    prefix = f"bench:{uuid.uuid4().hex[:8]}:"
    feeds = {
        "sensor reading": readings(d, n),
        "report": reports(d, n),
        "action": actions(reports(d, n // 2)),
    }
    out: dict[str, Any] = {}
    for name, entries in feeds.items():
        key = prefix + name.replace(" ", "_")
        t = time.perf_counter()
        load(r, key, entries)  # pipelined, 5,000 to a round trip
        piped = len(entries) / (time.perf_counter() - t)
        stream = r.memory_usage(key, samples=0)
        one = entries[: min(3000, len(entries))]
        t = time.perf_counter()
        for e in one:  # the naive producer: one round trip per event
            r.xadd(key + ":naive", e)
        single = len(one) / (time.perf_counter() - t)
        pipe = r.pipeline(transaction=False)
        for i, e in enumerate(one):  # the naive store: a hash per event
            pipe.hset(f"{key}:h:{i}", mapping=e)
        pipe.execute()
        hashes = sum(r.memory_usage(f"{key}:h:{i}", samples=0) or 0 for i in range(len(one)))
        out[name] = {
            "entries": len(entries),
            "fields_bytes": round(sum(len(k) + len(v) for k, v in entries[0].items())),
            "stream_bytes_per_entry": round(stream / len(entries), 1),
            "hash_per_event_bytes": round(hashes / len(one), 1),
            "xadd_pipelined_per_s": round(piped),
            "xadd_one_per_round_trip_per_s": round(single),
        }
    for key in r.scan_iter(match=prefix + "*", count=1000):
        r.delete(key)
    return out


# --- PostgreSQL --------------------------------------------------------------------


def table_sizes(engine: Engine) -> dict[str, dict[str, int]]:
    out = {}
    with engine.connect() as conn:
        for t in GROWING:
            rows, heap, index = conn.execute(
                text(
                    f"SELECT (SELECT count(*) FROM {t}), pg_table_size('{t}'), "
                    f"pg_indexes_size('{t}')"
                )
            ).one()
            out[t] = {"rows": int(rows), "heap": int(heap), "index": int(index)}
    return out


def wal_lsn(engine: Engine) -> int:
    with engine.connect() as conn:
        conn.execute(text("CHECKPOINT"))  # full-page images start afresh for every phase
        return int(conn.execute(text("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")).scalar_one())


def drain(w: Worker) -> int:
    n = 0
    while (got := w.poll(block_ms=None)) > 0:
        n += got
    w.history.flush()
    w.publish(force=True)
    return n


def pg_phase(
    name: str, engine: Engine, w: Worker, stream: str, entries: list[dict[str, str]]
) -> dict[str, Any]:
    before, lsn = table_sizes(engine), wal_lsn(engine)
    load(w.r, w.s.key(stream), entries)
    t = time.perf_counter()
    handled = drain(w)
    seconds = time.perf_counter() - t
    wal = wal_lsn(engine) - lsn
    after = table_sizes(engine)
    grew = {
        t: {k: after[t][k] - before[t][k] for k in ("rows", "heap", "index")}
        for t in GROWING
        if after[t]["rows"] > before[t]["rows"]
    }
    return {
        "phase": name,
        "entries": handled,
        "seconds": round(seconds, 2),
        "wal_bytes": wal,
        "wal_bytes_per_entry": round(wal / max(handled, 1), 1),
        "tables": {
            t: {
                **g,
                "heap_per_row": round(g["heap"] / g["rows"], 1),
                "index_per_row": round(g["index"] / g["rows"], 1),
            }
            for t, g in grew.items()
        },
    }


def pg_sizes(url: str, d: District, args: argparse.Namespace) -> list[dict[str, Any]]:
    pg = OwnPostgres()
    pg.start()
    try:
        s = Settings(
            redis_url=url, database_url=pg.url, key_prefix=f"bench:{uuid.uuid4().hex[:8]}:"
        )
        engine = store.make_engine(s)
        metadata.drop_all(engine)
        store.create_schema(engine)
        with engine.begin() as conn:
            store.save_reference(conn, reference_rows(d))
        with engine.connect() as conn:
            ref = Reference.load(conn)
        r = redis_client(url)

        def worker(tag: str, count: int = K.READ_COUNT) -> Worker:
            w = Worker(s.with_(key_prefix=s.key_prefix + tag + ":"), r, engine, ref, SlaPolicy(),
                       count=count)  # fmt: skip
            w.ensure_groups()
            w.read_own_pending = False
            return w

        spread = readings(d, args.readings)
        t0 = int(time.time() * 1000) - (args.minutes + 2) * 60_000
        for i, e in enumerate(spread):  # M minutes of readings, ending two minutes ago
            e["ts"] = str(t0 + i * args.minutes * 60_000 // len(spread))
        wr = worker("r")
        phases = [pg_phase("readings", engine, wr, K.STREAM_SENSORS, spread)]
        # the minutes not yet written wait in Redis, one hash field per reading
        minutes = list(r.scan_iter(match=wr.s.key(K.K_HIST_MINUTE) + "*", count=1000))
        held = sum(r.hlen(m) for m in minutes)
        used = sum(r.memory_usage(m, samples=0) or 0 for m in minutes)
        phases[0]["minute_hash_bytes_per_reading"] = round(used / max(held, 1), 1)
        phases[0]["minute_hash_readings"] = held
        reps = reports(d, args.reports)
        w = worker("i")
        phases.append(pg_phase("reports", engine, w, K.STREAM_REPORTS, reps))
        phases.append(pg_phase("actions", engine, w, K.STREAM_ACTIONS, actions(reps)))
        naive = [{**e, "id": "n-" + e["id"]} for e in reps[: args.naive]]
        phases.append(pg_phase("reports, one at a time", engine, worker("n", 1),
                               K.STREAM_REPORTS, naive))  # fmt: skip
        for key in r.scan_iter(match=s.key_prefix + "*", count=1000):
            r.delete(key)
        engine.dispose()
        return phases
    finally:
        pg.stop()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--entries", type=int, default=100_000, help="per feed, Redis part")
    p.add_argument("--readings", type=int, default=100_000)
    p.add_argument("--minutes", type=int, default=30, help="readings spread over this long")
    p.add_argument("--reports", type=int, default=10_000)
    p.add_argument("--naive", type=int, default=1_000)
    args = p.parse_args()
    d = build_district()
    with valkey_unless(os.environ.get("REDIS_URL")) as url:
        r = redis_client(url)
        results = {"redis": redis_sizes(r, d, args.entries), "postgres": pg_sizes(url, d, args)}
        results["valkey"] = (
            r.info("server").get("valkey_version") or r.info("server")["redis_version"]
        )
    results["load_average"] = os.getloadavg()
    OUT.mkdir(exist_ok=True)
    (OUT / "sizing.json").write_text(json.dumps(results, indent=2))
    print(f"\nRedis ({results['valkey']}), per entry")
    print(f"{'feed':16} {'fields B':>9} {'stream B':>9} {'hash/event B':>13} "
          f"{'XADD piped/s':>13} {'XADD 1/rt/s':>12}")  # fmt: skip
    for name, x in results["redis"].items():
        print(f"{name:16} {x['fields_bytes']:>9} {x['stream_bytes_per_entry']:>9} "
              f"{x['hash_per_event_bytes']:>13} {x['xadd_pipelined_per_s']:>13,} "
              f"{x['xadd_one_per_round_trip_per_s']:>12,}")  # fmt: skip
    print("\nPostgreSQL, per phase")
    for ph in results["postgres"]:
        print(f"{ph['phase']}: {ph['entries']:,} entries in {ph['seconds']} s, "
              f"WAL {ph['wal_bytes_per_entry']} B/entry")  # fmt: skip
        if "minute_hash_bytes_per_reading" in ph:
            each, held = ph["minute_hash_bytes_per_reading"], ph["minute_hash_readings"]
            print(f"  readings of minutes not yet written, in Redis: {each} B each ({held:,})")
        for t, g in ph["tables"].items():
            print(f"  {t:16} {g['rows']:>8,} rows  heap {g['heap_per_row']:>7} B/row  "
                  f"indexes {g['index_per_row']:>7} B/row")  # fmt: skip
    print(f"\nload average {results['load_average']}")


if __name__ == "__main__":
    main()
