"""`make faults`: every data case, then the web suite (bench.faults_web), one table."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from bench.faults import cases
from bench.faults.harness import Row
from bench.faults.services import OwnPostgres

OUT = Path(__file__).parent.parent / "out"
HEAD = (
    *("case", "backend", "events", "kills", "lost", "dead-lettered-valid", "duplicates"),
    *("pending", "live==recount", "seconds", "ok"),
)


def plan(
    size: cases.Size, pg: Callable[[], OwnPostgres], cluster: bool = False, seed: int = 7
) -> dict[str, Callable[[Path], Row]]:
    if cluster:  # the cases a Redis Cluster adds: kills with shards, a primary killed
        return {
            "kills-cluster": lambda t: cases.kills(t, "sqlite", None, size, seed, cluster=True),
            "kills-cluster-pg": lambda t: cases.kills(
                t, "postgresql", pg().url, size, seed, cluster=True
            ),
            "primary-kill": lambda t: cases.primary_kill(t, "sqlite", None, size),
            "primary-kill-pg": lambda t: cases.primary_kill(t, "postgresql", pg().url, size),
        }
    return {
        "kills-sqlite": lambda t: cases.kills(t, "sqlite", None, size, seed),
        "kills-pg": lambda t: cases.kills(t, "postgresql", pg().url, size, seed),
        "redis-restart": lambda t: cases.redis_restart(t, "sqlite", None, size),
        "redis-wipe": lambda t: cases.redis_wipe(t, "sqlite", None, size),
        "pg-restart": lambda t: cases.pg_restart(t, pg(), size),
        "malformed-sqlite": lambda t: cases.malformed(t, "sqlite", None, size),
        "malformed-pg": lambda t: cases.malformed(t, "postgresql", pg().url, size),
    }


def line(row: Row) -> list[str]:
    f = row.figures
    return [
        row.case,
        row.backend,
        f"{row.events:,}",
        str(row.kills),
        str(f.lost),
        str(f.dead_valid),
        str(f.duplicates),
        str(f.pending),
        "yes" if f.live_ok else "no",
        f"{row.seconds:.0f}",
        "PASS" if row.ok else "FAIL",
    ]


def table(rows: list[Row]) -> str:
    cells = [list(HEAD), *(line(r) for r in rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEAD))]
    out = ["| " + " | ".join(c.ljust(w) for c, w in zip(cells[0], widths, strict=True)) + " |"]
    out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for c in cells[1:]:
        out.append("| " + " | ".join(x.ljust(w) for x, w in zip(c, widths, strict=True)) + " |")
    out.append("")
    for r in rows:
        out.append(f"- {r.case} ({r.backend}): " + "; ".join(r.notes))
    return "\n".join(out)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--short", action="store_true", help="the small sizes `make test` uses")
    p.add_argument("--case", action="append", help="run only these (repeatable)")
    p.add_argument("--no-web", action="store_true", help="skip bench.faults_web")
    p.add_argument(
        "--cluster",
        action="store_true",
        help="on a loopback Redis Cluster with 4 shards (also FAULTS_CLUSTER=1)",
    )
    p.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="run in DIR and keep it (workers' logs, the store) instead of a temporary one",
    )
    p.add_argument("--events", type=int, help="events of a kills run (instead of the size's)")
    p.add_argument("--kills", type=int, help="SIGKILLs of a kills run")
    p.add_argument("--seconds", type=float, help="seconds a kills run's load lasts")
    p.add_argument("--seed", type=int, default=7, help="of a kills run's load and kill moments")
    args = p.parse_args()
    size = cases.SHORT if args.short else cases.FULL
    over = {"events": args.events, "kills": args.kills, "seconds": args.seconds}
    size = dataclasses.replace(size, **{k: v for k, v in over.items() if v is not None})
    rows: list[Row] = []
    t0 = time.monotonic()
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    where = (
        contextlib.nullcontext(str(args.keep))
        if args.keep is not None
        else tempfile.TemporaryDirectory(prefix="wf-faults-")
    )
    with where as tmp:
        root = Path(tmp)
        own: list[OwnPostgres] = []

        def pg() -> OwnPostgres:
            if not own:
                own.append(OwnPostgres())
                own[0].start()
            return own[0]

        try:
            cluster = args.cluster or os.environ.get("FAULTS_CLUSTER") == "1"
            for name, run in plan(size, pg, cluster, args.seed).items():
                if args.case and name not in args.case:
                    continue
                print(f"faults: {name} ...", flush=True)
                try:
                    row = run(root / name)
                except Exception as exc:  # a case that cannot finish is a failure
                    traceback.print_exc()
                    row = Row(name, "-", notes=[f"error: {exc!r}"], extra_ok=False)
                rows.append(row)
                print(table([row]).splitlines()[2], flush=True)
        finally:
            for server in own:
                server.stop()
    print(f"\nfault suite (data), {time.monotonic() - t0:.0f} s\n")
    print(table(rows))
    OUT.mkdir(exist_ok=True)
    (OUT / "faults.json").write_text(
        json.dumps(
            [dict(zip(HEAD, line(r), strict=True)) | {"notes": r.notes} for r in rows],
            ensure_ascii=False,
            indent=2,
        )
    )
    code = 0 if all(r.ok for r in rows) else 1
    if not args.no_web and not args.case:
        if importlib.util.find_spec("bench.faults_web") is None:
            print("\nweb fault suite: bench/faults_web/ is not there yet")
        else:
            web = [sys.executable, "-m", "bench.faults_web", *(["--short"] if args.short else [])]
            code |= subprocess.call(web)
    return code


if __name__ == "__main__":
    sys.exit(main())
