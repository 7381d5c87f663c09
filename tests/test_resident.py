"""The residents' pages: report from a QR code, follow the report, rate it; and their limits."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine

from dashboard.app import create_server
from feeds import constants as K
from feeds import media, numbering, queries, store
from feeds.ingest import Worker
from feeds.reference import Reference
from feeds.settings import Settings
from feeds.users import User
from tests.helpers import ACTIONS, action, drain, xadd
from tests.signin import csrf_of, kiosk_token, login_client, origin

TRACKING = re.compile(r'id="tracking">([A-Za-z0-9_\-]+)<')


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def client(settings: Settings, r: redis.Redis, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_server(settings)) as c:
        yield c


@pytest.fixture
def address(reference: Reference) -> str:
    return sorted(reference.buildings)[7]


def submit(
    client: TestClient,
    address: str,
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None,
    **over: str,
) -> object:
    token = csrf_of(client.get(f"/r/{address}").text)
    data = {"csrf": token, "kind": "complaint", "category": "environment", "text": "垃圾堆放"}
    data.update(over)
    return client.post(f"/r/{address}", data=data, files=files or [], headers=origin(client))


def test_form_shows_the_place_and_unknown_codes_get_a_clear_404(
    client: TestClient, address: str, reference: Reference, engine: Engine
) -> None:
    page = client.get(f"/r/{address}")
    assert page.status_code == 200
    with engine.connect() as conn:
        place = queries.building_place(conn, address)
    assert place is not None and place["name"] in page.text and place["street_name"] in page.text
    assert 'name="csrf"' in page.text and 'type="file"' in page.text
    missing = client.get("/r/NO-SUCH-CODE")
    assert missing.status_code == 404 and "Unknown address code" in missing.text


def test_report_with_photo_reaches_the_stream_and_the_tracking_page(
    client: TestClient,
    address: str,
    settings: Settings,
    r: redis.Redis,
    worker: Worker,
    engine: Engine,
) -> None:
    hostile = "<script>alert(1)</script> 垃圾三天没人清理"
    sent = submit(
        client,
        address,
        files=[("photos", ("../../etc/passwd.png", png(), "image/png"))],
        text=hostile,
        contact="138 0000 1111",
    )
    # post/redirect/get: 303 to the progress page, "being registered" until ingest has it
    assert [h.status_code for h in sent.history] == [303]  # type: ignore[attr-defined]
    assert sent.status_code == 202 and "id='sent'" in sent.text  # type: ignore[attr-defined]
    tracking = TRACKING.search(sent.text)  # type: ignore[attr-defined]
    assert tracking
    [(_, fields)] = r.xrange(settings.key(K.STREAM_REPORTS))
    assert fields["id"] != tracking.group(1) and fields["address"] == address
    assert fields["source"] == "qr" and fields["text"] == hostile
    assert (fields["crs"], fields["v"]) == ("wgs84", "4")  # the form says its system
    [ref] = json.loads(fields["photos"])  # a JSON list of one name
    assert media.STORED_NAME.match(ref) and ".." not in ref
    with Image.open(settings.var_dir / "media" / ref) as stored:
        assert stored.format == "PNG"
    drain(worker)
    status = client.get(f"/t/{tracking.group(1)}")
    assert status.status_code == 200
    assert "<script>alert" not in status.text and "&lt;script&gt;alert(1)" in status.text
    assert 'data-step="report"' not in status.text  # steps use single quotes
    assert "class='done' data-step='report'" in status.text
    assert "class='todo' data-step='accept'" in status.text
    assert 'http-equiv="refresh"' in status.text
    assert client.get("/t/RNOSUCHTHING").status_code == 404
    assert client.get(f"/t/{fields['id']}").status_code == 404  # the incident id opens nothing
    # the short number the console knows it by, to quote on the phone
    with engine.connect() as conn:
        short = numbering.number_of(conn, fields["id"])
    assert (
        short
        and f"id='incident-no'>事件编号 <span class='en'>Incident number</span>: <b>{short}</b>"
        in status.text
    )
    # what was reported and where, by name, and the photo through the tracking number
    with engine.connect() as conn:
        place = queries.building_place(conn, address)
    assert place is not None
    assert "id='category'>投诉 <span class='en'>Complaint</span> · 市容环境" in status.text
    assert f"id='place'>{place['name']}" in status.text
    assert all(place[f"{lv}_name"] in status.text for lv in ("street", "community", "grid"))
    thumb = f"/t/{tracking.group(1)}/photo/{ref}"
    assert f"src='{thumb}'" in status.text and "/media/" not in status.text
    got = client.get(thumb)
    assert got.status_code == 200 and got.headers["content-type"] == "image/png"
    assert got.headers["x-content-type-options"] == "nosniff"
    other = "0" * 32 + ".png"  # a well-formed name that is not this report's photo
    assert client.get(f"/t/{tracking.group(1)}/photo/{other}").status_code == 404
    assert client.get(f"/t/{fields['id']}/photo/{ref}").status_code == 404
    assert client.get(f"/media/{ref}").status_code == 401  # the console's route stays closed


@pytest.mark.parametrize(
    ("files", "status", "message"),
    [
        ([("photos", ("a.jpg", b"not an image at all", "image/jpeg"))], 415, "JPEG"),
        ([("photos", ("a.gif", b"GIF89a" + b"\0" * 64, "image/gif"))], 415, "JPEG"),
        ([("photos", ("big.png", b"\0" * (media.MAX_BYTES + 1), "image/png"))], 413, "5 MB"),
        ([("photos", (f"{i}.png", png(), "image/png")) for i in range(4)], 400, "three"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message(
    client: TestClient,
    address: str,
    settings: Settings,
    r: redis.Redis,
    files: list[tuple[str, tuple[str, bytes, str]]],
    status: int,
    message: str,
) -> None:
    resp = submit(client, address, files=files)
    assert resp.status_code == status  # type: ignore[attr-defined]
    assert message in resp.text and "form-error" in resp.text  # type: ignore[attr-defined]
    assert r.xlen(settings.key(K.STREAM_REPORTS)) == 0
    assert not (settings.var_dir / "media").exists() or not any(
        (settings.var_dir / "media").iterdir()
    )


def test_forms_need_a_csrf_token_and_our_own_origin(
    client: TestClient, address: str, settings: Settings, r: redis.Redis
) -> None:
    client.get(f"/r/{address}")
    data = {"kind": "complaint", "category": "environment", "text": "x", "csrf": "forged"}
    assert client.post(f"/r/{address}", data=data, headers=origin(client)).status_code == 403
    cross = client.post(f"/r/{address}", data=data, headers={"origin": "http://evil.example"})
    assert cross.status_code == 403
    assert r.xlen(settings.key(K.STREAM_REPORTS)) == 0


def test_per_browser_rate_limit(
    client: TestClient, address: str, settings: Settings, r: redis.Redis
) -> None:
    for _ in range(5):
        assert submit(client, address).status_code == 202  # type: ignore[attr-defined]
    refused = submit(client, address)
    assert refused.status_code == 429  # type: ignore[attr-defined]
    assert "10" in refused.text  # type: ignore[attr-defined]
    assert r.xlen(settings.key(K.STREAM_REPORTS)) == 5
    assert not r.exists(settings.key(K.K_RATE + address))  # never a limit on the building


def test_rating_after_closure_goes_to_the_trail_and_the_figures(
    client: TestClient,
    address: str,
    settings: Settings,
    r: redis.Redis,
    worker: Worker,
    engine: Engine,
    reference: Reference,
) -> None:
    tracking = TRACKING.search(submit(client, address).text).group(1)  # type: ignore[attr-defined,union-attr]
    [(_, fields)] = r.xrange(settings.key(K.STREAM_REPORTS))
    iid = fields["id"]
    drain(worker)
    assert 'id="rate-form"' not in client.get(f"/t/{tracking}").text  # not before it is done
    unit = sorted(reference.unit_ids)[0]
    xadd(
        r,
        settings,
        ACTIONS,
        action(iid, "dispatch", unit=unit),
        action(iid, "arrive"),
        action(iid, "resolve", note="已清理"),
    )
    drain(worker)
    page = client.get(f"/t/{tracking}").text
    assert 'id="rate-form"' in page and "已清理" in page
    form = {"csrf": csrf_of(page), "rating": "4", "comment": "<i>快</i>"}
    bad = client.post(f"/t/{tracking}/rate", data={**form, "rating": "9"}, headers=origin(client))
    assert bad.status_code == 400
    done = client.post(
        f"/t/{tracking}/rate", data=form, headers=origin(client), follow_redirects=False
    )
    assert done.status_code == 303
    drain(worker)
    with engine.connect() as conn:
        row = queries.incident(conn, iid)
        rate = [t for t in store.trail(conn, iid) if t["action"] == "rate"]
    assert row is not None and row["state"] == "closed" and row["rating"] == 4
    assert [t["actor"] for t in rate] == ["resident"] and "<i>快</i>" in rate[0]["detail"]
    assert "★★★★" in client.get(f"/t/{tracking}").text
    assert worker.live.headline(worker.clock())["satisfaction"] == 4.0


def test_photos_only_for_the_console(
    client: TestClient,
    address: str,
    settings: Settings,
    r: redis.Redis,
    engine: Engine,
    officer: User,
) -> None:
    submit(client, address, files=[("photos", ("p.png", png(), "image/png"))])
    [(_, fields)] = r.xrange(settings.key(K.STREAM_REPORTS))
    ref = json.loads(fields["photos"])[0]
    assert client.get(f"/media/{ref}").status_code == 401
    client.get(f"/?kiosk={kiosk_token(engine)}")
    assert client.get(f"/media/{ref}").status_code == 403
    login_client(client, officer.username)
    got = client.get(f"/media/{ref}")
    assert got.status_code == 200 and got.headers["content-type"] == "image/png"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert client.get("/media/watchfloor.db").status_code == 404
    sneaky = client.get("/media/..%2F..%2Fwatchfloor.db")
    assert sneaky.status_code in (200, 404) and b"SQLite format" not in sneaky.content
