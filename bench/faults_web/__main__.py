"""``python -m bench.faults_web [--short]``: every case against a live system on our own
store, one table; exit status 0 when every case was refused or served as it should."""

from __future__ import annotations

import argparse
import sys
import time

from bench import faults_web
from bench.faults_web.suite import run, table
from bench.faults_web.system import own_store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.faults_web", description=faults_web.__doc__
    )
    parser.add_argument("--short", action="store_true", help="fewer parallel uploads")
    args = parser.parse_args(argv)
    started = time.monotonic()
    with own_store() as store:
        rows = run(store, short=args.short)
    print(table(rows))
    print(f"({time.monotonic() - started:.0f} s)")
    return 0 if all(r[4] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
