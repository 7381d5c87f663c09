"""The sign-in throttle: per address first, per account bounded, every failure and lock recorded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete

from dashboard.app import create_server
from feeds import signins
from feeds.settings import Settings
from feeds.tables import signins as signins_table
from tests.signin import PASSWORD, csrf_of, make_user, origin


@pytest.fixture
def app(settings: Settings, r: redis.Redis, engine: Engine) -> Iterator[object]:
    with engine.begin() as conn:
        conn.execute(delete(signins_table))
    server = create_server(settings)
    with TestClient(server):  # run the lifespan once
        yield server


def from_address(app: object, address: str) -> TestClient:
    return TestClient(app, client=(address, 50000))  # type: ignore[arg-type]


def attempt(client: TestClient, username: str, password: str) -> object:
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf": token, "next": "/"},
        headers=origin(client),
        follow_redirects=False,
    )


@pytest.mark.parametrize(
    ("earlier", "cap", "expected"),
    [
        (0, signins.ADDRESS_MAX_LOCK_MS, 60_000),
        (1, signins.ADDRESS_MAX_LOCK_MS, 120_000),
        (3, signins.ADDRESS_MAX_LOCK_MS, 480_000),
        (10, signins.ADDRESS_MAX_LOCK_MS, 3_600_000),
        (10_000, signins.ADDRESS_MAX_LOCK_MS, 3_600_000),
        (0, signins.ACCOUNT_MAX_LOCK_MS, 60_000),
        (5, signins.ACCOUNT_MAX_LOCK_MS, 300_000),
    ],
)
def test_lock_grows_and_is_capped(earlier: int, cap: int, expected: int) -> None:
    assert signins.lock_ms(earlier, cap) == expected


def test_right_password_refused_after_five_failures_with_a_clear_message(
    app: object, engine: Engine
) -> None:
    officer = make_user(engine, "officer")
    guesser = from_address(app, "10.9.0.1")
    codes = [attempt(guesser, officer.username, f"wrong-{i}").status_code for i in range(5)]
    assert codes == [401, 401, 401, 401, 429]  # the fifth failure locks the address
    locked = attempt(guesser, officer.username, PASSWORD)
    assert locked.status_code == 429  # the right password does not open a locked door
    retry = int(locked.headers["retry-after"])
    assert 1 <= retry <= 60
    assert "登录失败次数过多" in locked.text and "请在" in locked.text
    assert "Too many failed sign-ins" in locked.text and "try again after" in locked.text
    # the officer at another desk is not locked out by the guesser
    desk = from_address(app, "10.9.0.2")
    assert attempt(desk, officer.username, PASSWORD).status_code == 303
    with engine.connect() as conn:
        trail = signins.trail(conn, 20)
    outcomes = [t["outcome"] for t in reversed(trail)]
    assert outcomes == ["fail"] * 5 + ["lock", "refused", "ok"]
    lock = next(t for t in trail if t["outcome"] == "lock")
    assert lock["scope"] == "address" and lock["address"] == "10.9.0.1"


def test_lock_grows_when_failures_go_on(engine: Engine) -> None:
    t = 1_700_000_000_000
    with engine.begin() as conn:
        conn.execute(delete(signins_table))
        locks = [signins.record_failure(conn, "x", "10.1.1.1", t + i) for i in range(5)]
        assert locks[:4] == [None] * 4 and locks[4] == signins.Lock("address", t + 4 + 60_000)
        assert signins.locked(conn, "x", "10.1.1.1", t + 30_000) == locks[4]
        assert signins.locked(conn, "x", "10.1.1.1", t + 61_000) is None
        again = signins.record_failure(conn, "x", "10.1.1.1", t + 61_000)
        assert again == signins.Lock("address", t + 61_000 + 120_000)


def test_account_lock_is_bounded_and_spares_known_addresses(app: object, engine: Engine) -> None:
    officer = make_user(engine, "officer")
    desk = from_address(app, "10.8.0.1")
    assert attempt(desk, officer.username, PASSWORD).status_code == 303  # a known address
    # guesses from three addresses, none reaching its own address limit
    for address, n in (("10.7.0.1", 4), ("10.7.0.2", 4), ("10.7.0.3", 2)):
        guesser = from_address(app, address)
        for i in range(n):
            attempt(guesser, officer.username, f"wrong-{i}")
    with engine.connect() as conn:
        lock = next(t for t in signins.trail(conn, 30) if t["outcome"] == "lock")
    assert lock["scope"] == "account"
    assert int(str(lock["until"])) - int(str(lock["at"])) <= signins.ACCOUNT_MAX_LOCK_MS
    stranger = from_address(app, "10.7.0.9")
    refused = attempt(stranger, officer.username, PASSWORD)
    assert refused.status_code == 429 and "for this account" in refused.text
    assert attempt(desk, officer.username, PASSWORD).status_code == 303  # still gets in


def test_admin_page_shows_the_trail(app: object, engine: Engine) -> None:
    admin = make_user(engine, "admin")
    client = from_address(app, "10.6.0.1")
    attempt(client, admin.username, "wrong-password")
    assert attempt(client, admin.username, PASSWORD).status_code == 303
    page = client.post(
        "/_dash-update-component",
        json={
            "output": ".._pages_content.children..._pages_store.data..",
            "outputs": [
                {"id": "_pages_content", "property": "children"},
                {"id": "_pages_store", "property": "data"},
            ],
            "inputs": [
                {"id": "_pages_location", "property": "pathname", "value": "/admin"},
                {"id": "_pages_location", "property": "search", "value": ""},
            ],
            "state": [],
            "changedPropIds": ["_pages_location.pathname"],
        },
        headers=origin(client),
    )
    assert page.status_code == 200
    assert "wf-signin-row" in page.text and "10.6.0.1" in page.text
    assert '"data-outcome":"fail"' in page.text.replace(" ", "")
