"""The replay benchmark's wall in headless Chromium: a web server in this process on the
store, a kiosk replaying from a moment at a speed through /ws/replay, and the frames a
second it drew, the replayed seconds per wall second and the gaps between frames."""

from __future__ import annotations

import itertools
import statistics
import threading
import time
from typing import Any

from sqlalchemy import Engine

from bench.ingest import redis_server
from bench.replay_costs import pct
from feeds import users
from feeds.replay.period import local
from feeds.settings import Settings
from tests.system import CHROMIUM, CHROMIUM_ARGS, free_port


def browser_frames(
    settings: Settings, engine: Engine, start: int, seconds: float, speed: int
) -> dict[str, Any]:
    import uvicorn
    from playwright.sync_api import sync_playwright

    from dashboard.app import create_server

    with redis_server() as url:
        port = free_port()
        s = settings.with_(redis_url=url, port=port, key_prefix="benchreplay:")
        with engine.begin() as conn:
            token = users.create_kiosk_token(conn, "bench replay", "bench")
        app = create_server(s)
        server = uvicorn.Server(
            uvicorn.Config(
                app, host="127.0.0.1", port=port, log_level="warning", ws="websockets-sansio"
            )
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            thread.join(0.05)
        tz = settings.timezone
        period = f"{local(start - 1_800_000, tz)[:16]},{local(start + 3 * 3_600_000, tz)[:16]}"
        page_url = (
            f"http://127.0.0.1:{port}/?kiosk={token}&replay={period}&speed={speed}"
            f"&at={local(start, tz)}"
        )
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
                page.goto(page_url)
                page.wait_for_function(
                    "document.querySelectorAll('path.wf-cell[data-code]').length >= 3000"
                    " && wf.live.state.received > 0",
                    timeout=120_000,
                )
                time.sleep(3)  # past the first snapshot's drawing
                # every message: when it was drawn (listeners run after wall.js's render)
                page.evaluate(
                    "window.__f = []; wf.live.on((s, m) => { if (m.type !== 'replay')"
                    " window.__f.push([performance.now(), s.t]); });"
                )
                time.sleep(seconds)
                frames = page.evaluate("window.__f")
                timings = page.evaluate("wf.wall.timings.map(x => x.ms)")
                browser.close()
        finally:
            server.should_exit = True
            thread.join(15)
    span_s = (frames[-1][0] - frames[0][0]) / 1000
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(frames)]
    return {
        "frames": len(frames),
        "frames_per_s": round((len(frames) - 1) / span_s, 1),
        "replayed_s_per_s": round((frames[-1][1] - frames[0][1]) / 1000 / span_s, 1),
        "gap_p95_ms": round(pct(gaps, 95), 1),
        "gap_max_ms": round(max(gaps), 1),
        "recolour_ms_median": round(statistics.median(timings), 2) if timings else None,
        "url": page_url.split("?", 1)[1].split("&", 1)[1],
    }
