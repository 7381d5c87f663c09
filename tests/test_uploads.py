"""Residents' photos: bombs refused from the header, big ones decoded off the event loop in a
bounded pool, /healthz answering meanwhile, limits per browser and per address."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx2 as httpx
import pytest
import redis
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine

from dashboard.app import create_server
from feeds import constants as K
from feeds import media
from feeds.reference import Reference
from feeds.settings import Settings
from tests.signin import csrf_of, origin
from tests.system import System, running_system
from tests.uploads import big_jpeg, huge_jpeg_header, png_bomb, rss_mb, truncated_jpeg


@pytest.fixture(scope="module")
def photo() -> bytes:
    return big_jpeg()


@pytest.fixture
def client(settings: Settings, r: redis.Redis, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_server(settings)) as c:
        yield c


@pytest.fixture
def address(reference: Reference) -> str:
    return sorted(reference.buildings)[5]


def post(client: Any, address: str, files: list[tuple[str, bytes]] | None = None) -> Any:
    token = csrf_of(client.get(f"/r/{address}").text)
    data = {"csrf": token, "kind": "complaint", "category": "environment", "text": "垃圾堆放"}
    upload = [("photos", (name, blob, "image/jpeg")) for name, blob in files or []]
    return client.post(
        f"/r/{address}", data=data, files=upload, headers=origin(client), follow_redirects=False
    )


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        (png_bomb(20_000, 20_000, rows=64), "too large"),
        (png_bomb(4_100, 4_100, rows=4_100), "too large"),  # 16.8 MP to decode whole: no
        (huge_jpeg_header(), "too large"),
        (truncated_jpeg(), "not a valid"),
        (b"\xff\xd8\xff\xe0" + b"\0" * 100, "not a valid"),
    ],
)
def test_bombs_and_broken_files_refused_before_decoding(blob: bytes, message: str) -> None:
    before = rss_mb()
    with pytest.raises(media.BadUpload) as exc:
        media.check_image(blob)
    assert message in str(exc.value)
    assert rss_mb() - before < 50  # nothing big was decoded


def test_big_photo_stored_shrunk(tmp_path: Any, photo: bytes) -> None:
    ref = media.save_image(photo, tmp_path)
    with Image.open(tmp_path / "media" / ref) as stored:
        assert max(stored.size) == media.MAX_SIDE and stored.format == "JPEG"


def test_limits_per_browser_keep_the_building_able_to_report(
    client: TestClient, settings: Settings, address: str, r: redis.Redis, reference: Reference
) -> None:
    for _ in range(5):
        assert post(client, address).status_code == 303  # junk from one phone
    refused = post(client, address)
    assert refused.status_code == 429 and "try again in" in refused.text
    assert 0 < int(refused.headers["retry-after"]) <= 600
    # the same phone hopping buildings is still one phone
    other_building = sorted(reference.buildings)[6]
    assert post(client, other_building).status_code == 429
    # a neighbour on the same network (a new browser, its own form cookie) still reports
    neighbour = TestClient(client.app)
    assert post(neighbour, address).status_code == 303
    assert r.xlen(settings.key(K.STREAM_REPORTS)) == 6


def test_limit_per_source_address(
    client: TestClient, settings: Settings, address: str, r: redis.Redis
) -> None:
    codes = [post(TestClient(client.app), address).status_code for _ in range(22)]
    assert codes == [303] * 20 + [429] * 2  # 20 browsers behind one address, then no more


@pytest.fixture
def live(
    settings: Settings, engine: Engine, reference: Reference, r: redis.Redis
) -> Iterator[System]:
    with running_system(settings, engine, reference, worker=False) as s:
        yield s


def test_parallel_big_uploads_leave_healthz_fast_and_memory_bounded(
    live: System, address: str, photo: bytes, r: redis.Redis
) -> None:
    stop = threading.Event()
    latencies: list[float] = []

    def probe() -> None:
        with httpx.Client(base_url=live.url, timeout=30) as c:
            while not stop.is_set():
                t = time.perf_counter()
                assert c.get("/healthz").status_code == 200
                latencies.append(time.perf_counter() - t)

    def resident(_: int) -> int:
        with httpx.Client(base_url=live.url, timeout=60, headers={"origin": live.url}) as c:
            files = [("a.jpg", photo), ("b.jpg", photo), ("c.jpg", photo)]
            return int(post(c, address, files).status_code)

    def round_of_six() -> list[int]:
        threads = [threading.Thread(target=lambda i=i: codes.append(resident(i))) for i in range(6)]
        codes: list[int] = []
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        return codes

    watcher = threading.Thread(target=probe)
    watcher.start()
    try:
        first = round_of_six()
        after_first = rss_mb()
        second = round_of_six()
        third = round_of_six()
        after_third = rss_mb()
    finally:
        stop.set()
        watcher.join(30)
    assert sorted(first + second + third) == [303] * 18
    assert len(latencies) > 10 and max(latencies) < 2.0, max(latencies)  # was 6.7 s
    assert after_third - after_first < 80, (after_first, after_third)  # no growth per round
    assert r.xlen(live.settings.key(K.STREAM_REPORTS)) == 18


def test_photos_wait_briefly_then_a_clear_503(tmp_path: Any, photo: bytes) -> None:
    import asyncio
    import io

    from starlette.datastructures import Headers, UploadFile

    from dashboard.resident.form import Refused
    from dashboard.resident.uploads import Photos

    class Form:
        def getlist(self, _name: str) -> list[UploadFile]:
            headers = Headers({"content-type": "image/jpeg"})
            return [UploadFile(io.BytesIO(photo), filename="a.jpg", headers=headers)]

    async def scenario() -> tuple[list[str], Refused]:
        photos = Photos(workers=1, wait_s=0.05)
        await photos.turns.acquire()  # someone else's photos are being decoded
        try:
            await photos.store(Form(), tmp_path)
        except Refused as exc:
            busy = exc
        photos.turns.release()
        stored = await photos.store(Form(), tmp_path)
        photos.close()
        return stored, busy

    # its own thread: a browser test's Playwright may hold this thread's event loop
    with ThreadPoolExecutor(1) as pool:
        stored, busy = pool.submit(asyncio.run, scenario()).result()
    assert busy.status == 503 and busy.retry_after and "busy" in str(busy)
    assert len(stored) == 1 and media.STORED_NAME.match(stored[0])
