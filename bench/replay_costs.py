"""The replay benchmark's in-process costs: seeks with their snapshots as sent, the
snapshots' encoding alone, and one frame's step at a speed and frame rate; percentiles."""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

from feeds.replay import wire
from feeds.replay.engine import Replay


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))]


def seek_bench(replay: Replay, moments: list[int]) -> tuple[list[float], list[dict[str, Any]]]:
    times, snaps = [], []
    for t in moments:
        t0 = time.perf_counter()
        snap = replay.snapshot(replay.seek(t))
        wire.encode(snap)  # as the web process sends it
        times.append((time.perf_counter() - t0) * 1000)
        snaps.append(snap)
    return times, snaps


def json_costs(snaps: list[dict[str, Any]]) -> dict[str, float]:
    """The snapshots' encoding alone, median ms: as sent (msgspec) beside json.dumps."""

    def median_ms(encode: Any) -> float:
        got = []
        for snap in snaps:
            t0 = time.perf_counter()
            encode(snap)
            got.append((time.perf_counter() - t0) * 1000)
        return round(statistics.median(got), 1)

    return {
        "msgspec": median_ms(wire.encode),
        "json.dumps": median_ms(lambda s: json.dumps(s, ensure_ascii=False)),
    }


def step_bench(replay: Replay, start: int, seconds: float, speed: int, fps: int) -> list[float]:
    """In-process cost of one frame (advance + delta + JSON) at a speed and frame rate."""
    cur = replay.seek(start)
    replay.snapshot(cur)
    step = int(1000 * speed / fps)
    out = []
    t = start
    for _ in range(int(seconds * fps)):
        t += step
        t0 = time.perf_counter()
        ch = replay.advance(cur, t)
        if ch is None:
            cur = replay.seek(t)
            body = replay.snapshot(cur)
        else:
            body = replay.delta(cur, ch)
        wire.encode(body)
        out.append((time.perf_counter() - t0) * 1000)
    return out
