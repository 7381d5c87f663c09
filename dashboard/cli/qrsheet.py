"""`watchfloor qr-sheet AREA_CODE --out FILE.pdf`: an area's building QR codes to print."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from feeds.settings import Settings

SUFFIXES = {".pdf": "pdf", ".html": "html"}


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "qr-sheet", help="A4 sheets of QR code labels, one per building of a street or community"
    )
    p.add_argument("area", metavar="AREA_CODE", help="a street, community or grid code")
    p.add_argument("--out", required=True, type=Path, help="FILE.pdf or FILE.html")
    p.add_argument(
        "--base-url",
        default=None,
        help="the address residents' phones open (default WATCHFLOOR_PUBLIC_URL)",
    )
    p.set_defaults(func=cmd_qr_sheet)


def cmd_qr_sheet(settings: Settings, args: argparse.Namespace) -> int:
    from dashboard.qrsheet import NoSheet, make_sheet, render
    from dashboard.reports.pdf import PdfError
    from feeds.store import make_engine

    out: Path = args.out
    fmt = SUFFIXES.get(out.suffix.lower())
    if fmt is None:
        print(f"--out must end in .pdf or .html, not {out.name!r}", file=sys.stderr)
        return 2
    base = (args.base_url or settings.public_url).rstrip("/")
    if not base:
        base = f"http://{settings.host}:{settings.port}"
        print(
            f"note: the QR codes open {base}; set WATCHFLOOR_PUBLIC_URL or --base-url "
            "to the address residents' phones reach",
            file=sys.stderr,
        )
    engine = make_engine(settings)
    try:
        sheet = make_sheet(engine, args.area, base)
        body = render(sheet, fmt, settings.chromium)
    except (NoSheet, PdfError) as exc:
        print(f"no sheet made: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(body)
    print(f"{sheet.title}: {len(sheet.labels)} labels on {sheet.pages} pages: {out}")
    return 0
