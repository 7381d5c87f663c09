"""Geography commands: import-grids, import-addresses, geo-versions."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from feeds.geography.words import say
from feeds.settings import Settings


class ProgressLine:
    """A progress bar on stderr: redrawn in place on a terminal, a line per tenth if not."""

    def __init__(self, out: TextIO = sys.stderr) -> None:
        self.out = out
        self.tty = out.isatty()
        self.last: tuple[str, int] = ("", -1)
        self.start = time.monotonic()

    def __call__(self, stage: str, done: int, total: int) -> None:
        share = done / total if total else 1.0
        step = int(share * (50 if self.tty else 10))
        if (stage, step) == self.last:
            return
        self.last = (stage, step)
        bar = "#" * int(share * 30)
        line = (
            f"{say(stage)} [{bar:<30}] {share:4.0%} {done}/{total} "
            f"{time.monotonic() - self.start:.1f}s"
        )
        if self.tty:
            self.out.write("\r" + line + ("\n" if done >= total else ""))
        else:
            self.out.write(line + "\n")
        self.out.flush()


def render(summary: dict[str, Any]) -> str:
    """The report as text, both languages."""
    lines: list[str] = []
    problem = summary.get("problem")
    if problem:
        lines.append(f"{say('errors')}: {say(problem['kind'])}: {problem['detail']}")
        return "\n".join(lines)
    counts = summary.get("counts", {})
    if counts:
        lines.append(say("counts") + ":")
        lines += [f"  {say(level)}: {n}" for level, n in counts.items()]
    for note in summary.get("notes", []):
        lines.append(f"{say('warnings')}: {say(note)}")
    for heading in ("errors", "warnings"):
        groups = summary.get(heading) or {}
        if groups:
            lines.append(say(heading) + ":")
        for kind, group in groups.items():
            lines.append(f"  {say(kind)}: {group['count']}")
            for code, detail in group["items"]:
                lines.append(f"    {code}" + (f"  {detail}" if detail else ""))
            if group["count"] > len(group["items"]):
                lines.append(f"    … +{group['count'] - len(group['items'])}")
    repaired = summary.get("repaired") or {}
    if repaired.get("count"):
        lines.append(f"{say('repaired')}: {repaired['count']}  {' '.join(repaired['items'])}")
    if summary.get("dry_run") and summary.get("ok"):
        lines.append(say("dry_run"))
    elif summary.get("version") is not None:
        lines.append(say("imported", n=summary["version"]))
    return "\n".join(lines)


def _announcer(settings: Settings) -> Any:
    if not settings.redis_url:
        return None
    from feeds.connections import redis_client
    from feeds.geography.switch import announce

    r = redis_client(settings.redis_url)
    return lambda version: announce(r, settings, version)


def _finish(summary: dict[str, Any], as_json: bool, settings: Settings) -> int:
    print(json.dumps(summary, ensure_ascii=False, indent=1) if as_json else render(summary))
    if summary.get("version") is not None and not settings.redis_url:
        print(
            "REDIS_URL 未设置：运行中的进程将在重启后使用新版本 / REDIS_URL is not set: "
            "running processes take the new version when they next start",
            file=sys.stderr,
        )
    return 0 if summary.get("ok") else 1


def _import(settings: Settings, args: argparse.Namespace, importer: Any, **options: Any) -> int:
    """One import (grids or addresses) on a store that has its district, then its report."""
    from feeds.seed import ensure_reference
    from feeds.store import make_engine

    engine = make_engine(settings)
    try:
        ensure_reference(engine)
        outcome = importer(
            engine,
            Path(args.file),
            crs=args.crs,
            dry_run=args.dry_run,
            progress=ProgressLine(),
            announce=None if args.dry_run else _announcer(settings),
            **options,
        )
    finally:
        engine.dispose()
    return _finish(outcome.summary(), args.json, settings)


def cmd_import_grids(settings: Settings, args: argparse.Namespace) -> int:
    from feeds.geography.grids import import_grids

    return _import(settings, args, import_grids, fields=args.fields)


def cmd_import_addresses(settings: Settings, args: argparse.Namespace) -> int:
    from feeds.geography.addresses import import_addresses

    return _import(settings, args, import_addresses)


def cmd_geo_versions(settings: Settings, _args: argparse.Namespace) -> int:
    from feeds.geography import versions
    from feeds.seed import ensure_reference
    from feeds.store import make_engine

    engine = make_engine(settings)
    try:
        ensure_reference(engine)
        with engine.connect() as conn:
            rows = versions.history(conn)
    finally:
        engine.dispose()
    for row in rows:
        when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(row["created_at"] / 1000))
        print(f"{row['version']:>4}  {when} UTC  {row['source']}  {row['counts']}")
    return 0


def add_commands(sub: Any) -> None:
    p = sub.add_parser("import-grids", help="import a grid file as a new geography version")
    p.add_argument("file", help="GeoJSON, Shapefile (.shp or .zip) or GeoPackage")
    p.add_argument("--dry-run", action="store_true", help="check and report only")
    p.add_argument("--fields", help="code=DM,level=JB,name=MC,parent=SJDM or a JSON file")
    p.add_argument("--crs", help="gcj02, bd09 or EPSG:N when the file's own is missing/wrong")
    p.add_argument("--json", action="store_true", help="the report as JSON")
    p.set_defaults(func=cmd_import_grids)
    p = sub.add_parser("import-addresses", help="import the address register (CSV, GeoPackage)")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="check and report only")
    p.add_argument("--crs", help="gcj02 or bd09 when the positions are in one of them")
    p.add_argument("--json", action="store_true", help="the report as JSON")
    p.set_defaults(func=cmd_import_addresses)
    p = sub.add_parser("geo-versions", help="the geography versions, newest first")
    p.set_defaults(func=cmd_geo_versions)
