"""One reader of the live channel per web process, fanned out to every open screen.

A screen that cannot keep up is dropped rather than allowed to grow a queue
without bound; its page reconnects and resynchronises from a fresh snapshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import redis.asyncio as aioredis

log = logging.getLogger("watchfloor.hub")
QUEUE_LIMIT = 256


class Hub:
    def __init__(self, url: str, channel: str) -> None:
        self.url = url
        self.channel = channel
        self.subscribers: set[asyncio.Queue[str | None]] = set()
        self._task: asyncio.Task[None] | None = None
        self.received = 0

    def subscribe(self) -> asyncio.Queue[str | None]:
        queue: asyncio.Queue[str | None] = asyncio.Queue(QUEUE_LIMIT)
        self.subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[str | None]) -> None:
        self.subscribers.discard(queue)

    def fan_out(self, message: str) -> None:
        self.received += 1
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
        while True:
            client = aioredis.Redis.from_url(self.url, decode_responses=True)
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
                await client.aclose()

    def fan_out_close(self, queue: asyncio.Queue[str | None]) -> None:
        self.subscribers.discard(queue)
        with contextlib.suppress(asyncio.QueueFull):
            queue.put_nowait(None)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._read())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
