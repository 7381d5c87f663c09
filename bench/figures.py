"""Figures on a generated history: p95 of every figure query for a month, beside the
same figure from raw rows in the same run: the same function on the period one ms short
(not whole days, so no rollup is read: its raw-rows SQL) and, where written, the naive
way (the period's raw rows fetched and the figure computed in Python).

    .venv/bin/watchfloor history --days 365 --scale 3.5        # the year (DATABASE_URL)
    .venv/bin/python -m bench.figures --period 2025-12 [--runs 15]

The store is the configured one (DATABASE_URL or WATCHFLOOR_VAR's SQLite file).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, func, select

from feeds.clock import now_ms
from feeds.figures import compliance as live_compliance
from feeds.settings import Settings
from feeds.stats import (
    compliance,
    counts,
    headline,
    league,
    patrolling,
    places,
    satisfaction,
    sensing,
    supervision,
)
from feeds.stats.period import Period, parse
from feeds.stats.sql import in_period
from feeds.store import create_schema, make_engine
from feeds.tables import incidents, patrols


def raw_rows(conn: Connection, p: Period) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(select(incidents).where(in_period(p)))]


def naive_counts(conn: Connection, p: Period) -> Any:
    rows = raw_rows(conn, p)
    return Counter(r["category"] for r in rows), Counter(r["street"] for r in rows)


def naive_headline(conn: Connection, p: Period, now: int) -> Any:
    rows = raw_rows(conn, p)
    return len(rows), live_compliance(rows, now)


def naive_repeats(conn: Connection, p: Period) -> Any:
    got = Counter((r["address"], r["category"]) for r in raw_rows(conn, p) if r["address"])
    return [k for k, n in got.items() if n >= 3]


def naive_patrols(conn: Connection, p: Period) -> Any:
    """Coverage per grid from the period's check-ins, in Python."""
    t = patrols.c
    stmt = select(t.grid, t.address, t.ts, t.found).where(t.ts.between(p.start, p.end - 1))
    visited: dict[Any, set[str]] = {}
    days: dict[Any, set[int]] = {}
    n: Counter[Any] = Counter()
    for grid, address, ts, _found in conn.execute(stmt):
        visited.setdefault(grid, set()).add(address)
        days.setdefault(grid, set()).add((ts + p.offset_ms) // 86_400_000)
        n[grid] += 1
    return {g: (len(v), n[g], len(days[g])) for g, v in visited.items()}


def p95(fn: Callable[[Period], Any], q: Period, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return times[max(0, round(0.95 * len(times)) - 1)], statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--period", required=True, help="e.g. 2025-12 or 2026-11-01,2026-11-30")
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    settings = Settings.from_env()
    engine = make_engine(settings)
    create_schema(engine)  # indexes added since the history was made
    now = now_ms()
    p = parse(args.period, now, settings.timezone)
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(incidents)).scalar_one()
        in_p = conn.execute(select(func.count()).where(in_period(p))).scalar_one()
        print(f"store: {engine.dialect.name}, {total:,} incidents, {in_p:,} in {p.label}")
        Fig = Callable[[Period], Any]
        figures: list[tuple[str, Fig, Fig | None]] = [
            (
                "headline (rollups)",
                lambda q: headline.headline(conn, q, now),
                lambda q: naive_headline(conn, q, now),
            ),
            (
                "counts.by category",
                lambda q: counts.by(conn, q, "category"),
                lambda q: naive_counts(conn, q),
            ),
            (
                "counts.ranking street",
                lambda q: counts.ranking(conn, q, "street"),
                lambda q: naive_counts(conn, q),
            ),
            ("counts.hourly", lambda q: counts.hourly(conn, q), lambda q: naive_counts(conn, q)),
            ("counts.daily", lambda q: counts.daily(conn, q), lambda q: naive_counts(conn, q)),
            (
                "compliance all",
                lambda q: compliance.compliance(conn, q, now),
                lambda q: naive_headline(conn, q, now),
            ),
            ("compliance by unit", lambda q: compliance.compliance(conn, q, now, by="unit"), None),
            ("closure", lambda q: compliance.closure(conn, q, now), None),
            ("league", lambda q: league.league(conn, q, now), None),
            ("late_now", lambda q: supervision.late_now(conn, now), None),
            ("late_in_period", lambda q: supervision.late_in_period(conn, q, now), None),
            ("satisfaction", lambda q: satisfaction.satisfaction(conn, q), None),
            (
                "repeats building",
                lambda q: places.repeats(conn, q, "building"),
                lambda q: naive_repeats(conn, q),
            ),
            (
                "repeats grid",
                lambda q: places.repeats(conn, q, "grid"),
                lambda q: naive_repeats(conn, q),
            ),
            (
                "patrols.coverage",
                lambda q: patrolling.coverage(conn, q),
                lambda q: naive_patrols(conn, q),
            ),
            ("patrols.days_without", lambda q: patrolling.days_without_patrol(conn, q), None),
            ("sensing.alarms", lambda q: sensing.alarms(conn, q), None),
            ("sensing.crowd_peaks", lambda q: sensing.crowd_peaks(conn, q), None),
        ]
        # the same figure on the period one ms short: not whole days, so no rollup is
        # read (what the page does for "today so far"): the raw-rows plan in SQL
        raw = Period(p.start, p.end - 1, p.tz, area=p.area)
        print(
            f"{'figure':<24} {'p95 ms':>8} {'median':>8} {'raw SQL p95':>12} {'naive p95':>10}"
            f" {'<=300?':>7}"
        )
        for name, fn, naive in figures:
            a95, amed = p95(fn, p, args.runs)
            few = max(3, args.runs // 3)
            r95 = f"{p95(fn, raw, few)[0]:12.0f}"
            n95 = f"{p95(naive, p, few)[0]:10.0f}" if naive else f"{'-':>10}"
            ok = "yes" if a95 <= 300 else "NO"
            print(f"{name:<24} {a95:8.0f} {amed:8.0f} {r95} {n95} {ok:>7}")


if __name__ == "__main__":
    main()
