from __future__ import annotations

import pytest

from feeds.sensor_rules import alarm_report, crowd_change, crowd_report, threshold_change
from tests.helpers import reading


@pytest.mark.parametrize(
    ("kind", "value", "alarming", "change"),
    [
        ("gas", 3, False, None),
        ("gas", 25, False, "raise"),
        ("gas", 40, True, None),
        ("gas", 20, True, None),
        ("gas", 14.9, True, "clear"),
        ("fume", 2.1, False, "raise"),
        ("fume", 1.4, True, "clear"),
        ("muck_truck", 1, False, "raise"),
        ("muck_truck", 1, True, "raise"),
        ("muck_truck", 0, True, "clear"),
        ("ebike_charging", 59, False, "raise"),
        ("ebike_charging", 52, False, None),
        ("crowd", 10**6, False, None),
        ("radon", 999, False, None),
    ],
)
def test_threshold_change(kind: str, value: float, alarming: bool, change: str | None) -> None:
    assert threshold_change(kind, value, alarming) == change


@pytest.mark.parametrize(
    ("people", "capacity", "alerting", "change"),
    [
        (100, 1000, False, None),
        (1001, 1000, False, "raise"),
        (1200, 1000, True, None),
        (950, 1000, True, None),
        (899, 1000, True, "clear"),
        (10**6, None, False, None),
    ],
)
def test_crowd_change_with_hysteresis(
    people: int, capacity: int | None, alerting: bool, change: str | None
) -> None:
    assert crowd_change(people, capacity, alerting) == change


def test_alarm_and_crowd_reports_are_derived_deterministically() -> None:
    r = reading("gas-7", "gas", 31.0, unit="ppm")
    a = alarm_report(r, 120.2, 30.2)
    assert a.id == f"alarm:{r.id}" and a.priority == "urgent" and a.category == "gas_leak"
    assert "31" in a.text and "25" in a.text
    c = crowd_report(r, "Z01", "江滨观景区", 301_000, 250_000, 120.1, 30.2)
    assert c.id == f"crowd:Z01:{r.id}" and "301,000" in c.text and c.category == "crowd"
