"""The wall end to end, in headless Chromium, beside the naive Dash way.

    python -m bench.wall [--load 500] [--probes 40]

Starts an embedded Valkey, a SQLite store, an ingest worker and the web app as
separate processes (and the naive app), drives a background load of --load events a
second (95% sensor readings, 5% reports), then XADDs probe reports one at a time and
times each from XADD to the browser's DOM showing it (the next animation frame after
its marker is tagged). Also measures bytes per update, bytes of the first load, and
the time to recolour every cell. Prints a table, writes bench/out/wall.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from bench.ingest import OUT, redis_server
from bench.wall_load import Load, wait_http, wall_store
from bench.wall_page import PROBE_WATCH, RECOLOUR_NAIVE, RECOLOUR_WALL, measure, send_probes
from feeds.connections import redis_client
from layers.district import build_district
from tests.system import CHROMIUM, CHROMIUM_ARGS, free_port

# The names bench.geo_wall and others import from here (the load and the page's side
# live in bench/wall_load.py and bench/wall_page.py).
__all__ = [
    "PROBE_WATCH",
    "Load",
    "main",
    "measure",
    "run",
    "send_probes",
    "wait_http",
    "wall_store",
]


def run(args: argparse.Namespace) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    district = build_district()
    out: dict[str, Any] = {"load_events_per_s": args.load}
    with redis_server() as url, tempfile.TemporaryDirectory() as tmp:
        env, settings, _engine, token = wall_store(url, tmp, "wall", district)
        wall_port, naive_port = free_port(), free_port()
        exe = [sys.executable, "-m"]
        procs = [
            subprocess.Popen([*exe, "dashboard.cli", "ingest"], env=env),
            subprocess.Popen([*exe, "dashboard.cli", "web"], env={**env, "PORT": str(wall_port)}),
            subprocess.Popen(
                [*exe, "bench.naive_wall"],
                env={**env, "PORT": str(naive_port)},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            ),
        ]
        r = redis_client(url)
        try:
            wait_http(f"http://127.0.0.1:{wall_port}/healthz")
            wait_http(f"http://127.0.0.1:{naive_port}/")
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for name, page_url, ready in (
                    (
                        "watchfloor",
                        f"http://127.0.0.1:{wall_port}/?kiosk={token}",
                        "document.querySelectorAll('path.wf-cell[data-code]').length >= 3000 && wf.live.state.received > 0",
                    ),
                    (
                        "naive dcc.Interval + whole figure",
                        f"http://127.0.0.1:{naive_port}/",
                        "document.querySelector('.js-plotly-plot') && document.querySelector('.js-plotly-plot').data && document.querySelector('.js-plotly-plot').data.length === 2",
                    ),
                ):
                    ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
                    page = ctx.new_page()
                    page.add_init_script(PROBE_WATCH)
                    requests: list[str] = []
                    bytes_by: dict[str, int] = {}
                    frames: list[int] = []

                    def finished(req: Any, bytes_by: dict[str, int] = bytes_by) -> None:
                        sizes = req.sizes()
                        bytes_by[req.url] = (
                            bytes_by.get(req.url, 0)
                            + sizes["responseBodySize"]
                            + sizes["responseHeadersSize"]
                        )

                    page.on("request", lambda req, requests=requests: requests.append(req.url))
                    page.on("requestfinished", finished)
                    page.on(
                        "websocket",
                        lambda ws, frames=frames: (
                            "/ws/live" in ws.url
                            and ws.on(
                                "framereceived",
                                lambda payload: frames.append(
                                    len(payload.encode() if isinstance(payload, str) else payload)
                                ),
                            )
                        ),
                    )
                    print(f"measuring {name}", file=sys.stderr)
                    t0 = time.monotonic()
                    page.goto(page_url)
                    try:
                        page.wait_for_function(ready, timeout=120_000)
                    except Exception:  # a busy machine: say so in its column, go on
                        out[name] = {"not_ready_in_s": round(time.monotonic() - t0)}
                        ctx.close()
                        continue
                    first_load = sum(bytes_by.values())
                    ready_s = time.monotonic() - t0
                    script = RECOLOUR_WALL if name == "watchfloor" else RECOLOUR_NAIVE
                    samples = [page.evaluate(script) for _ in range(15)]
                    recolour = [x for x in samples if x is not None]
                    load = Load(url, settings, args.load, district, limit_s=args.probes * 3 + 60)
                    updates_before = (
                        len(frames)
                        if name == "watchfloor"
                        else sum(1 for u in requests if "_dash-update-component" in u)
                    )
                    load.start()
                    time.sleep(5)  # let the load reach its steady state
                    lat = measure(
                        page,
                        r,
                        settings,
                        district,
                        args.probes,
                        "w" if name == "watchfloor" else "n",
                    )
                    load.stop.set()
                    load.join()
                    if name == "watchfloor":
                        per_update = frames[updates_before:]
                    else:
                        per_update = [
                            v for u, v in bytes_by.items() if "_dash-update-component" in u
                        ]
                        n_updates = sum(1 for u in requests if "_dash-update-component" in u)
                        per_update = [int(sum(per_update) / max(1, n_updates))] * n_updates
                    outside = [
                        u
                        for u in requests
                        if not u.startswith(
                            ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")
                        )
                    ]
                    out[name] = {
                        **lat,
                        "bytes_first_load": first_load,
                        "ready_s": round(ready_s, 2),
                        "bytes_per_update_median": int(statistics.median(per_update))
                        if per_update
                        else None,
                        "bytes_per_update_max": max(per_update) if per_update else None,
                        "updates": len(per_update),
                        "recolour_all_cells_ms_median": round(statistics.median(recolour), 1),
                        "requests_leaving_loopback": outside,
                        "load_events_sent": load.sent,
                    }
                    if name == "watchfloor":
                        page.screenshot(path=str(OUT / "wall-under-load.png"))
                    ctx.close()
                browser.close()
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(timeout=20)
            for key in r.scan_iter(match="benchwall:*", count=1000):
                r.delete(key)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--load", type=int, default=500)
    p.add_argument("--probes", type=int, default=40)
    OUT.mkdir(exist_ok=True)
    results = run(p.parse_args())
    (OUT / "wall.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(
        f"\nwall benchmark, headless Chromium, background load {results['load_events_per_s']} events/s"
    )
    keys = [
        "missed",
        "ingest_lag_at_end",
        "p50_ms",
        "p95_ms",
        "max_ms",
        "bytes_per_update_median",
        "bytes_per_update_max",
        "bytes_first_load",
        "recolour_all_cells_ms_median",
        "ready_s",
    ]
    names = [n for n in results if isinstance(results[n], dict)]
    print(f"{'':32}" + "".join(f"{n[:34]:>36}" for n in names))
    for k in [*keys, "not_ready_in_s"]:
        print(f"{k:32}" + "".join(f"{results[n].get(k, '')!s:>36}" for n in names))
    for n in names:
        leaving = results[n].get("requests_leaving_loopback")
        print(f"{n}: requests leaving 127.0.0.1: {leaving or 'none'}")


if __name__ == "__main__":
    main()
