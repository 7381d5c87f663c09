"""Replay on a generated year: seek to random moments, and frames on the wall at 60x in
headless Chromium, beside the naive way (every frame rebuilt from all raw rows).

    python -m bench.replay [--db PATH | --database-url URL] [--seeks 40] [--naive 3]

Uses the store named (default var/bench-replay/watchfloor.db, SQLite); when it holds no
history it first runs the history generator (`watchfloor history --days 365 --scale 3`,
>500,000 incidents with their trails and a year of per-minute crowd history). Then:
1. seek: Replay.seek + the snapshot as JSON at --seeks random moments of the year;
2. naive: the same snapshot rebuilt from all raw rows at --naive of those moments (and
   checked equal to the engine's);
3. frames: a web process on the store, a wall in headless Chromium replaying a
   fireworks evening at 60x through /ws/replay, assets/live.js and assets/wall.js (the
   live wall's update path): frames a second received and drawn, and replayed seconds
   per wall second; beside it, the frames a second the naive rebuild could make.
Prints a table; writes bench/out/replay.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select

from bench.ingest import OUT
from bench.replay_browser import browser_frames
from bench.replay_costs import json_costs, pct, seek_bench, step_bench
from bench.replay_naive import naive_snapshot
from feeds import store
from feeds.clock import now_ms
from feeds.replay.engine import Fixed, Replay
from feeds.replay.period import local
from feeds.seed import ensure_reference
from feeds.settings import Settings
from feeds.tables import incident_events, incidents, reading_minutes

COMPARED = ("grids", "incidents", "board", "headline", "zones", "sensors", "compliance")


def ensure_history(settings: Settings, engine: Engine, days: int, scale: float) -> None:
    ensure_reference(engine)
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(incidents)).scalar_one()
    if n >= 1000:
        return
    from feeds.history.load import generate
    from feeds.sla import SlaPolicy
    from feeds.workdays import WorkCalendar

    policy = SlaPolicy.load(None, settings.timezone, WorkCalendar.load(settings.calendar_dir))
    print(f"generating {days} days of history (scale {scale}) ...", file=sys.stderr)
    totals = generate(engine, policy, days, now_ms(), scale=scale)
    print(totals.line(), file=sys.stderr)


def sizes(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (incidents, incident_events, reading_minutes)
        }


def fireworks_evening(first: int, last: int, tz: str) -> int:
    """19:30 local on the latest fireworks night in the history (else the latest evening)."""
    from feeds.history.day import fireworks_night

    zone = ZoneInfo(tz)
    d = datetime.fromtimestamp(last / 1000, zone).date() - timedelta(days=1)
    lo = datetime.fromtimestamp(first / 1000, zone).date()
    probe: date = d
    while probe > lo and not fireworks_night(probe):
        probe -= timedelta(days=1)
    day = probe if probe > lo else d
    return int(datetime(day.year, day.month, day.day, 19, 30, tzinfo=zone).timestamp() * 1000)


def run(args: argparse.Namespace) -> dict[str, Any]:
    url = args.database_url or f"sqlite:///{Path(args.db).resolve()}"
    Path(args.db).parent.mkdir(parents=True, exist_ok=True)
    settings = Settings(database_url=url, var_dir=Path(args.db).parent)
    engine = store.make_engine(settings)
    ensure_history(settings, engine, args.days, args.scale)
    store.create_schema(engine)  # the replay's indexes on a store made before them
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:  # planner statistics after a bulk load (autovacuum's job)
            conn.exec_driver_sql("ANALYZE")
    with engine.connect() as conn:
        first, last = conn.execute(
            select(func.min(incidents.c.reported_at), func.max(incidents.c.reported_at))
        ).one()
        fixed = Fixed.load(conn)
    replay = Replay(engine, fixed, settings.timezone)
    rng = random.Random(args.seed)
    moments = [rng.randint(first + 86_400_000, last) for _ in range(args.seeks)]
    out: dict[str, Any] = {"store": engine.dialect.name, "rows": sizes(engine)}
    print(f"{out['rows']}; seeking to {args.seeks} moments", file=sys.stderr)
    replay.snapshot(replay.seek(moments[0]))  # warm the caches once
    seek_ms, snaps = seek_bench(replay, moments)
    naive_ms, same = [], True
    for t, snap in list(zip(moments, snaps, strict=True))[: args.naive]:
        t0 = time.perf_counter()
        naive = naive_snapshot(replay, engine, t)
        json.dumps(naive, ensure_ascii=False)
        naive_ms.append((time.perf_counter() - t0) * 1000)
        same = same and all(naive[k] == snap[k] for k in COMPARED)
    evening = fireworks_evening(first, last, settings.timezone)
    frame_ms = step_bench(replay, evening, seconds=30, speed=60, fps=12)
    out["seek"] = {
        "n": len(seek_ms),
        "p50_ms": round(pct(seek_ms, 50), 1),
        "p95_ms": round(pct(seek_ms, 95), 1),
        "max_ms": round(max(seek_ms), 1),
        "open_incidents_median": int(statistics.median(len(s["incidents"]) for s in snaps)),
        "json_ms": json_costs(snaps),
    }
    out["naive"] = (
        {}
        if not naive_ms
        else {
            "n": len(naive_ms),
            "p50_ms": round(pct(naive_ms, 50), 1),
            "max_ms": round(max(naive_ms), 1),
            "frames_per_s": round(1000 / statistics.mean(naive_ms), 2),
            "same_snapshot_as_engine": same,
        }
    )
    out["frame_in_process"] = {
        "speed": 60,
        "p50_ms": round(pct(frame_ms, 50), 2),
        "p95_ms": round(pct(frame_ms, 95), 2),
        "max_frames_per_s": round(1000 / statistics.mean(frame_ms), 1),
        "evening": local(evening, settings.timezone),
    }
    print(json.dumps(out), file=sys.stderr, flush=True)
    if not args.no_browser:
        out["browser"] = browser_frames(settings, engine, evening, args.browser_seconds, 60)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--db", default="var/bench-replay/watchfloor.db")
    p.add_argument("--database-url", default=None)
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--scale", type=float, default=3.0)
    p.add_argument("--seeks", type=int, default=40)
    p.add_argument("--naive", type=int, default=3)
    p.add_argument("--seed", type=int, default=8)
    p.add_argument("--browser-seconds", type=float, default=15.0)
    p.add_argument("--no-browser", action="store_true")
    OUT.mkdir(exist_ok=True)
    res = run(p.parse_args())
    (OUT / "replay.json").write_text(json.dumps(res, indent=2, ensure_ascii=False))
    print(f"\nreplay benchmark on {res['store']}: {res['rows']}")
    s, f = res["seek"], res["frame_in_process"]
    n = res["naive"] or {
        "p50_ms": "-",
        "max_ms": "-",
        "frames_per_s": "-",
        "same_snapshot_as_engine": "-",
    }
    print(f"{'':34}{'engine (windows + indexes)':>30}{'naive (all raw rows)':>26}")
    print(f"{'seek p50 ms':34}{s['p50_ms']:>30}{n['p50_ms']:>26}")
    print(f"{'seek p95 ms':34}{s['p95_ms']:>30}{'-':>26}")
    js = s["json_ms"]
    print(f"{'snapshot JSON ms (msgspec/json)':34}{js['msgspec']:>30}{js['json.dumps']:>26}")
    print(f"{'seek max ms':34}{s['max_ms']:>30}{n['max_ms']:>26}")
    print(
        f"{'frames/s possible (in process)':34}{f['max_frames_per_s']:>30}{n['frames_per_s']:>26}"
    )
    print(f"{'frame p95 ms at 60x (in process)':34}{f['p95_ms']:>30}{n['max_ms']:>26}")
    print(f"naive snapshot identical to the engine's: {n['same_snapshot_as_engine']}")
    if "browser" in res:
        b = res["browser"]
        print(
            f"wall in Chromium at 60x ({f['evening']}): {b['frames_per_s']} frames/s drawn, "
            f"{b['replayed_s_per_s']} replayed s per s, gap p95 {b['gap_p95_ms']} ms, "
            f"max {b['gap_max_ms']} ms"
        )


if __name__ == "__main__":
    main()
