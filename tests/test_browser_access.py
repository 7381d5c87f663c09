"""What a person sees of access, in headless Chromium: the locked sign-in, the admin's lists
of sessions, kiosk tokens and sign-ins, and revoking a wall screen from there."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from feeds import users
from tests.conftest import ARTIFACTS
from tests.signin import kiosk_token, login_page, make_user
from tests.system import System


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000})
    yield ctx
    ctx.close()


def test_locked_sign_in_says_when_to_try_again(
    context: Any, system: System, engine: Engine
) -> None:
    officer = make_user(engine, "officer")
    page = context.new_page()
    page.goto(f"{system.url}/login")
    for i in range(5):
        page.fill("#username", officer.username)
        page.fill("#password", f"wrong-password-{i}")
        page.click("#login-submit")
        page.locator("p.error").wait_for()
    message = page.locator("p.error").inner_text()
    assert "登录失败次数过多" in message and "Too many failed sign-ins" in message
    assert "try again after" in message
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "signin-locked.png"))


def test_admin_sees_sessions_and_revokes_a_wall_screen(
    context: Any, system: System, engine: Engine
) -> None:
    label = f"东门大屏{uuid.uuid4().hex[:4]}"
    token = kiosk_token(engine, label)
    screen = context.browser.new_context().new_page()
    screen.goto(f"{system.url}/?kiosk={token}")
    screen.locator("#wf-map, .wf-wall").first.wait_for(state="attached")
    admin = make_user(engine, "admin")
    page = context.new_page()
    login_page(page, system.url, admin.username, next_path="/admin")
    page.locator(f'tr.wf-session-row[data-who="{admin.username}"]').wait_for()
    page.locator(f'tr.wf-session-row[data-who="kiosk:{label}"]').wait_for()
    with engine.connect() as conn:
        kid = next(str(k["id"]) for k in users.list_kiosks(conn) if k["label"] == label)
    row = page.locator(f'tr.wf-kiosk-row[data-kiosk="{kid}"]')
    row.locator("button").click()
    page.locator(f'tr.wf-kiosk-row[data-kiosk="{kid}"][data-revoked="1"]').wait_for()
    assert "已吊销" in page.locator(f'tr.wf-kiosk-row[data-kiosk="{kid}"]').inner_text()
    assert page.locator(f'tr.wf-session-row[data-who="kiosk:{label}"]').count() == 0
    page.locator("tr.wf-signin-row").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "admin-access.png"), full_page=True)
    # the screen's next request finds its session gone
    assert screen.request.get(f"{system.url}/api/snapshot").status == 401
