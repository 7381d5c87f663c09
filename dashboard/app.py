"""The web process: a FastAPI server carrying the Dash pages, the live WebSocket and a small API.

Run with uvicorn as a factory: ``uvicorn dashboard.app:create_server --factory``
(``watchfloor web`` does this).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import dash
import redis
from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse

from dashboard import auth, crowd, freshness, geo, metrics, qrsheet, replay, resident
from dashboard.figures import exports
from dashboard.hub import Hub, until_closed
from dashboard.reports import jobs
from dashboard.reports import routes as report_routes
from dashboard.services import Services
from feeds import constants as K
from feeds.clock import now_ms
from feeds.connections import cluster_nodes, require_redis_url
from feeds.settings import Settings

log = logging.getLogger("watchfloor.web")
# a Redis restarting (connection refused) or loading its data (BusyLoadingError)
REDIS_DOWN = (redis.ConnectionError, redis.TimeoutError)
ROOT = Path(__file__).resolve().parent.parent


def create_server(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    url = require_redis_url(settings.redis_url)
    services = Services.connect(settings)
    hub = Hub(url, settings.key(K.CHANNEL_LIVE), cluster_nodes(services.redis))
    runner = jobs.Runner(services.engine, settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        hub.start()
        runner.start()
        yield
        await hub.stop()
        await asyncio.to_thread(runner.close)
        services.close()

    server = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    server.state.services = services
    server.state.hub = hub
    auth.install(server, services)
    resident.install(server, services)
    server.state.geo = geo.install(server, services)
    hub.watchers.append(server.state.geo.look)
    crowd.install(server, services)
    server.state.replay = replay.install(server, services, server.state.geo)
    exports.install(server, services)
    report_routes.install(server, services, runner)
    qrsheet.install(server, services)
    freshness.install(server, services)
    server.state.reports_runner = runner
    metrics.install(server, services, hub)

    @server.get("/healthz")
    def healthz() -> JSONResponse:
        try:
            services.redis.ping()
            return JSONResponse({"ok": True, "last_event": services.live.last_event()})
        except REDIS_DOWN as exc:
            return JSONResponse({"ok": False, "error": f"live store unavailable: {exc}"}, 503)

    @server.get("/api/snapshot")
    def snapshot() -> JSONResponse:
        try:
            return JSONResponse(services.live.snapshot(now_ms()))
        except REDIS_DOWN as exc:
            return JSONResponse({"error": f"live store unavailable: {exc}"}, 503)

    @server.websocket("/ws/live")
    async def ws_live(ws: WebSocket) -> None:
        await ws.accept()
        queue = hub.subscribe()
        closed = asyncio.get_running_loop().create_task(until_closed(ws))
        try:
            try:
                snap = await asyncio.to_thread(services.live.snapshot, now_ms())
                # the geography version: a page drawn from an older one reloads (live.js)
                snap["geo"] = await asyncio.to_thread(lambda: server.state.geo.version)
            except REDIS_DOWN as exc:
                # Redis restarting or still loading: the page shows the link down and
                # comes back, as it does after any lost connection
                log.warning("live snapshot unavailable (%s): the wall will reconnect", exc)
                await ws.close(code=1013)
                return
            await ws.send_text(json.dumps({"type": "snapshot", **snap}, ensure_ascii=False))
            while True:
                getter = asyncio.ensure_future(queue.get())
                done, _ = await asyncio.wait({getter, closed}, return_when=asyncio.FIRST_COMPLETED)
                if closed in done:
                    getter.cancel()
                    break
                message = getter.result()
                if message is None:  # fell behind or lost the channel: make the page resync
                    await ws.close(code=1012)
                    break
                await ws.send_text(message)
                hub.sent += 1
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            hub.unsubscribe(queue)
            closed.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await closed

    app = dash.Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder=str(ROOT / "dashboard" / "pages"),
        assets_folder=str(ROOT / "assets"),
        title="watchfloor",
        update_title=None,
        suppress_callback_exceptions=True,
        serve_locally=True,
        compress=True,
    )
    app.layout = dash.html.Div([dash.page_container], className="wf-root")
    _first_request_setup(app)
    server.state.dash = app
    return server


def _first_request_setup(app: dash.Dash) -> None:
    """Run Dash's first-request set-up now, before any page is served.

    Dash's FastAPI backend runs it (global callbacks, the pages router and the router's
    inline clientside title function) only on requests for "/" and "/_dash-*". A first
    visit straight to /incidents or /incident/<id> got an index page without that inline
    function; the renderer then failed on every route change ("Cannot read properties of
    undefined (reading '<sha256>')") and the page re-rendered instead of acting.
    """
    for setup in app.backend._before_request_funcs:
        setup()
