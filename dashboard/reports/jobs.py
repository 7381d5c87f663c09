"""Reports made by themselves, and those leaders ask for: one loop per web process.

Every round it asks for what is due (yesterday's daily report once the morning has come;
last month's report per street from the 1st) and then makes whatever is queued. Asking
is idempotent (the report's id is what it covers) and making is claimed with a
conditional UPDATE, so any number of web processes make each report once; a maker that
dies mid-way stops beating and another takes the report over.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from dashboard.reports import making
from dashboard.reports.pdf import PdfError
from feeds import queries
from feeds import reports as store
from feeds.clock import now_ms
from feeds.settings import Settings

log = logging.getLogger("watchfloor.reports")
POLL_S: Final = 5.0
SCHEDULER: Final = "scheduler"


def owner_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{threading.get_ident()}"


def due(now: int, tz: str, hour: int) -> list[making.Ask]:
    """What should exist by now: yesterday's daily report once it is ``hour`` o'clock
    (local), and on and after the 1st, last month's report of every street (filled in
    by ``streets``). Pure, so that it can be tested at any moment."""
    local = datetime.fromtimestamp(now / 1000, ZoneInfo(tz))
    if local.hour < hour:
        return []
    today = local.date()
    out = [making.daily(today - timedelta(days=1))]
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    out.append(making.Ask("grid", month=last_month, area=""))
    return out


def ask(engine: Engine, a: making.Ask, by: str, now: int, again: bool = False) -> bool:
    with engine.begin() as conn:
        name = ""
        if a.area:
            name = queries.area_names(conn, [a.area]).get(a.area, a.area)
        return store.ask(
            conn, a.report_id, a.kind, a.params(), making.title_of(a, name), by, now, again
        )


def schedule(engine: Engine, settings: Settings, now: int) -> int:
    """Ask for every report due now (those already there are left alone)."""
    asked = 0
    for a in due(now, settings.timezone, settings.reports_hour):
        if a.kind == "grid" and not a.area:
            with engine.connect() as conn:
                streets = [s["code"] for s in queries.area_options(conn, "street")]
            for street in streets:
                one = making.Ask("grid", month=a.month, area=street)
                asked += ask(engine, one, SCHEDULER, now)
        else:
            asked += ask(engine, a, SCHEDULER, now)
    return asked


def make_next(engine: Engine, settings: Settings, owner: str) -> str | None:
    """Claim one queued report and make it; its id, or None when nothing was waiting."""
    with engine.begin() as conn:
        row = store.claim(conn, owner, now_ms())
    if row is None:
        return None
    rid = str(row["id"])

    def progress(pct: int, step: str) -> None:
        with engine.begin() as conn:
            if not store.progress(conn, rid, owner, pct, step, now_ms()):
                raise LookupError(f"report {rid} was taken over")

    try:
        a = making.Ask.of(row["params"])
        made = making.make(engine, settings, a, now_ms(), progress=progress)
    except LookupError as exc:
        log.warning("%s", exc)
        return rid
    except (ValueError, KeyError, PdfError, OSError) as exc:
        log.exception("report %s failed", rid)
        with engine.begin() as conn:
            store.fail(conn, rid, owner, f"{type(exc).__name__}: {exc}", now_ms())
        return rid
    with engine.begin() as conn:
        store.finish(conn, rid, owner, made.files, now_ms())
    log.info("report %s made (%s)", rid, ", ".join(made.files))
    return rid


class Runner:
    """The loop, in a daemon thread of the web process."""

    def __init__(self, engine: Engine, settings: Settings, poll_s: float = POLL_S) -> None:
        self.engine = engine
        self.settings = settings
        self.poll_s = poll_s
        self.stop = threading.Event()
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self.run, name="wf-reports", daemon=True)
        self.thread.start()

    def close(self, timeout: float = 10.0) -> None:
        self.stop.set()
        self.wake.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def run(self) -> None:
        owner = owner_name()
        while not self.stop.is_set():
            try:
                if self.settings.reports_auto:
                    schedule(self.engine, self.settings, now_ms())
                while not self.stop.is_set() and make_next(self.engine, self.settings, owner):
                    pass
            except Exception:  # the loop must survive a bad round (database away, ...)
                log.exception("reports round failed")
            self.wake.wait(self.poll_s)
            self.wake.clear()


def daily_of(text: str) -> making.Ask:
    return making.daily(date.fromisoformat(text))
