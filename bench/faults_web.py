"""The web side of the fault suite: ``python -m bench.faults_web [--short]``.

A live system on loopback (our own Valkey unless REDIS_URL is set, a fresh SQLite store,
an ingest worker and the web server) takes forged and replayed cookies, cross-origin
posts, every page, API and Dash callback without and with each role, upload bombs,
parallel uploads of big photos (with /healthz timed and memory read meanwhile), a
throttled sign-in and ten parallel ratings; a kiosk's /ws/live must deliver deltas through
every phase. Prints a table; exit status 0 when every case was refused or served as it
should. Bounded: about two minutes (``--short``: well under one).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dash
import httpx2 as httpx
import redis
from sqlalchemy import Engine

from bench.faults_web_cases import (
    PASSWORD,
    ROLES,
    Row,
    Site,
    callbacks,
    cookies,
    cross_origin,
    endpoints,
    limits,
    post_report,
    ratings,
    row,
    sign_in,
    throttle,
    uploads,
)
from feeds import constants as K
from feeds import producer, users
from feeds.connections import redis_client, valkey_unless
from feeds.reference import Reference
from feeds.seed import ensure_reference
from feeds.settings import Settings, session_secret
from feeds.store import make_engine
from tests.system import free_port, running_system
from tests.uploads import big_jpeg, rss_mb, rss_of


def wait_for(cond: Callable[[], bool], timeout: float, what: str) -> float:
    start = time.monotonic()
    while not cond():
        if time.monotonic() - start > timeout:
            raise TimeoutError(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.02)
    return time.monotonic() - start


class Wall:
    """A kiosk screen on /ws/live, counting deltas, and a producer keeping them coming."""

    def __init__(self, url: str, token: str, r: redis.Redis, settings: Settings, address: str):
        self.url, self.token, self.r, self.settings, self.address = url, token, r, settings, address
        self.deltas: list[float] = []
        self.closed_early = 0
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=f, daemon=True) for f in (self._watch, self._feed)]

    def _watch(self) -> None:
        from websockets.sync.client import connect

        ws_url = self.url.replace("http://", "ws://") + f"/ws/live?kiosk={self.token}"
        while not self.stop.is_set():
            try:
                with connect(ws_url, origin=self.url, open_timeout=30) as ws:  # type: ignore[arg-type]
                    while not self.stop.is_set():
                        try:
                            msg = ws.recv(timeout=0.5)
                        except TimeoutError:
                            continue
                        if '"type": "snapshot"' not in str(msg)[:40]:
                            self.deltas.append(time.monotonic())
            except Exception:
                if not self.stop.is_set():
                    self.closed_early += 1

    def _feed(self) -> None:
        while not self.stop.wait(0.4):
            rep = producer.report(
                source="patrol",
                kind="complaint",
                category="environment",
                address=self.address,
                text="巡查：占道",
                reporter="网格员",
            )
            producer.send_report(self.r, self.settings, rep)

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def delta_after(self, since: float, timeout: float = 15.0) -> bool:
        try:
            wait_for(lambda: any(t > since for t in self.deltas), timeout, "a delta")
            return True
        except TimeoutError:
            return False

    def close(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(10)


def _load(
    url: str,
    send: Callable[[httpx.Client], int],
    rss: Callable[[], float],
    residents: int,
    rounds: int,
) -> tuple[list[int], list[float], list[float], float]:
    """``residents`` posts at once, ``rounds`` times, /healthz timed all along; the answers,
    the latencies, memory before and after each round, and the seconds it took."""
    latencies: list[float] = []
    stop = threading.Event()

    def probe() -> None:
        with httpx.Client(base_url=url, timeout=60) as c:
            while not stop.is_set():
                t = time.perf_counter()
                c.get("/healthz")
                latencies.append(time.perf_counter() - t)

    def resident(codes: list[int]) -> None:
        with httpx.Client(base_url=url, timeout=180, headers={"origin": url}) as c:
            codes.append(send(c))

    memory = [rss()]
    codes: list[int] = []
    watcher = threading.Thread(target=probe)
    watcher.start()
    started = time.perf_counter()
    try:
        for _ in range(rounds):
            threads = [threading.Thread(target=resident, args=(codes,)) for _ in range(residents)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(300)
            memory.append(rss())
    finally:
        stop.set()
        watcher.join(60)
    return codes, latencies, memory, time.perf_counter() - started


def _figures(
    n: int, codes: list[int], lat: list[float], mem: list[float], took: float, ok: int = 200
) -> tuple[str, str, str, float, float]:
    worst = max(lat) if lat else float("nan")
    median = statistics.median(lat) if lat else float("nan")
    others = sorted(c for c in codes if c != ok)
    return (
        f"{codes.count(ok)} x {ok} of {n} in {took:.1f} s"
        + (f", others {others}" if others else ""),
        f"median {median * 1000:.0f} ms, max {worst * 1000:.0f} ms ({len(lat)} probes)",
        " -> ".join(f"{x:.0f}" for x in mem),
        worst,
        mem[-1] - mem[1] if len(mem) > 2 else 0.0,
    )


def parallel_uploads(
    url: str, address: str, rss: Callable[[], float], residents: int, rounds: int, photo: bytes
) -> list[Row]:
    files = [("a.jpg", photo)] * 3
    n = residents * rounds
    got = _load(url, lambda c: post_report(c, address, files), rss, residents, rounds)
    answers, healthz, memory, worst, growth = _figures(n, *got, ok=303)  # to the progress page
    what = f"{residents} at once x {rounds}, 3 x {len(photo) // 1024} KB JPEG each"
    return [
        row("parallel", f"posts ({what})", f"{n} x 303", answers, got[0].count(303) == n),
        row("parallel", "/healthz meanwhile", "max < 2 s", healthz, worst < 2.0),
        row("parallel", "RSS of the web process, MB, per round", "flat", memory, growth < 80),
    ]


@contextmanager
def web_process(settings: Settings) -> Iterator[tuple[str, int]]:
    """``watchfloor web`` as its own process on this store (its memory is its own)."""
    port = free_port()
    env = {
        **os.environ,
        "REDIS_URL": settings.redis_url or "",
        "WATCHFLOOR_VAR": str(settings.var_dir),
        "WATCHFLOOR_KEY_PREFIX": settings.key_prefix,
        "PORT": str(port),
        "WATCHFLOOR_HOST": "127.0.0.1",
    }
    if settings.database_url:
        env["DATABASE_URL"] = settings.database_url
    proc = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "web"], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(url), 120, "the web process")
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(30)


def naive_uploads(residents: int, rounds: int, photo: bytes) -> list[Row]:
    """The same load on the old way (bench/faults_web_naive.py): figures only, for comparison."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "bench.faults_web_naive", str(port)])
    try:
        wait_for(lambda: _answers(url), 60, "the naive server")
        files = [("photos", ("a.jpg", photo, "image/jpeg"))] * 3

        def send(c: httpx.Client) -> int:
            return c.post("/upload", files=files).status_code

        got = _load(url, send, lambda: rss_of(proc.pid), residents, rounds)
    finally:
        proc.terminate()
        proc.wait(30)
    answers, healthz, memory, _, _ = _figures(residents * rounds, *got)
    return [
        row("naive", "the same posts, decoded on the event loop", "(comparison)", answers, True),
        row("naive", "/healthz meanwhile", "(comparison)", healthz, True),
        row("naive", "RSS, MB, per round", "(comparison)", memory, True),
    ]


def _answers(url: str) -> bool:
    try:
        return httpx.get(url + "/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def own_store() -> Iterator[tuple[Settings, Engine, Reference]]:
    """Our own Valkey (unless REDIS_URL is set) and a fresh SQLite store with the district."""
    with valkey_unless(os.environ.get("REDIS_URL")) as url, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            redis_url=url, var_dir=Path(tmp), key_prefix=f"fw:{uuid.uuid4().hex[:8]}:"
        )
        engine = make_engine(settings)
        ensure_reference(engine)
        with engine.connect() as conn:
            reference = Reference.load(conn)
        try:
            yield settings, engine, reference
        finally:
            engine.dispose()


@contextmanager
def live_system(
    settings: Settings, engine: Engine, reference: Reference
) -> Iterator[tuple[Site, redis.Redis, Settings]]:
    r = redis_client(settings.redis_url or "")
    try:
        with running_system(settings, engine, reference) as system:
            address = sorted(reference.buildings)[3]
            site = Site(system.url, engine, session_secret(system.settings), address)
            yield site, r, system.settings
    finally:
        for key in r.scan_iter(match=settings.key_prefix + "*", count=1000):
            r.delete(key)
        r.close()


def run(store: tuple[Settings, Engine, Reference], short: bool = False) -> list[Row]:
    """Every case against a live system on this store; the table's rows."""
    rows: list[Row] = []
    reference = store[2]
    with live_system(*store) as (site, r, settings):
        with site.engine.begin() as conn:
            for role in ("officer", "leader", "admin"):
                site.names[role] = f"fw-{role}-{uuid.uuid4().hex[:6]}"
                users.create_user(conn, site.names[role], role, PASSWORD)
            token = users.create_kiosk_token(conn, "fault wall screen", "faults")
        for role in ROLES:
            site.clients[role] = site.client()
        site.clients["wall"].get(f"/?kiosk={token}")
        for role in ("officer", "leader", "admin"):
            sign_in(site, site.clients[role], site.names[role])
        wall = Wall(site.url, token, r, settings, site.address)
        wall.start()
        wait_for(lambda: bool(wall.deltas), 30, "the first delta on the wall")
        unit = sorted(reference.unit_ids)[0]

        def resolve(iid: str) -> None:
            from feeds import queries

            def state() -> Any:
                with site.engine.connect() as conn:
                    row_ = queries.incident(conn, iid)
                return row_

            if not iid:
                wait_for(lambda: _drained(r, settings), 30, "ingest to drain")
                return
            wait_for(lambda: state() is not None, 30, "the report to be registered")
            for kind, extra in (("dispatch", {"unit": unit}), ("arrive", {}), ("resolve", {})):
                producer.send_action(r, settings, producer.action(iid, kind, "faults", **extra))
            wait_for(lambda: state()["state"] == "resolved", 30, "the report to be resolved")

        extra_pages = [p["path"] for p in dash.page_registry.values() if not p["path_template"]]
        phases: list[tuple[str, Callable[[], list[Row]]]] = [
            ("cookies", lambda: cookies(site)),
            ("origins", lambda: cross_origin(site)),
            ("roles", lambda: endpoints(site, extra_pages)),
            ("callbacks", lambda: callbacks(site)),
            ("uploads", lambda: uploads(site)),
            ("sign-in", lambda: throttle(site)),
            ("ratings", lambda: ratings(site, resolve)),
        ]
        photo = big_jpeg()
        residents, rounds = (3, 1) if short else (6, 3)

        def fresh_window() -> None:  # every post here comes from 127.0.0.1: a new 10 minutes
            for key in r.scan_iter(match=settings.key(K.K_RATE) + "*"):
                r.delete(key)

        def limited() -> list[Row]:
            fresh_window()
            return limits(site)

        def parallel() -> list[Row]:
            fresh_window()
            if short:  # the web server in this process: quicker, memory shared with the clients
                return parallel_uploads(site.url, site.address, rss_mb, residents, rounds, photo)
            with web_process(settings) as (url, pid):
                return parallel_uploads(
                    url, site.address, lambda: rss_of(pid), residents, rounds, photo
                )

        phases += [("limits", limited), ("parallel", parallel)]
        for name, phase in phases:
            since = time.monotonic()
            rows.extend(phase())
            delivered = wall.delta_after(since)
            rows.append(
                row(
                    "wall",
                    f"/ws/live deltas during {name}",
                    ">= 1",
                    "yes" if delivered else "none",
                    delivered,
                )
            )
        wall.close()
        rows.append(
            row("wall", "wall WebSocket dropped", "0", wall.closed_early, wall.closed_early == 0)
        )
        for c in site.clients.values():
            c.close()
    if not short:
        rows.extend(naive_uploads(residents, rounds, photo))
    return rows


def _drained(r: redis.Redis, settings: Settings) -> bool:
    for stream in (K.STREAM_REPORTS, K.STREAM_ACTIONS):
        for group in r.xinfo_groups(settings.key(stream)):
            if int(group.get("pending", 0)) or int(group.get("lag") or 0):
                return False
    return True


def table(rows: list[Row]) -> str:
    widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
    widths = [min(w, 60) for w in widths]
    head = ("group", "case", "expected", "got")
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + "  ok"]
    for r in rows:
        cells = [str(c)[:60].ljust(w) for c, w in zip(r[:4], widths, strict=True)]
        lines.append("  ".join(cells) + ("  ok" if r[4] else "  FAIL"))
    bad = sum(1 for r in rows if not r[4])
    lines.append(f"{len(rows)} cases, {len(rows) - bad} as they should, {bad} not")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.faults_web", description=__doc__)
    parser.add_argument("--short", action="store_true", help="fewer parallel uploads")
    args = parser.parse_args(argv)
    started = time.monotonic()
    with own_store() as store:
        rows = run(store, short=args.short)
    print(table(rows))
    print(f"({time.monotonic() - started:.0f} s)")
    return 0 if all(r[4] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
