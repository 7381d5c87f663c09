"""`watchfloor history --days N`: realistic past days for demos, tests and benchmarks."""

from __future__ import annotations

import argparse
import sys

from feeds.settings import Settings


def cmd_history(settings: Settings, args: argparse.Namespace) -> int:
    from feeds.clock import now_ms
    from feeds.history.load import generate
    from feeds.seed import ensure_reference
    from feeds.sla import SlaPolicy
    from feeds.store import make_engine
    from feeds.workdays import WorkCalendar

    if args.days < 1 or args.scale <= 0:
        print("--days must be at least 1 and --scale above 0", file=sys.stderr)
        return 2
    engine = make_engine(settings)
    ensure_reference(engine)
    policy = SlaPolicy.load(
        settings.sla_file, settings.timezone, WorkCalendar.load(settings.calendar_dir)
    )

    def progress(line: str) -> None:
        sys.stderr.write(line)
        sys.stderr.flush()

    totals = generate(
        engine,
        policy,
        args.days,
        now_ms(),
        scale=args.scale,
        seed=args.seed,
        crowd=not args.no_crowd,
        progress=None if args.quiet else progress,
    )
    if not args.quiet:
        sys.stderr.write("\n")
    print(f"history added: {totals.line()}")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("history", help="add N days of realistic history before today (idempotent)")
    p.add_argument("--days", type=int, required=True)
    p.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="field reports x this (3.5 makes a year >500,000 incidents)",
    )
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--no-crowd", action="store_true", help="skip the per-minute crowd history")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_history)
