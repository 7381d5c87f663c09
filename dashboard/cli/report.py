"""`watchfloor report daily|grid ...`: a report to a file (.pdf, .html or .xlsx)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from feeds.settings import Settings

SUFFIXES = {".pdf": "pdf", ".html": "html", ".xlsx": "xlsx"}


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("report", help="write a report (daily, or a grid's month) to a file")
    kinds = p.add_subparsers(dest="kind", required=True)
    d = kinds.add_parser("daily", help="the daily report (城市运行日报) of one day")
    d.add_argument("--date", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
    d.add_argument("--out", required=True, type=Path, help="FILE.pdf, FILE.html or FILE.xlsx")
    d.set_defaults(func=cmd_report)
    g = kinds.add_parser("grid", help="the monthly report per grid (网格月度研判报告)")
    g.add_argument("--month", required=True, help="YYYY-MM")
    g.add_argument("--area", required=True, help="a grid code, or a community or street code")
    g.add_argument("--out", required=True, type=Path, help="FILE.pdf, FILE.html or FILE.xlsx")
    g.set_defaults(func=cmd_report)


def cmd_report(settings: Settings, args: argparse.Namespace) -> int:
    from dashboard.reports import making
    from dashboard.reports.pdf import PdfError
    from feeds.clock import now_ms
    from feeds.store import make_engine

    out: Path = args.out
    fmt = SUFFIXES.get(out.suffix.lower())
    if fmt is None:
        print(f"--out must end in .pdf, .html or .xlsx, not {out.name!r}", file=sys.stderr)
        return 2
    try:
        ask = (
            making.daily(args.date)
            if args.kind == "daily"
            else making.grid_month(args.month, args.area)
        )
    except ValueError as exc:
        print(f"bad --month: {exc}", file=sys.stderr)
        return 2
    engine = make_engine(settings)
    try:
        made = making.make(engine, settings, ask, now_ms(), formats=(fmt,))
    except (ValueError, PdfError) as exc:
        print(f"report not made: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(made.files[fmt])
    print(f"{made.title}: {out} ({len(made.files[fmt]):,} bytes)")
    return 0
