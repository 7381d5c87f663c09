"""Writes generated days into the store: bulk inserts, idempotent (a day's ids are fixed,
rows already there are left alone), rollups filled for what was new.

Speed (a year at scale 3.5 is ~10 million rows): the days are made in ``MAKERS`` other
processes while this one writes them in order (each day's rows depend on its date alone); rows go
through the driver (``bulk``); rollups are added from the rows in memory every
``CHUNK_DAYS`` days, in the same transaction as those days (``rollups``).
"""

from __future__ import annotations

import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, select

from feeds import numbering
from feeds.history import bulk
from feeds.history.crowds import crowd_minutes
from feeds.history.day import DayMaker, days_before
from feeds.history.places import Places
from feeds.history.rollups import Pending
from feeds.patrols import rows_of
from feeds.reference import Reference
from feeds.schemas import Patrol
from feeds.sim.patrols import Patrols
from feeds.sla import SlaPolicy
from feeds.stats import residents
from feeds.stats.period import local_date, local_midnight
from feeds.tables import incident_events, incident_facts, incidents, patrols, reading_minutes, units

Row = dict[str, Any]
CHUNK_DAYS = 8  # days per transaction (and per rollup flush)
MAKERS = 2  # processes making days (making one costs about as much as storing it)
AHEAD = 2 * MAKERS  # days made ahead of the writer


@dataclass
class Totals:
    days: int = 0
    incidents: int = 0
    events: int = 0
    minutes: int = 0
    patrols: int = 0
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return self.incidents + self.events + self.minutes + self.patrols

    def line(self) -> str:
        rate = self.rows / self.seconds if self.seconds else 0.0
        return (
            f"{self.days} days: {self.incidents:,} incidents, {self.events:,} trail events, "
            f"{self.patrols:,} patrol check-ins, {self.minutes:,} crowd minutes "
            f"in {self.seconds:.1f} s ({rate:,.0f} rows/s)"
        )


@dataclass
class DayRows:
    day: date
    incidents: list[Row]
    trail: list[Row]
    patrols: list[Row]
    minutes: list[Row]


@dataclass
class Making:
    """Everything a day is made from (pure: no store, no clock)."""

    maker: DayMaker
    walks: Patrols
    ref: Reference
    policy: SlaPolicy
    today: date
    now: int
    seed: int
    crowd: bool

    def day(self, d: date) -> DayRows:
        rows, trail = self.maker.day(d, self.today, self.now)
        tz = self.policy.timezone
        minutes = crowd_minutes(self.ref, d, tz, self.seed, self.now) if self.crowd else []
        return DayRows(d, rows, trail, self._patrols(d), minutes)

    def _patrols(self, d: date) -> list[Row]:
        """The day's patrol check-ins (fewer on days off), placed like the worker does."""
        midnight = local_midnight(d, self.policy.timezone)
        factor = 1.0 if self.policy.calendar.is_working(d) else 0.35
        events: list[Patrol] = []
        base = d.toordinal() * 24
        for h in range(24):
            for c in self.walks.in_hour(base + h, factor):
                ts = midnight + int((c.t - base * 3600) * 1000)
                if ts <= self.now:
                    pid = f"HP{d:%Y%m%d}-{len(events):05d}"
                    events.append(
                        Patrol(id=pid, worker=c.worker, address=c.address, ts=ts, found=c.found)
                    )
        return rows_of(events, self.ref)[0]


_MAKING: Making | None = None  # the maker process's, inherited through fork
_ENGINE: Engine | None = None


def _child_start() -> None:
    # the parent's pooled connections came along with the fork: leave them to it
    if _ENGINE is not None:
        _ENGINE.dispose(close=False)


def _make(d: date) -> DayRows:
    assert _MAKING is not None
    return _MAKING.day(d)


def _days(making: Making, engine: Engine, ds: list[date], parallel: bool) -> Iterator[DayRows]:
    if not parallel or "fork" not in multiprocessing.get_all_start_methods():
        yield from (making.day(d) for d in ds)
        return
    global _MAKING, _ENGINE
    _MAKING, _ENGINE = making, engine
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(MAKERS, mp_context=ctx, initializer=_child_start) as pool:
        queued: deque[Future[DayRows]] = deque()
        todo = iter(ds)
        for d in todo:
            queued.append(pool.submit(_make, d))
            if len(queued) >= AHEAD:
                break
        while queued:
            got = queued.popleft().result()
            nxt = next(todo, None)
            if nxt is not None:
                queued.append(pool.submit(_make, nxt))
            yield got
    _MAKING = _ENGINE = None


def generate(
    engine: Engine,
    policy: SlaPolicy,
    days: int,
    now: int,
    scale: float = 1.0,
    seed: int = 2026,
    crowd: bool = True,
    progress: Callable[[str], None] | None = None,
    parallel: bool | None = None,
) -> Totals:
    """Add ``days`` days of history before today (local) to the store. ``parallel``:
    make days in a second process (default: for more than a few days)."""
    t0 = time.perf_counter()
    with engine.connect() as conn:
        ref = Reference.load(conn)
        kinds = dict(conn.execute(select(units.c.id, units.c.kind)).all())
    maker = DayMaker(ref, Places.of(ref, kinds), policy, seed, scale)
    walks = Patrols([(c, b[2]) for c, b in ref.buildings.items()], seed, scale)
    today = local_date(now, policy.timezone)
    making = Making(maker, walks, ref, policy, today, now, seed, crowd)
    totals = Totals()
    with engine.begin() as conn:
        residents.seed(conn)
    ds = days_before(today, days)
    use_pool = days > 3 if parallel is None else parallel
    with engine.connect() as conn:
        bulk.bulk_pragmas(conn)
        pending = Pending()
        tx = conn.begin()
        for k, day in enumerate(_days(making, engine, ds, use_pool)):
            _write_day(conn, day, policy.timezone, pending, totals)
            totals.days += 1
            if (k + 1) % CHUNK_DAYS == 0 or k + 1 == len(ds):
                pending.flush(conn)
                tx.commit()
                tx = conn.begin()
            totals.seconds = time.perf_counter() - t0
            if progress:
                left = (len(ds) - totals.days) * totals.seconds / totals.days
                progress(f"\r{day.day.isoformat()}  {totals.line()}, ~{left:,.0f} s left ")
        tx.commit()
    totals.seconds = time.perf_counter() - t0
    return totals


def _write_day(conn: Connection, day: DayRows, tz: str, pending: Pending, totals: Totals) -> None:
    d = day.day
    there = bulk.present(conn, incidents, "id", f"H{d:%Y%m%d}-", f"H{d:%Y%m%d}.")
    created = [r for r in day.incidents if r["id"] not in there]
    new = {r["id"] for r in created}
    fresh = [t for t in day.trail if t["incident_id"] in new]
    numbering.assign(conn, created, tz)
    bulk.put(conn, incidents, created)
    bulk.put(conn, incident_events, fresh)
    bulk.put(conn, incident_facts, pending.add(created, fresh, tz))
    totals.incidents += len(created)
    totals.events += len(fresh)
    walked = bulk.present(conn, patrols, "id", f"HP{d:%Y%m%d}-", f"HP{d:%Y%m%d}.")
    walks = [p for p in day.patrols if p["id"] not in walked]
    totals.patrols += bulk.put(conn, patrols, walks)
    pending.add_patrols(walks, tz)
    if day.minutes:
        lo, hi = day.minutes[0]["minute"], day.minutes[-1]["minute"]
        keys = {m["key"] for m in day.minutes}
        held = bulk.minutes_present(conn, reading_minutes, keys, min(lo, hi), max(lo, hi))
        absent = [m for m in day.minutes if (m["key"], m["minute"]) not in held]
        totals.minutes += bulk.put(conn, reading_minutes, absent)
        pending.add_minutes(absent)
