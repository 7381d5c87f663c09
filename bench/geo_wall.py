"""The wall on an imported Yuhang-scale district (10,000 micro-grids), in headless Chromium.

Imports the grid file bench.geo_import makes into a fresh SQLite store (after the demo's
sensors and zones, so the sensor load has sensors to read), starts an ingest worker and
the web process, and opens the wall with a kiosk link twice in the same browser: as
served (the cells on one canvas, the wall's choice at this many cells) and with
``render=svg``, the naive way (every cell an SVG path restyled one by one). For each:

- first load: every response's body and headers as Chromium received them, gzip as served;
- XADD-to-screen under a background load of --load events a second (95% sensor readings,
  5% reports inside the imported district): probe reports XADDed one at a time, each timed
  from just before its XADD to the animation frame after its marker appears in the DOM;
- recolour: deltas changing all 10,000 cells PUBLISHed on the live channel, each timed in
  the page from its arrival on the WebSocket (before its JSON is parsed) to the frame after
  the cells were repainted (wf.wall.painted).

    .venv/bin/python -m bench.geo_wall [--load 500] [--probes 30] [--recolours 8]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.geo_import import make_cells
from bench.ingest import OUT, redis_server
from bench.wall import PROBE_WATCH, Load, send_probes, wait_http, wall_store
from feeds import constants as K
from feeds.connections import redis_client
from feeds.geography.grids import import_grids
from feeds.schemas import Report, encode
from feeds.settings import Settings
from layers.district import build_district
from tests.system import CHROMIUM, CHROMIUM_ARGS, free_port

READY = "wf.wall && wf.wall.cellsDrawn && wf.wall.cellsDrawn() >= {n} && wf.live.state.received > 0"
CATEGORIES = ("environment", "property", "parking", "neighbour", "construction", "safety")


def points_inside(cells: Any, n: int, seed: int) -> list[tuple[float, float]]:
    """n points in random micro-grids, each at its cell's representative point."""
    micro = cells[cells["level"] == "micro_grid"]
    rng = np.random.default_rng(seed)
    picks = micro.geometry.iloc[rng.integers(0, len(micro), n)].representative_point()
    return [(round(p.x, 6), round(p.y, 6)) for p in picks]


def report_at(rid: str, lon: float, lat: float, i: int) -> dict[str, str]:
    return encode(
        Report(
            id=rid,
            source="hotline",
            kind="complaint",
            category=CATEGORIES[i % len(CATEGORIES)],
            ts=int(time.time() * 1000),
            text="小区门口垃圾堆放三天无人清理",
            lon=lon,
            lat=lat,
        )
    )


class DistrictLoad(Load):
    """bench.wall's load, its reports inside the imported district (its readings are the
    demo's sensors, which carry no position)."""

    def __init__(self, url: str, settings: Settings, rate: int, cells: Any, limit_s: float):
        super().__init__(url, settings, rate, build_district(), limit_s)
        at = points_inside(cells, len(self.reports), seed=12)
        self.reports = [report_at(f"b-r-{i}", x, y, i) for i, (x, y) in enumerate(at)]


def probe(page: Any, r: Any, settings: Settings, cells: Any, n: int, tag: str) -> dict[str, Any]:
    at = points_inside(cells, n, seed=3)
    reports = [
        (f"probe-{tag}-{i}", report_at(f"probe-{tag}-{i}", x, y, i)) for i, (x, y) in enumerate(at)
    ]
    lat_ms, lag = send_probes(page, r, settings, reports, tag)
    pct = lambda q: round(float(np.percentile(lat_ms, q))) if lat_ms else None  # noqa: E731
    return {
        "probes_shown": len(lat_ms),
        "probes_missed": n - len(lat_ms),
        "xadd_to_screen_p50_ms": pct(50),
        "xadd_to_screen_p95_ms": pct(95),
        "xadd_to_screen_max_ms": round(max(lat_ms)) if lat_ms else None,
        "ingest_lag_at_end": lag,
    }


def recolour(page: Any, r: Any, settings: Settings, codes: list[str], n: int) -> dict[str, Any]:
    """Deltas changing every cell, through the live channel; arrival -> painted in the page."""
    channel = settings.key(K.CHANNEL_LIVE)
    rng = np.random.default_rng(5)
    took: list[float] = []
    for i in range(n):
        seq = 900_000_000 + i
        counts = rng.integers(1, 14, len(codes))  # every cell counted: shown per micro-grid
        delta = {
            "type": "delta",
            "seq": seq,
            "t": int(time.time() * 1000),
            "grids": {c: [int(v), int(v) * 3] for c, v in zip(codes, counts, strict=True)},
        }
        r.publish(channel, json.dumps(delta, separators=(",", ":")))
        try:
            page.wait_for_function(
                f"wf.wall.painted.some(p => p.seq === {seq})", timeout=60_000, polling=100
            )
        except Exception:
            print(f"recolour delta {seq} not painted within 60 s", file=sys.stderr)
            continue
        took.append(page.evaluate(f"wf.wall.painted.find(p => p.seq === {seq}).ms"))
    return {
        "recolour_deltas": len(took),
        "recolour_ms_median": round(statistics.median(took)) if took else None,
        "recolour_ms_max": round(max(took)) if took else None,
        "recolour_ms_min": round(min(took)) if took else None,
    }


def one_wall(
    browser: Any, url: str, env: dict[str, Any], cells: Any, args: argparse.Namespace, tag: str
) -> dict[str, Any]:
    settings = Settings.from_env(env)
    r = redis_client(env["REDIS_URL"])
    micro = cells[cells["level"] == "micro_grid"]
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = ctx.new_page()
    page.add_init_script(PROBE_WATCH)
    sizes: dict[str, int] = {}
    outside: list[str] = []

    def finished(req: Any) -> None:
        s = req.sizes()
        sizes[req.url] = sizes.get(req.url, 0) + s["responseBodySize"] + s["responseHeadersSize"]

    page.on("requestfinished", finished)
    page.on(
        "request",
        lambda req: (
            req.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
            or outside.append(req.url)
        ),
    )
    t0 = time.monotonic()
    page.goto(url)
    page.wait_for_function(READY.format(n=len(micro)), timeout=300_000, polling=250)
    out: dict[str, Any] = {
        "ready_s": round(time.monotonic() - t0, 1),
        "first_load_mb": round(sum(sizes.values()) / 1e6, 2),
        "geometry_mb": round(sum(v for u, v in sizes.items() if "/api/geo/" in u) / 1e6, 2),
        "render": page.evaluate("wf.wall.s.cfg.render"),
    }
    print(f"{tag}: ready in {out['ready_s']} s", file=sys.stderr)
    load = DistrictLoad(env["REDIS_URL"], settings, args.load, cells, args.probes * 3 + 60)
    load.start()
    time.sleep(5)  # let the load reach its steady state
    out.update(probe(page, r, settings, cells, args.probes, tag))
    load.stop.set()
    load.join()
    out["load_events_sent"] = load.sent
    shot = OUT / f"geo-wall-{tag}.png"  # after the load: its reports on the cells
    page.screenshot(path=str(shot))
    print(f"{tag}: screenshot {shot}", file=sys.stderr)
    out.update(recolour(page, r, settings, list(micro["code"]), args.recolours))
    out["requests_leaving_loopback"] = outside
    ctx.close()
    return out


def main() -> int:
    from playwright.sync_api import sync_playwright

    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--load", type=int, default=500)
    p.add_argument("--probes", type=int, default=30)
    p.add_argument("--recolours", type=int, default=8)
    args = p.parse_args()
    OUT.mkdir(exist_ok=True)
    cells = make_cells(np.random.default_rng(2026))
    micro = int((cells["level"] == "micro_grid").sum())
    results: dict[str, Any] = {"micro_grids": micro, "load_events_per_s": args.load}
    with redis_server() as redis_url, tempfile.TemporaryDirectory() as tmp:
        env, _settings, engine, token = wall_store(redis_url, tmp, "geowall", build_district())
        path = Path(tmp) / "yuhang.gpkg"
        cells.to_file(path, driver="GPKG", engine="pyogrio")
        assert import_grids(engine, path).ok
        port = free_port()
        exe = [sys.executable, "-m", "dashboard.cli"]
        procs = [
            subprocess.Popen([*exe, "ingest"], env=env),
            subprocess.Popen([*exe, "web"], env={**env, "PORT": str(port)}),
        ]
        try:
            wait_http(f"http://127.0.0.1:{port}/healthz")
            url = f"http://127.0.0.1:{port}/?kiosk={token}"
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for name, tag, page_url in (
                    ("watchfloor (as served)", "served", url),
                    ("naive: SVG, setStyle per path", "svg", url + "&render=svg"),
                ):
                    print(f"measuring {name}", file=sys.stderr)
                    results[name] = one_wall(browser, page_url, env, cells, args, tag)
                browser.close()
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(timeout=20)
    (OUT / "geo_wall.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"\n{micro:,} micro-grids, background load {args.load} events/s")
    names = [n for n in results if isinstance(results[n], dict)]
    print(f"{'':28}" + "".join(f"{n[:32]:>34}" for n in names))
    for k in results[names[0]]:
        print(f"{k:28}" + "".join(f"{results[n].get(k, '')!s:>34}" for n in names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
