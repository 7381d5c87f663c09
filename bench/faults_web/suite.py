"""The web fault suite's run: users, a kiosk wall and every phase of cases against a live
system, the wall's deltas checked after each phase; and the table of its rows."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import dash
import redis
from sqlalchemy import Engine

from bench.faults_web.access import callbacks, cross_origin, endpoints
from bench.faults_web.forms import limits, ratings, uploads
from bench.faults_web.parallel import naive_uploads, parallel_uploads
from bench.faults_web.sessions import cookies, throttle
from bench.faults_web.site import PASSWORD, ROLES, Row, row, sign_in
from bench.faults_web.system import live_system, wait_for, web_process
from bench.faults_web.wall import Wall
from feeds import constants as K
from feeds import producer, users
from feeds.reference import Reference
from feeds.settings import Settings
from tests.uploads import big_jpeg, rss_mb, rss_of


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
