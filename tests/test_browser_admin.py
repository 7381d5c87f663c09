"""The admin page in a real headless Chromium: an admin makes an officer who can then sign in."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from feeds import users
from tests.signin import login_page, make_user
from tests.system import System

pytestmark = pytest.mark.browser
WAIT = 30_000  # ms; bounds the waits for conditions below


def test_admin_creates_an_officer_who_can_sign_in(
    browser: Any, system: System, engine: Engine
) -> None:
    admin = make_user(engine, "admin")
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000})
    ctx.set_default_timeout(WAIT)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login_page(page, system.url, admin.username, next_path="/admin")
    page.locator(f'#adm-users tr[data-user="{admin.username}"]').wait_for()

    page.fill("#adm-username", "zhao-night")
    page.fill("#adm-display", "夜班 赵")
    page.fill("#adm-password", "short")
    page.click("#adm-create")
    page.wait_for_function("document.getElementById('adm-result').textContent.includes('at least')")
    page.fill("#adm-password", "night-shift-pass")
    page.click("#adm-create")
    page.locator('#adm-users tr[data-user="zhao-night"]').wait_for()
    assert "值班员" in page.locator('#adm-users tr[data-user="zhao-night"]').inner_text()
    assert page.input_value("#adm-password") == ""  # the password leaves the form
    assert not errors, errors

    officer = browser.new_context()
    officer.set_default_timeout(WAIT)
    other = officer.new_page()
    login_page(other, system.url, "zhao-night", password="night-shift-pass")
    assert "夜班 赵" in other.locator(".wf-who").inner_text()
    with engine.connect() as conn:
        assert users.get_user(conn, "zhao-night") == users.User("zhao-night", "夜班 赵", "officer")
    officer.close()
    ctx.close()
