"""Sharded ingest throughput: 1, 2 and 4 shards, one worker process per shard, per shard
and in total, beside the raw XREADGROUP + XACK rate of the same entries in the same run.

    python -m bench.shards [--readings N] [--reports-share 0.02] [--shards 1,2,4] [--cluster]

Sensor readings (and a share of reports, which open incidents in SQL) are XADDed to their
shards by the producers' rule (feeds/shards.py) first; then one worker per shard starts
(shard i promised to worker i), and each shard's clock runs from when its backlog first
goes down until its group has nothing unread or pending. Beside the wall-clock rates, the
CPU each worker process spent over the same span (/proc: user + system) gives entries per
CPU-second of a worker, what it does with a core of its own, and Redis's own CPU over
the run gives its microseconds per entry: on a shared machine those hold when the
wall-clock rates do not.
REDIS_URL if set, else an embedded Valkey (--cluster: a loopback Redis Cluster of three
primaries and three replicas); a SQLite file (or --database-url). Prints a table and
writes bench/out/shards.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import redis

from bench.faults.services import kill_group
from bench.ingest import raw_rate, readings, reports
from feeds import constants as K
from feeds import shards, store
from feeds.cluster import LoopbackCluster, free_ports
from feeds.connections import cluster_nodes, redis_client, valkey_unless
from feeds.seed import reference_rows
from feeds.settings import Settings
from feeds.tables import metadata
from layers.district import build_district

OUT = Path(__file__).parent / "out"


@contextlib.contextmanager
def redis_url(cluster: bool, tmp: Path) -> Iterator[str]:
    if not cluster:
        with valkey_unless(os.environ.get("REDIS_URL")) as url:
            yield url
        return
    c = LoopbackCluster(tmp / "cluster", free_ports(6))
    try:
        c.start()
        yield c.url
    finally:
        c.stop()


def backlog(r: redis.Redis, key: str, group: str = K.GROUP) -> int:
    """Entries of ``key`` not yet delivered to the group, or delivered and not acknowledged."""
    for g in r.xinfo_groups(key):
        if g["name"] == group:
            return int(g.get("lag") or 0) + int(g["pending"])
    return int(r.xlen(key))


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def redis_cpu(r: redis.Redis) -> float:
    """User + system CPU seconds of the Redis server (every node of a Cluster, replicas
    too)."""
    total = 0.0
    for node in [redis.Redis.from_url(u) for u in cluster_nodes(r)] or [r]:
        info: Any = node.info("cpu")
        total += float(info["used_cpu_sys"]) + float(info["used_cpu_user"])
        if node is not r:
            node.close()
    return total


def one(n: int, base: Settings, env: dict[str, str], entries: list[tuple[str, dict[str, str]]],
        logs: Path) -> dict[str, Any]:  # fmt: skip
    s = base.with_(key_prefix=f"bench:{uuid.uuid4().hex[:8]}:", shards=n)
    r = redis_client(s.redis_url or "")
    env = {**env, "WATCHFLOOR_KEY_PREFIX": s.key_prefix, "WATCHFLOOR_SHARDS": str(n)}
    procs = []
    logs.mkdir(parents=True, exist_ok=True)
    try:
        # the entries first, all of them: the workers' rate, not the producer's, is measured
        t0 = time.perf_counter()
        for i in range(0, len(entries), 5000):
            pipe = r.pipeline(transaction=False)
            for stream, fields in entries[i : i + 5000]:
                pipe.xadd(shards.key_for(s, stream, fields), fields)
            pipe.execute()
        sent = time.perf_counter() - t0
        for _i, _stream, key in shards.stream_keys(s):
            with contextlib.suppress(redis.ResponseError):  # a stream no event went to
                r.xgroup_create(key, K.GROUP, id="0", mkstream=True, entries_read=0)
        if n > 1:  # shard i promised to worker b<i>: it takes it back as its own at start
            for i in range(n):
                r.set(shards.owner_key(s, i), f"b{i}", px=120_000)
        count: dict[int, int] = {}
        for stream, fields in entries:
            i = shards.shard_of(fields[shards.SHARD_FIELD[stream]], n)
            count[i] = count.get(i, 0) + 1
        for i in range(n):
            with open(logs / f"shards{n}-w{i}.log", "ab") as log:
                procs.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "dashboard.cli", "ingest"],
                        env={**env, "WATCHFLOOR_CONSUMER": f"b{i}"},
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        # each shard's clock runs from the poll before its backlog first went down (its
        # worker started) until it is empty: worker start-up is not counted
        keys = {i: list(shards.shard_keys(s, i)) for i in range(n)}
        began: dict[int, float] = {}
        done: dict[int, float] = {}
        cpu0: dict[int, float] = {}  # the worker's CPU seconds at the poll before it began
        cpu1: dict[int, float] = {}
        last = time.perf_counter()
        last_cpu = [cpu_seconds(p.pid) for p in procs]
        redis0 = redis_cpu(r)
        while len(done) < n:
            now = time.perf_counter()
            cpu = [cpu_seconds(p.pid) for p in procs]
            for i in range(n):
                left = sum(backlog(r, k) for k in keys[i]) if i not in done else 0
                if i not in began and left < count.get(i, 0):
                    began[i], cpu0[i] = last, last_cpu[i]
                if i in began and i not in done and left == 0:
                    done[i], cpu1[i] = now, cpu[i]
            last, last_cpu = now, cpu
            if now - t0 > 900:
                raise TimeoutError(f"{n} shards not drained in 900 s")
            time.sleep(0.05)
        span = {i: done[i] - began[i] for i in range(n)}
        total = max(done.values()) - min(began.values())
        redis_s = redis_cpu(r) - redis0  # start-up included: an upper bound
        raw = raw_rate(r, *(k for i in range(n) for k in keys[i]))  # one shard at a time
        return {
            "shards": n,
            "workers": n,
            "entries": len(entries),
            "xadd_s": round(sent, 2),
            "seconds": round(total, 2),
            "total_per_s": round(len(entries) / total),
            "per_shard_per_s": [round(count.get(i, 0) / span[i]) for i in range(n)],
            "per_worker_cpu_s": [
                round(count.get(i, 0) / max(1e-3, cpu1[i] - cpu0[i])) for i in range(n)
            ],
            "redis_cpu_us_per_entry": round(redis_s / len(entries) * 1e6, 1),
            "raw_xreadgroup_xack_per_s": round(raw),
        }
    finally:
        for p in procs:
            kill_group(p)
        keys_left = list(r.scan_iter(match=s.key_prefix + "*", count=1000))
        for key in keys_left:
            r.delete(key)
        r.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--readings", type=int, default=40_000)
    p.add_argument("--reports-share", type=float, default=0.02)
    p.add_argument("--shards", default="", help="default 1,2,4 (2,4 on a cluster)")
    p.add_argument("--cluster", action="store_true", help="a loopback Redis Cluster")
    p.add_argument("--database-url", default=None)
    args = p.parse_args()
    d = build_district()
    n_reports = int(args.readings * args.reports_share)
    entries = [(K.STREAM_SENSORS, e) for e in readings(d, args.readings)]
    step = max(1, len(entries) // max(1, n_reports))
    for j, rep in enumerate(reports(d, n_reports)):
        entries.insert(j * step, (K.STREAM_REPORTS, rep))
    rows = []
    with tempfile.TemporaryDirectory() as tmp, redis_url(args.cluster, Path(tmp)) as url:
        db = args.database_url or f"sqlite:///{tmp}/shards.db"
        base = Settings(redis_url=url, database_url=db, var_dir=Path(tmp))
        engine = store.make_engine(base)
        metadata.drop_all(engine)
        store.create_schema(engine)
        with engine.begin() as conn:
            store.save_reference(conn, reference_rows(d))
        env = {**os.environ, "REDIS_URL": url, "DATABASE_URL": db, "WATCHFLOOR_VAR": tmp,
               "WATCHFLOOR_LOG_LEVEL": "WARNING"}  # fmt: skip
        counts = args.shards or ("2,4" if args.cluster else "1,2,4")
        for n in (int(x) for x in counts.split(",")):
            with engine.begin() as conn:  # the same reports open incidents afresh each run
                for table in reversed(metadata.sorted_tables):
                    if table.name in ("incidents", "incident_events", "dead_letters"):
                        conn.execute(table.delete())
            row = one(n, base, env, entries, Path(tmp) / "logs")
            rows.append(row)
            print(json.dumps(row), flush=True)
        engine.dispose()
    load = os.getloadavg()
    backend = "cluster" if args.cluster else "one Valkey"
    avg = " ".join(f"{x:.1f}" for x in load)
    print(f"\nsharded ingest, {backend}, {len(entries):,} entries ({n_reports:,} reports), "
          f"load average {avg}")  # fmt: skip
    print("| shards = workers | total /s | per shard /s | raw XREADGROUP+XACK /s | s "
          "| per worker, entries per CPU-second | Redis CPU us/entry |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        per = ", ".join(f"{x:,}" for x in row["per_shard_per_s"])
        cpu = ", ".join(f"{x:,}" for x in row["per_worker_cpu_s"])
        print(f"| {row['shards']} | {row['total_per_s']:,} | {per} | "
              f"{row['raw_xreadgroup_xack_per_s']:,} | {row['seconds']} | {cpu} | "
              f"{row['redis_cpu_us_per_entry']} |")  # fmt: skip
    OUT.mkdir(exist_ok=True)
    (OUT / "shards.json").write_text(json.dumps({"backend": backend, "load": load, "rows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
