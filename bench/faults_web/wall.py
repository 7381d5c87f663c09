"""The kiosk screen of the web fault suite: a wall on /ws/live counting the deltas it
receives, and a producer sending patrol reports so that they keep coming."""

from __future__ import annotations

import threading
import time

import redis

from bench.faults_web.system import wait_for
from feeds import producer
from feeds.settings import Settings


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
