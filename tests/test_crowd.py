"""How fast a crowd zone fills and when it is full: pure, and its SQL read."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, delete

from feeds.crowd import zone_minutes, zone_trends
from feeds.minutes.collector import insert_absent
from feeds.tables import reading_minutes
from layers.crowd import minutes_to_capacity, rate_per_min


@pytest.mark.parametrize(
    ("points", "rate"),
    [
        ([], None),
        ([(10, 100.0)], None),  # one minute says nothing about a rate
        ([(10, 100.0), (11, 200.0)], 100.0),
        ([(m, 1000.0 + 50 * m) for m in range(30)], 50.0),
        ([(m, 5000.0 - 20 * m) for m in range(30)], -20.0),
        ([(m, 700.0) for m in range(5)], 0.0),
        # only the last quarter hour counts: a surge an hour ago is no rate now
        ([(0, 0.0), (1, 90_000.0)] + [(m, 90_000.0 + 10 * m) for m in range(50, 60)], 10.0),
        ([(1, 10.0), (3, 30.0), (4, 40.0)], 10.0),  # gaps in the minutes
    ],
)
def test_rate_per_min(points: list[tuple[int, float]], rate: float | None) -> None:
    got = rate_per_min(points)
    assert got == (None if rate is None else pytest.approx(rate))


@pytest.mark.parametrize(
    ("people", "capacity", "rate", "eta"),
    [
        (100.0, 1000.0, 100.0, 9.0),
        (1000.0, 1000.0, 100.0, 0.0),
        (1200.0, 1000.0, -50.0, 0.0),  # over capacity is over, falling or not
        (100.0, 1000.0, 0.0, None),
        (100.0, 1000.0, -5.0, None),
        (100.0, 1000.0, None, None),
        (100.0, 0.0, 10.0, None),
        (249_000.0, 250_000.0, 2_000.0, 0.5),
    ],
)
def test_minutes_to_capacity(
    people: float, capacity: float, rate: float | None, eta: float | None
) -> None:
    assert minutes_to_capacity(people, capacity, rate) == eta


def test_zone_trends_read_the_last_hour_of_zone_minutes(engine: Engine) -> None:
    now = 30_000_000
    rows = [
        {"key": key, "minute": m, "kind": "crowd", "n": 3, "min": 0, "max": 0, "mean": mean}
        for key, m, mean in [
            ("zone:Z05", now - 90, 1.0),  # older than the hour: left out
            *(("zone:Z05", now - 10 + i, 1000.0 + 100 * i) for i in range(10)),
            ("zone:Z01", now - 5, 42.4),
            ("crowd-Z01-01", now - 5, 9.0),  # a sensor's own minutes are not a zone's
        ]
    ]
    with engine.begin() as conn:
        conn.execute(delete(reading_minutes))
        insert_absent(conn, rows)
    with engine.connect() as conn:
        series = zone_minutes(conn, now - 60)
        trends = zone_trends(conn, now)
    assert set(series) == {"Z05", "Z01"}
    assert series["Z05"][0] == (now - 10, 1000.0) and len(series["Z05"]) == 10
    assert trends["Z05"]["rate"] == pytest.approx(100.0)
    assert trends["Z01"] == {"trend": [[now - 5, 42]], "rate": None}
    with engine.begin() as conn:
        conn.execute(delete(reading_minutes))
