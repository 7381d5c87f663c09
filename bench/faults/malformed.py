"""Malformed entries of every kind a hostile or broken producer sends, each of which must
be dead-lettered with a reason (never crash a worker, never hold up good entries)."""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.faults.check import dead_by_event
from bench.faults.harness import PREFIX, Producer, Row, Size, System, finish, system
from bench.faults.load import make_load
from bench.faults.services import wait_for
from feeds import constants as K
from feeds.reference import Reference

Bad = tuple[str, str, dict[Any, Any]]  # kind, stream, fields (str or raw bytes)
MB = 1024 * 1024


def kinds(
    ref: Reference, idle: list[str], closed: list[str]
) -> dict[str, Callable[[random.Random, int], Bad]]:
    """kind -> maker(rng, n) of one bad entry. ``idle``: good reports no action ever moves
    (still "reported" at the end); ``closed``: good reports closed early in the run."""
    sensor = sorted(ref.sensors.values(), key=lambda s: s.id)
    crowd = next(s for s in sensor if s.kind == "crowd")
    gas = next(s for s in sensor if s.kind == "gas")
    building = sorted(ref.buildings)[0]
    now = "1764000000000"

    def rep(n: int, **over: Any) -> dict[str, Any]:
        base: dict[str, Any] = {"v": "1", "id": f"bad-r{n}", "source": "qr", "kind": "complaint"}
        base.update(category="environment", ts=now, address=building, text="x")
        base.update(over)
        return {k: v for k, v in base.items() if v is not None}

    def read(n: int, s: Any = gas, **over: Any) -> dict[str, Any]:
        base: dict[str, Any] = {"v": "1", "id": f"bad-s{n}", "sensor": s.id, "kind": s.kind}
        base.update(value="1", unit="x", ts=now)
        base.update(over)
        return {k: v for k, v in base.items() if v is not None}

    def act(n: int, **over: Any) -> dict[str, Any]:
        base: dict[str, Any] = {"v": "1", "id": f"bad-a{n}", "action": "accept", "actor": "x"}
        base.update(incident=idle[n % len(idle)], ts=now)
        base.update(over)
        return {k: v for k, v in base.items() if v is not None}

    S, R, A = K.STREAM_SENSORS, K.STREAM_REPORTS, K.STREAM_ACTIONS
    return {
        "utf8-report": lambda g, n: ("utf8", R, rep(n, text=b"\xff\xfe\xc3(" * 4)),
        "utf8-reading": lambda g, n: ("utf8", S, read(n, sensor=b"\xc3\x28bad")),
        "utf8-action": lambda g, n: ("utf8", A, act(n, actor=b"\x80\x81")),
        "utf8-key": lambda g, n: ("utf8", S, {**read(n), **{b"\xfe\xff": "1"}}),
        "1mb-text": lambda g, n: ("1mb", R, rep(n, text="垃" * (MB // 3))),
        "1mb-note": lambda g, n: ("1mb", A, act(n, action="comment", note="x" * MB)),
        "1mb-unit": lambda g, n: ("1mb", S, read(n, unit="u" * MB)),
        "nan": lambda g, n: ("nan/inf", S, read(n, value="nan")),
        "inf": lambda g, n: ("nan/inf", S, read(n, value=g.choice(["inf", "-inf", "Infinity"]))),
        "huge-crowd": lambda g, n: ("nan/inf", S, read(n, crowd, value="-1e15")),
        "lon-range": lambda g, n: ("coords", R, rep(n, address=None, lon="200", lat="30.2")),
        "far-away": lambda g, n: ("coords", R, rep(n, address=None, lon="100.0", lat="10.0")),
        "unknown-address": lambda g, n: ("unknown", R, rep(n, address=f"nowhere-{n}")),
        "unknown-incident": lambda g, n: ("unknown", A, act(n, incident=f"never-{n}")),
        "unknown-unit": lambda g, n: ("unknown", A, act(n, action="escalate", units='["nou"]')),
        "unknown-sensor": lambda g, n: ("sensor", S, read(n, sensor=f"ghost-{n}", kind="gas")),
        # never valid: refused at once; could still become valid: refused after the wait
        "closed-order": lambda g, n: (
            "order",
            A,
            act(n, incident=closed[n % len(closed)], action=g.choice(["accept", "arrive"])),
        ),
        "wait-order": lambda g, n: ("order", A, act(n, action=g.choice(["close", "arrive"]))),
        "missing-id": lambda g, n: ("missing", R, rep(n, id=None)),
        "missing-ts": lambda g, n: ("missing", S, read(n, ts=None)),
        "missing-action": lambda g, n: ("missing", A, act(n, action=None)),
        "no-fields": lambda g, n: ("missing", S, {"junk": str(n)}),
        "type-ts": lambda g, n: ("types", R, rep(n, ts="yesterday")),
        "type-value": lambda g, n: ("types", S, read(n, value="high")),
        "type-rating": lambda g, n: ("types", A, act(n, action="rate", rating="five")),
        "type-photos": lambda g, n: ("types", R, rep(n, photos="a.jpg")),
        "photo-path": lambda g, n: ("types", R, rep(n, photos='["a/../../logout"]')),
        "bad-category": lambda g, n: ("types", R, rep(n, category="<script>")),
    }


def make_bad(
    ref: Reference, idle: list[str], closed: list[str], n: int, seed: int = 3
) -> list[Bad]:
    """``n`` bad entries: every kind, 1 MB ones capped (they cost a megabyte each)."""
    rng = random.Random(seed)
    makers = kinds(ref, idle, closed)
    big = [k for k in makers if k.startswith("1mb")]
    small = [k for k in makers if k not in big]
    n_big = min(len(big) * 10, max(len(big), n // 100))
    out = [makers[big[i % len(big)]](rng, i) for i in range(n_big)]
    out += [makers[small[i % len(small)]](rng, n_big + i) for i in range(n - n_big)]
    rng.shuffle(out)
    return out


def case(tmp: Path, backend: str, database_url: str | None, size: Size) -> Row:
    """Bad entries of every kind between good ones; worker memory sampled throughout."""
    rng = random.Random(5)
    with system(tmp, database_url, park_wait_s=5) as sys_:
        load = make_load(sys_.ref, size.good, size.fault_seconds, "m", 31)
        at0, _stream, first = load.schedule[0]
        t0 = int(first["ts"]) - int(at0 * 1000)  # the load's clock: ts = t0 + send time
        idle = sorted(i for i, st in load.state.items() if st == "reported")
        closed_at: dict[str, float] = {}
        for at, stream, fields in load.schedule:
            if stream == K.STREAM_ACTIONS and load.state[fields["incident"]] == "closed":
                closed_at[fields["incident"]] = at
        # closed in the first half: their wrong-order actions come after the close
        closed = sorted(i for i, at in closed_at.items() if at < size.fault_seconds / 2)
        bad = make_bad(sys_.ref, idle, closed, size.malformed)
        good_n = len(load.schedule)
        for kind, stream, fields in bad:
            after = closed_at.get(fields.get("incident", "")) if kind == "order" else None
            lo = 0.0 if after is None else after + 1
            at = rng.uniform(lo, size.fault_seconds)
            if kind == "order":  # sent, and timed, after what makes it wrong
                fields["ts"] = str(t0 + int(at * 1000))
            load.schedule.append((at, stream, fields))
        order = sorted(range(len(load.schedule)), key=lambda i: load.schedule[i][0])
        load.schedule = [load.schedule[i] for i in order]
        kind_at = {pos: bad[i - good_n][:2] for pos, i in enumerate(order) if i >= good_n}
        row = Row("malformed", backend, len(load.schedule))
        (name,) = sys_.start_workers(1)
        sys_.wait_reading([name])
        rss: list[int] = []
        stop = threading.Event()
        sampler = threading.Thread(
            target=_sample_rss, args=(sys_.workers.pid(name), rss, stop), daemon=True
        )
        sampler.start()
        start = time.monotonic()
        producer = Producer(sys_, load, size.fault_seconds * 6 + 120)
        producer.run()
        if producer.error is not None:
            raise producer.error
        try:
            finish(sys_, row, load, size, start)
            missing: dict[str, int] = {}

            def accounted() -> bool:
                missing.clear()
                missing.update(_not_dead(sys_, producer.entry_ids, kind_at))
                return not missing

            with contextlib.suppress(TimeoutError):  # parked ones end after the wait
                wait_for(accounted, size.settle_s, "bad entries dead-lettered", 1.0)
        finally:
            stop.set()
            sampler.join(5)
        row.notes.append(f"{len(kind_at)} bad, {len(kind_at) - sum(missing.values())} refused")
        if missing:
            row.notes.append("not refused: " + ", ".join(f"{k} {v}" for k, v in missing.items()))
        mb = [v / 1024 for v in rss] or [0.0]
        flat = mb[-1] - mb[0] < 64
        row.notes.append(f"worker RSS {mb[0]:.0f} -> peak {max(mb):.0f} -> end {mb[-1]:.0f} MB")
        row.extra_ok = row.extra_ok and not missing and flat
        return row


def _not_dead(
    sys_: System, entry_ids: list[str], kind_at: dict[int, tuple[str, str]]
) -> dict[str, int]:
    """Bad entries, by kind, with no dead letter (unknown sensors: beyond the counter)."""
    dead = {entry for entry, reason, _e in dead_by_event(sys_.engine) if reason}
    missing: Counter[str] = Counter(
        kind for pos, (kind, stream) in kind_at.items() if f"{stream}/{entry_ids[pos]}" not in dead
    )
    if missing["sensor"]:
        r = sys_.client()
        try:
            counted = int(r.hget(PREFIX + "{live}:counters", "unknown_sensor_readings") or 0)
        finally:
            r.close()
        missing["sensor"] = max(0, missing["sensor"] - counted)
    return {k: n for k, n in missing.items() if n}


def _sample_rss(pid: int, out: list[int], stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        out.append(int(line.split()[1]))
        except OSError:
            return
        stop.wait(0.5)
