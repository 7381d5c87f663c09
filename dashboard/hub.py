"""One reader of the live channel per web process, fanned out to every open screen.

A screen that cannot keep up is dropped rather than allowed to grow a queue
without bound; its page reconnects and resynchronises from a fresh snapshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import traceback
from collections.abc import Callable, Sequence

import redis.asyncio as aioredis
from fastapi import WebSocket, WebSocketDisconnect

log = logging.getLogger("watchfloor.hub")
QUEUE_LIMIT = 256
STOP_WAIT_S = 5.0  # a reader that does not end on cancel within this is left behind
CLOSE_WAIT_S = 2.0


async def until_closed(ws: WebSocket) -> None:
    """Resolve when a screen's browser goes away (screens never send us messages)."""
    try:
        while True:
            await ws.receive_text()
    except (WebSocketDisconnect, RuntimeError):
        return


class Hub:
    def __init__(self, url: str, channel: str, nodes: Sequence[str] = ()) -> None:
        # On a Redis Cluster, PUBLISH reaches every node: the hub listens on one of them,
        # the next one after it is lost (``nodes``: every node's plain redis:// URL).
        self.urls = list(nodes) or [url]
        self.url = self.urls[0]
        self.channel = channel
        self.subscribers: set[asyncio.Queue[str | None]] = set()
        self._task: asyncio.Task[None] | None = None
        self.received = 0  # live deltas read from the channel
        self.sent = 0  # messages sent to screens (dashboard/app.py), for /metrics
        # called with each message before screens get it (a new geography: the map layers
        # this process serves must be the new ones by the time a page reloads for them)
        self.watchers: list[Callable[[str], None]] = []

    def subscribe(self) -> asyncio.Queue[str | None]:
        queue: asyncio.Queue[str | None] = asyncio.Queue(QUEUE_LIMIT)
        self.subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[str | None]) -> None:
        self.subscribers.discard(queue)

    def fan_out(self, message: str) -> None:
        self.received += 1
        for watch in self.watchers:
            watch(message)
        for queue in list(self.subscribers):
            try:
                queue.put_nowait(message)
            except asyncio.QueueFull:
                log.warning("a screen fell behind; dropping it so it resynchronises")
                self.subscribers.discard(queue)
                with contextlib.suppress(asyncio.QueueFull):
                    queue.get_nowait()
                    queue.put_nowait(None)  # None: close, the page reconnects

    async def _read(self) -> None:
        backoff = 0.5
        turn = 0
        while True:
            self.url = self.urls[turn % len(self.urls)]
            turn += 1
            client = aioredis.Redis.from_url(
                self.url, decode_responses=True, socket_connect_timeout=CLOSE_WAIT_S
            )
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(self.channel)
                    backoff = 0.5
                    async for message in pubsub.listen():
                        if message["type"] == "message":
                            self.fan_out(message["data"])
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the reader must outlive a Redis restart
                log.warning("live channel lost (%s); reconnecting in %.1fs", exc, backoff)
                for queue in list(self.subscribers):
                    self.fan_out_close(queue)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
            finally:
                # a close that waits on a socket the server never answers must not
                # hold up the web process's shutdown
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(client.aclose(), CLOSE_WAIT_S)

    def fan_out_close(self, queue: asyncio.Queue[str | None]) -> None:
        self.subscribers.discard(queue)
        with contextlib.suppress(asyncio.QueueFull):
            queue.put_nowait(None)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._read())

    async def stop(self) -> None:
        """Cancel the reader and wait for it, but never longer than STOP_WAIT_S."""
        if self._task is None:
            return
        # again until it ends: a first cancel can be swallowed inside the Redis client (seen
        # when the reader has just subscribed, under the test client's event loop), and
        # the reader would then go on listening
        loop = asyncio.get_running_loop()
        until = loop.time() + STOP_WAIT_S
        while not self._task.done() and loop.time() < until:
            self._task.cancel()
            await asyncio.wait({self._task}, timeout=0.2)
        if not self._task.done():
            where = "".join(
                traceback.format_list(traceback.extract_stack(self._task.get_stack()[-1]))
            )
            log.warning(
                "the live channel's reader did not stop in %.0fs; leaving it, at:\n%s",
                STOP_WAIT_S,
                where,
            )
