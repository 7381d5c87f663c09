"""Parallel uploads of big photos: residents posting at once, round after round, with
/healthz timed and the web process's memory read meanwhile; and the same load on the
naive server (bench/faults_web_naive.py), for comparison."""

from __future__ import annotations

import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import httpx2 as httpx

from bench.faults_web.forms import post_report
from bench.faults_web.site import Row, row
from bench.faults_web.system import healthy, wait_for
from tests.system import free_port
from tests.uploads import rss_of


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


def naive_uploads(residents: int, rounds: int, photo: bytes) -> list[Row]:
    """The same load on the old way (bench/faults_web_naive.py): figures only, for comparison."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "bench.faults_web_naive", str(port)])
    try:
        wait_for(lambda: healthy(url), 60, "the naive server")
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
