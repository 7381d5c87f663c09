"""What residents send besides words: photos (checked and re-encoded) and the rate limits.

Photos are decoded off the event loop in a small pool of its own (PHOTO_WORKERS threads),
one report's photos at a time per thread, so the web process keeps answering and its
memory stays bounded however many residents send at once; a report that cannot get a
turn within PHOTO_WAIT_S gets a clear 503 with Retry-After. Limits count per browser
(its form cookie) and per source address, never per building: junk from one phone does
not silence the building's other residents.
"""

from __future__ import annotations

import asyncio
import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO, Final

from starlette.datastructures import UploadFile

from dashboard.resident.form import Refused
from dashboard.services import Services
from feeds import constants as K
from feeds import media

PER_CLIENT: Final = 5  # reports per browser per window
PER_SOURCE: Final = 20  # reports per source address per window (a building's shared NAT)
RATE_WINDOW_S: Final = 600
PHOTO_WORKERS: Final = 2
PHOTO_WAIT_S: Final = 30.0
RETRY_S: Final = 30
MAX_BODY: Final = media.MAX_PHOTOS * media.MAX_BYTES + 256 * 1024  # bytes of one post


class Photos:
    """The web process's photo decoder: a bounded pool and a bounded queue."""

    def __init__(self, workers: int = PHOTO_WORKERS, wait_s: float = PHOTO_WAIT_S) -> None:
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="wf-photos")
        self.turns = asyncio.Semaphore(workers)
        self.wait_s = wait_s

    async def store(self, form: Any, var_dir: Path) -> list[str]:
        """Check, re-encode and store a report's photos; their media references."""
        files = [f for f in form.getlist("photos") if isinstance(f, UploadFile) and f.filename]
        if len(files) > media.MAX_PHOTOS:
            raise Refused(400, "最多3张照片 / at most three photos")
        if not files:
            return []
        try:
            await asyncio.wait_for(self.turns.acquire(), self.wait_s)
        except TimeoutError:
            raise Refused(
                503,
                f"系统繁忙，请{RETRY_S}秒后重新提交 / busy: please send it again in {RETRY_S} s",
                retry_after=RETRY_S,
            ) from None
        try:
            # read and decode in the pool's own threads: memory is taken (and given back)
            # in their few malloc arenas, not in whichever of many threads read the upload
            sources = [(f.filename or "", f.file) for f in files]
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self.pool, _save_all, sources, var_dir)
        finally:
            self.turns.release()

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def _save_all(sources: list[tuple[str, BinaryIO]], var_dir: Path) -> list[str]:
    """All or nothing: every photo is read and checked before any is stored."""
    blobs = []
    for name, source in sources:
        source.seek(0)
        data = source.read(media.MAX_BYTES + 1)
        if len(data) > media.MAX_BYTES:
            raise Refused(413, f"照片“{name}”超过 5 MB / photo {name!r} is larger than 5 MB")
        try:
            blobs.append(media.check_image(data))  # decoded once, at most MAX_SIDE across
        except media.BadUpload as exc:
            raise Refused(415, f"{name}: {exc}") from exc
        del data
    return [media.store_image(image, ext, var_dir) for image, ext in blobs]


def client_key(form_cookie: str | None) -> str:
    """A browser's id for the limits: its form cookie, hashed (no cookie: one shared bucket)."""
    return hashlib.sha256((form_cookie or "").encode()).hexdigest()[:24]


def over_limit(services: Services, client: str, source: str) -> int:
    """Count this report against its browser and its address: 0 if allowed, else the seconds
    until the fuller bucket empties."""
    keys = (
        (services.settings.key(f"{K.K_RATE}client:{client}"), PER_CLIENT),
        (services.settings.key(f"{K.K_RATE}source:{source}"), PER_SOURCE),
    )
    pipe = services.redis.pipeline(transaction=True)
    for key, _ in keys:
        pipe.incr(key)
        pipe.expire(key, RATE_WINDOW_S, nx=True)
        pipe.ttl(key)
    replies = pipe.execute()
    wait = 0
    for i, (_, limit) in enumerate(keys):
        count, _, ttl = replies[3 * i : 3 * i + 3]
        if int(count) > limit:
            wait = max(wait, int(ttl) if int(ttl) > 0 else RATE_WINDOW_S)
    return wait
