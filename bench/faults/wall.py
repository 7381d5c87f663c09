"""A wall screen's link: a web process and a WebSocket client on /ws/live that, like the
wall's page, reconnects after a close and counts the deltas it receives."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path
from typing import Any

from bench.faults.services import Web, wait_for
from feeds import users


class WallClient:
    def __init__(self, sys_: Any, tmp: Path) -> None:
        self.sys = sys_
        self.web = Web(sys_.env, tmp / "logs")
        self.deltas: list[float] = []  # monotonic time of every delta received
        self.snapshots: list[float] = []
        self.closes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._follow()), daemon=True)

    def begin(self) -> None:
        with self.sys.engine.begin() as conn:
            self.token = users.create_kiosk_token(conn, "fault suite wall", "faults")
        self.web.start()
        self._thread.start()
        wait_for(lambda: bool(self.deltas), 60, "first delta on the wall", 0.1)

    def end(self) -> None:
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join(10)
        self.web.stop()

    async def _follow(self) -> None:
        import websockets

        url = f"ws://127.0.0.1:{self.web.port}/ws/live?kiosk={self.token}"
        origin = f"http://127.0.0.1:{self.web.port}"
        while not self._stop.is_set():
            try:
                async with websockets.connect(
                    url, additional_headers={"Origin": origin}, open_timeout=5
                ) as ws:
                    while not self._stop.is_set():
                        try:
                            raw = await asyncio.wait_for(ws.recv(), 0.5)
                        except TimeoutError:
                            continue
                        msg = json.loads(raw)
                        now = time.monotonic()
                        (self.snapshots if msg.get("type") == "snapshot" else self.deltas).append(
                            now
                        )
            except Exception:  # closed or refused: the page waits and reconnects
                self.closes += 1
                await asyncio.sleep(0.5)

    def verdict(self, fault_at: float, timeout: float) -> tuple[bool, str]:
        """Deltas again after the fault, within ``timeout`` of the end of the run."""
        try:
            wait_for(lambda: any(t > fault_at for t in self.deltas), timeout, "deltas", 0.2)
        except TimeoutError:
            return False, f"wall: no delta after the fault ({self.closes} reconnects)"
        after = [t for t in self.deltas if t > fault_at]
        return True, (
            f"wall: {len(after)} deltas after the fault, first in {after[0] - fault_at:.1f}s,"
            f" {self.closes} reconnects"
        )
