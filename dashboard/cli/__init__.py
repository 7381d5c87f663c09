"""The `watchfloor` command: run everything, or one process at a time.

Each module here adds its own subcommands (``add_commands``); a subcommand's
function takes the settings and its parsed arguments and returns the exit code.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from dashboard.cli import (
    accounts,
    check,
    cluster,
    geography,
    history,
    processes,
    qrsheet,
    report,
)
from dashboard.cli.accounts import first_run_accounts
from dashboard.cli.check import cmd_check
from dashboard.cli.processes import port_free
from feeds.settings import Settings

__all__ = ["build_parser", "cmd_check", "first_run_accounts", "main", "port_free"]

MODULES = (processes, check, accounts, history, report, geography, qrsheet, cluster)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="watchfloor", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    for module in MODULES:
        module.add_commands(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ValueError as exc:  # a setting that makes no sense: say which, no traceback
        print(f"watchfloor: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    code: int = args.func(settings, args)
    return code


if __name__ == "__main__":
    sys.exit(main())
