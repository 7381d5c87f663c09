"""Tracking pages only for residents' own reports, by unguessable numbers; one rating each."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from dashboard.app import create_server
from feeds import constants as K
from feeds import queries, trackings
from feeds.ingest import Worker
from feeds.reference import Reference
from feeds.settings import Settings
from feeds.tables import incident_events
from tests.helpers import ACTIONS, REPORTS, action, drain, report, xadd
from tests.signin import csrf_of, origin
from tests.test_resident import TRACKING, submit


@pytest.fixture
def client(settings: Settings, r: redis.Redis, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_server(settings)) as c:
        yield c


@pytest.fixture
def address(reference: Reference) -> str:
    return sorted(reference.buildings)[11]


@pytest.mark.parametrize("number", ["", "R1", "a" * 21, "a" * 23, "../../x", "a" * 21 + "!"])
def test_lookup_refuses_what_is_not_a_number(engine: Engine, number: str) -> None:
    with engine.connect() as conn:
        assert trackings.lookup(conn, number) is None


def test_numbers_are_long_random_and_unique(engine: Engine) -> None:
    with engine.begin() as conn:
        numbers = {trackings.new_number(conn, f"R-T{i}") for i in range(200)}
        assert len(numbers) == 200 and all(trackings.NUMBER.match(n) for n in numbers)
        assert trackings.lookup(conn, sorted(numbers)[0]) is not None


@pytest.mark.parametrize("source", ["patrol", "hotline", "sensor", "qr"])
def test_no_tracking_page_by_incident_id(
    client: TestClient, settings: Settings, r: redis.Redis, worker: Worker, source: str
) -> None:
    # simulator and gateway ids are guessable (P-000123): none of them opens anything,
    # not even a QR report that arrived without the residents' form
    rep = report(id=f"{source[0].upper()}-000123", source=source, text="巡查发现占道经营")
    xadd(r, settings, REPORTS, rep)
    drain(worker)
    page = client.get(f"/t/{rep.id}")
    assert page.status_code == 404 and "占道经营" not in page.text
    assert client.post(f"/t/{rep.id}/rate", headers=origin(client)).status_code == 404


def test_ten_parallel_ratings_count_once(
    client: TestClient,
    address: str,
    settings: Settings,
    r: redis.Redis,
    worker: Worker,
    engine: Engine,
    reference: Reference,
) -> None:
    number = TRACKING.search(submit(client, address).text).group(1)  # type: ignore[attr-defined,union-attr]
    [(_, fields)] = r.xrange(settings.key(K.STREAM_REPORTS))
    iid = fields["id"]
    drain(worker)
    unit = sorted(reference.unit_ids)[0]
    steps = [action(iid, "dispatch", unit=unit), action(iid, "arrive"), action(iid, "resolve")]
    xadd(r, settings, ACTIONS, *steps)
    drain(worker)
    page = client.get(f"/t/{number}").text
    form = {"csrf": csrf_of(page), "rating": "5"}

    def rate(stars: int) -> int:
        resp = client.post(
            f"/t/{number}/rate",
            data={**form, "rating": str(stars)},
            headers=origin(client),
            follow_redirects=False,
        )
        return resp.status_code

    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        codes = list(pool.map(rate, [1 + i % 5 for i in range(10)]))
    assert sorted(codes) == [303] + [409] * 9
    assert r.xlen(settings.key(K.STREAM_ACTIONS)) == 4  # three steps and one rating
    # even a rating sent twice by hand under the same derived id counts once
    [(_, sent)] = [e for e in r.xrange(settings.key(K.STREAM_ACTIONS)) if e[1]["action"] == "rate"]
    xadd(r, settings, ACTIONS, dict(sent), dict(sent))
    drain(worker)
    with engine.connect() as conn:
        rates = conn.execute(
            select(func.count())
            .select_from(incident_events)
            .where(incident_events.c.incident_id == iid, incident_events.c.action == "rate")
        ).scalar_one()
        row = queries.incident(conn, iid)
    assert rates == 1 and row is not None and row["rating"] == int(sent["rating"])
    shown = client.get(f"/t/{number}").text
    assert 'id="rate-form"' not in shown and "★" * int(sent["rating"]) in shown
    again = client.post(f"/t/{number}/rate", data=form, headers=origin(client))
    assert again.status_code == 409 and "rated already" in again.text
