"""A small, varied history over chosen days for the figures page and reports tests:
reports from every source at random buildings, handled fast or late by real units,
some rated, a few sensor alarms; sent through the real ingest worker."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from feeds.ingest import Worker
from feeds.reference import Reference
from tests.stats_history import TZ, History

CATEGORIES = ("environment", "property", "parking", "neighbour", "construction", "safety")
SOURCES = ("qr", "qr", "qr", "patrol", "hotline")
KINDS = {"qr": "complaint", "patrol": "finding", "hotline": "complaint"}


def build(
    worker: Worker,
    ref: Reference,
    first: date,
    days: int,
    per_day: int = 12,
    seed: int = 7,
    buildings: list[str] | None = None,
    units: list[str] | None = None,
) -> History:
    """``per_day`` reports a day for ``days`` days from ``first``; returns the history sent."""
    rng = random.Random(seed)
    zone = ZoneInfo(TZ)
    h = History(ref, f"fh{uuid.uuid4().hex[:6]}")
    codes = buildings or [
        "330108-000001",
        "330108-000002",
        "330108-000003",
        "330108-000040",
        "330108-000400",
        "330108-001200",
        "330108-003000",
        "330108-006000",
    ]
    who = units or ["BJ01-LE1", "BJ01-LE2", "BJ01-GW", "BJ02-LE1"]
    for day in range(days):
        d = first + timedelta(days=day)
        for k in range(per_day):
            hour = rng.choice((8, 9, 10, 10, 11, 14, 15, 16, 19, 20, 21))
            t0 = int(datetime.combine(d, time(hour, rng.randrange(60)), zone).timestamp() * 1000)
            source = rng.choice(SOURCES)
            iid = h.report(
                f"d{day}k{k}",
                t0,
                rng.choice(codes),
                source=source,
                kind=KINDS[source],
                category=rng.choice(CATEGORIES),
                priority="urgent" if rng.random() < 0.2 else "ordinary",
            )
            fast = rng.random() < 0.75
            h.act(iid, "accept", t0 + (20_000 if fast else 95_000))
            h.act(iid, "dispatch", t0 + (90_000 if fast else 250_000), unit=rng.choice(who))
            h.act(iid, "arrive", t0 + (240_000 if fast else 420_000))
            if rng.random() < 0.8:
                h.act(iid, "resolve", t0 + rng.choice((2, 5, 20, 30)) * 3_600_000)
                if rng.random() < 0.5:
                    note = rng.choice(("处理及时", "", "态度好"))
                    extra = {"note": note} if note else {}
                    h.act(
                        iid,
                        "rate",
                        t0 + 40 * 3_600_000,
                        rating=rng.choice((3, 4, 5, 5, 5)),
                        **extra,
                    )
        for k in range(2):
            t0 = int(datetime.combine(d, time(12 + k, 0), zone).timestamp() * 1000)
            h.report(
                f"s{day}k{k}",
                t0,
                codes[0],
                source="sensor",
                kind="alarm",
                category="muck_truck" if k == 0 else "fume",
            )
    h.load(worker)
    return h
