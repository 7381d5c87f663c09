"""The admin page's QR code box in a real headless Chromium: a code in, the sheet out."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from layers.district import District
from tests.signin import login_page, make_user
from tests.system import System

pytestmark = pytest.mark.browser
WAIT = 30_000  # ms; bounds the waits for conditions below


def test_admin_prints_a_communitys_qr_codes_from_the_admin_page(
    browser: Any, system: System, engine: Engine, district: District
) -> None:
    micro = district.buildings.micro_grid
    community = str(micro.iloc[0].rsplit("-", 2)[0])
    count = int((micro.str.split("-").str[:2].str.join("-") == community).sum())
    admin = make_user(engine, "admin")
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000})
    ctx.set_default_timeout(WAIT)
    page = ctx.new_page()
    login_page(page, system.url, admin.username, next_path="/admin")
    box = page.locator("form[action='/admin/qr-sheet']")
    box.wait_for()
    text = box.inner_text()
    assert "楼幢二维码" in text and "Building QR codes" in text
    assert "打印 PDF" in text and "Printable page" in text
    page.fill("#adm-qr-area", community)
    with ctx.expect_page() as opened:
        page.click("#adm-qr-html")
    sheet = opened.value
    sheet.locator(".label").first.wait_for()
    assert sheet.locator(".label").count() == count
    assert sheet.locator(".label svg").count() == count
    head = sheet.locator(".page .head").first.inner_text()
    assert community in head and "page 1 of" in head
    ctx.close()
