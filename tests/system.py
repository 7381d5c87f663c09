"""A live system for browser tests: an ingest worker and the web server in threads,
against the test's own Redis prefix and SQL, plus headless Chromium."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlparse

import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine

from dashboard.app import create_server
from dashboard.reports.pdf import BROWSER_FLAGS
from feeds.connections import redis_client
from feeds.ingest import Worker
from feeds.reference import Reference
from feeds.settings import Settings
from feeds.sla import SlaPolicy

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = list(BROWSER_FLAGS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class System:
    url: str
    settings: Settings
    worker: Worker
    app: FastAPI
    stop: threading.Event = field(default_factory=threading.Event)


@contextmanager
def running_system(
    settings: Settings, engine: Engine, reference: Reference, worker: bool = True
) -> Iterator[System]:
    port = free_port()
    settings = settings.with_(port=port)
    w = Worker(settings, redis_client(settings.redis_url or ""), engine, reference, SlaPolicy())
    app = create_server(settings)
    system = System(f"http://127.0.0.1:{port}", settings, w, app)
    threads = []
    if worker:
        threads.append(threading.Thread(target=w.run, args=(system.stop,), daemon=True))
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws="websockets-sansio",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    threads.append(threading.Thread(target=server.run, daemon=True))
    for t in threads:
        t.start()
    try:
        while not server.started:  # uvicorn flips this once it listens
            if not threads[-1].is_alive():
                raise RuntimeError("web server did not start")
            threads[-1].join(0.02)
        yield system
    finally:
        system.stop.set()
        server.should_exit = True
        for t in threads:
            t.join(15)


def loopback_only(urls: list[str]) -> list[str]:
    """The URLs that went anywhere but this machine."""
    out = []
    for u in urls:
        p = urlparse(u)
        if p.scheme in ("data", "blob", "about"):
            continue
        if p.hostname not in ("127.0.0.1", "localhost", "::1"):
            out.append(u)
    return out
