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
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

import numpy as np

from bench.ingest import OUT, readings, redis_server, reports
from feeds import constants as K
from feeds import store, users
from feeds.connections import redis_client
from feeds.schemas import Report, encode
from feeds.seed import reference_rows
from feeds.settings import Settings
from layers.district import build_district
from tests.system import CHROMIUM, CHROMIUM_ARGS, free_port

# Records when each probe first shows in the DOM: the frame after its element appears.
PROBE_WATCH = """
window.__seen = {};
const mark = (id) => { if (id && id.startsWith('probe-') && !(id in window.__seen)) {
  window.__seen[id] = 0; requestAnimationFrame(() => { window.__seen[id] = Date.now(); }); } };
const ids = (el) => el && el.id === 'ids' && (el.textContent || '').split(' ').forEach(mark);
new MutationObserver((muts) => { for (const m of muts) {
  if (m.type === 'attributes') mark(m.target.getAttribute('data-id'));
  else if (m.type === 'characterData') ids(m.target.parentElement);
  else ids(m.target);
} }).observe(document, {subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-id']});
"""
RECOLOUR_WALL = """async () => {
  const t0 = performance.now(); wf.wall.recolourAll();
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  return performance.now() - t0; }"""
RECOLOUR_NAIVE = """async () => {
  const gd = document.querySelector('.js-plotly-plot'); const n = gd.data[0].z.length;
  const z = Array.from({length: n}, () => Math.floor(Math.random() * 10));
  const t0 = performance.now();
  try { await Plotly.restyle(gd, {z: [z]}, [0]); } catch (e) { return null; }  // collided with its own 1 s update
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  return performance.now() - t0; }"""


def wait_http(url: str, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


class Load(threading.Thread):
    """A bounded background load on loopback: `rate` events a second until stopped."""

    def __init__(
        self, url: str, settings: Settings, rate: int, district: Any, limit_s: float
    ) -> None:
        super().__init__(daemon=True)
        self.r = redis_client(url)
        self.s = settings
        self.rate = rate
        self.limit_s = limit_s
        self.stop = threading.Event()
        n = int(rate * limit_s) + rate
        self.readings = readings(district, int(n * 0.95), seed=11)
        self.reports = reports(district, int(n * 0.05) + 1, seed=12)
        self.sent = 0

    def run(self) -> None:
        start = time.monotonic()
        tick = 0.1
        per_tick = max(1, int(self.rate * tick))
        ri = si = 0
        while not self.stop.is_set() and time.monotonic() - start < self.limit_s:
            pipe = self.r.pipeline(transaction=False)
            for k in range(per_tick):
                if (self.sent + k) % 20 == 0 and ri < len(self.reports):
                    fields = dict(
                        self.reports[ri],
                        id=f"load-r-{ri}-{int(start)}",
                        ts=str(int(time.time() * 1000)),
                    )
                    pipe.xadd(self.s.key(K.STREAM_REPORTS), fields)
                    ri += 1
                elif si < len(self.readings):
                    fields = dict(
                        self.readings[si],
                        id=f"load-s-{si}-{int(start)}",
                        ts=str(int(time.time() * 1000)),
                    )
                    pipe.xadd(self.s.key(K.STREAM_SENSORS), fields)
                    si += 1
            pipe.execute()
            self.sent += per_tick
            next_at = start + (self.sent / self.rate)
            time.sleep(max(0.0, next_at - time.monotonic()))


def send_probes(
    page: Any, r: Any, settings: Settings, probes: list[tuple[str, dict[str, str]]], tag: str
) -> tuple[list[float], int]:
    """XADD each probe report and wait until the page has drawn it: the milliseconds from
    XADD to screen of those shown, and the entries the worker had not read at the end."""
    sent: dict[str, float] = {}
    for pid, fields in probes:
        sent[pid] = time.time() * 1000
        r.xadd(settings.key(K.STREAM_REPORTS), fields)
        try:
            page.wait_for_function(f"window.__seen['{pid}'] > 0", timeout=20_000)
        except Exception:  # a busy machine: counted as missed, the run goes on
            print(f"{tag}: probe {pid} not shown within 20 s", file=sys.stderr)
        time.sleep(0.5)  # space the probes out; this is pacing, not synchronisation
    seen = page.evaluate("window.__seen")
    lat = [seen[p] - t for p, t in sent.items() if seen.get(p)]
    # where a late probe waited: entries not yet read by the worker when the probes ended
    lag = sum(
        g.get("lag") or 0
        for stream in (K.STREAM_REPORTS, K.STREAM_SENSORS)
        for g in r.xinfo_groups(settings.key(stream))
    )
    return lat, lag


def measure(
    page: Any, r: Any, settings: Settings, district: Any, probes: int, tag: str
) -> dict[str, Any]:
    buildings = district.buildings.sample(probes, random_state=3)
    reports = [
        (
            f"probe-{tag}-{i}",
            encode(
                Report(
                    id=f"probe-{tag}-{i}",
                    source="qr",
                    kind="complaint",
                    category="environment",
                    ts=int(time.time() * 1000),
                    address=b.code,
                    text="probe",
                )
            ),
        )
        for i, b in enumerate(buildings.itertuples())
    ]
    lat, lag = send_probes(page, r, settings, reports, tag)
    return {
        "probes": len(lat),
        "missed": probes - len(lat),
        "p50_ms": round(float(np.percentile(lat, 50)), 1) if lat else None,
        "p95_ms": round(float(np.percentile(lat, 95)), 1) if lat else None,
        "max_ms": round(max(lat), 1) if lat else None,
        "ingest_lag_at_end": lag,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    district = build_district()
    out: dict[str, Any] = {"load_events_per_s": args.load}
    with redis_server() as url, tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "REDIS_URL": url,
            "DATABASE_URL": f"sqlite:///{tmp}/wall.db",
            "WATCHFLOOR_VAR": tmp,
            "WATCHFLOOR_KEY_PREFIX": "benchwall:",
            "WATCHFLOOR_LOG_LEVEL": "WARNING",
            "WATCHFLOOR_REPORTS_AUTO": "0",  # no PDF printing in the web process meanwhile
        }
        settings = Settings.from_env(env)
        engine = store.make_engine(settings)
        store.create_schema(engine)
        with engine.begin() as conn:
            store.save_reference(conn, reference_rows(district))
            token = users.create_kiosk_token(conn, "bench wall", "bench")
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
