"""The figures page's date picker speaks the page's language: Chinese weekday and month
names on the Chinese page, English ones on the English page (headless Chromium)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from tests.signin import login_page, make_user

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]  # a shared machine: start-up is slow

WEEKDAYS = ".dash-datepicker-calendar thead th"  # the month's title, then its weekdays


def opened_calendar(page: Any) -> tuple[list[str], str]:
    page.click("#fig-range")
    page.wait_for_selector(WEEKDAYS, timeout=15_000)
    first = page.locator(".dash-datepicker-calendar").first
    days = [t.strip() for t in first.locator("thead th").all_inner_texts()][-7:]
    return days, page.inner_text(".dash-datepicker-content")


def test_the_date_picker_names_days_and_months_in_the_pages_language(
    system: Any, engine: Engine, browser: Any
) -> None:
    leader = make_user(engine, "leader", "领导 李")
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    login_page(page, system.url, leader.username, next_path="/figures?period=2026-10")
    page.wait_for_selector("#fig-range", timeout=30_000)
    assert page.get_attribute("#fig-range", "placeholder") == "开始日期"
    days, shown = opened_calendar(page)
    assert days == ["一", "二", "三", "四", "五", "六", "日"]  # the week starts on Monday
    assert "十月 2026" in shown and "October" not in shown
    page.goto(system.url + "/figures?period=2026-10&lang=en")
    page.wait_for_selector("#fig-range", timeout=30_000)
    assert page.get_attribute("#fig-range", "placeholder") == "Start date"
    days, shown = opened_calendar(page)
    assert days == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    assert "October 2026" in shown
    page.close()
