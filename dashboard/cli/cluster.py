"""`watchfloor cluster start|stop|status`: the loopback Redis Cluster (feeds/cluster.py)
that the tests use, for trying sharded ingest by hand.

    watchfloor cluster start            # 3 primaries + 3 replicas on 127.0.0.1:7000-7005
    export REDIS_URL=redis+cluster://127.0.0.1:7000 WATCHFLOOR_SHARDS=4
    watchfloor ingest & watchfloor ingest &  # each owns half the shards
    watchfloor cluster stop

The nodes run detached with their data under var/cluster/<port>; `stop` ends them (by
the process ids `start` wrote), `start` again brings the same cluster back.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal

from feeds.cluster import LoopbackCluster
from feeds.settings import Settings


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("cluster", help="a loopback Redis Cluster: 3 primaries, 3 replicas")
    p.add_argument("action", choices=("start", "stop", "status"))
    p.add_argument("--port", type=int, default=7000, help="first of six ports (default 7000)")
    p.set_defaults(func=cmd_cluster)


def cmd_cluster(settings: Settings, args: argparse.Namespace) -> int:
    base = settings.var_dir / "cluster"
    pids = base / "pids.json"
    if not 1024 <= args.port <= 55_530:
        print("watchfloor: --port must be 1024..55530 (a node's bus port is its port + 10000)")
        return 2
    ports = list(range(args.port, args.port + 6))
    cluster = LoopbackCluster(base, ports)
    if args.action == "start":
        cluster.start()
        base.mkdir(parents=True, exist_ok=True)
        pids.write_text(json.dumps(cluster.pids()))
        print(f"REDIS_URL={cluster.url}", flush=True)
        return 0
    known = (
        {int(k): int(v) for k, v in json.loads(pids.read_text()).items()} if pids.exists() else {}
    )
    if args.action == "status":
        up = [p for p in ports if _ping(cluster, p)]
        print(f"{len(up)} of 6 nodes up ({', '.join(map(str, up)) or 'none'}); {cluster.url}")
        return 0 if len(up) == 6 else 1
    for pid in known.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
    pids.unlink(missing_ok=True)
    print(f"stopped {len(known)} nodes")
    return 0


def _ping(cluster: LoopbackCluster, port: int) -> bool:
    c = cluster.node(port)
    try:
        return bool(c.ping())
    except Exception:  # a node that is down answers nothing
        return False
    finally:
        c.close()
