from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feeds.pipeline import Incident
from feeds.sla import Budgets, Rule, SlaPolicy, add_working_days, colour, stage_colours

TZ = ZoneInfo("Asia/Shanghai")


def ms(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> int:
    return int(datetime(y, mo, d, h, mi, s, tzinfo=TZ).timestamp() * 1000)


T0 = ms(2026, 11, 24, 10)  # a Tuesday


@pytest.mark.parametrize(
    ("elapsed_s", "budget_s", "expected"),
    [
        (0, 60, "green"),
        (47, 60, "green"),
        (48, 60, "amber"),
        (59, 60, "amber"),
        (60, 60, "amber"),
        (61, 60, "red"),
        (143, 180, "green"),
        (144, 180, "amber"),
        (181, 180, "red"),
        (239, 300, "green"),
        (240, 300, "amber"),
        (301, 300, "red"),
    ],
)
def test_pending_stage_colour(elapsed_s: int, budget_s: int, expected: str) -> None:
    assert colour(T0, T0 + budget_s * 1000, T0 + elapsed_s * 1000) == expected


@pytest.mark.parametrize(
    ("done_s", "expected"), [(10, "green"), (55, "green"), (60, "green"), (61, "red")]
)
def test_done_stage_is_green_or_red_never_amber(done_s: int, expected: str) -> None:
    assert colour(T0, T0 + 60_000, T0 + 10**9, done=T0 + done_s * 1000) == expected


def test_default_deadlines_count_from_arrival() -> None:
    due = SlaPolicy().deadlines(T0, "parking", "urgent")
    assert due == {
        "accept": T0 + 60_000,
        "dispatch": T0 + 180_000,
        "arrive": T0 + 300_000,
        "resolve": T0 + 86_400_000,
    }


@pytest.mark.parametrize(
    ("reported", "resolve_by"),
    [
        ((2026, 11, 24, 10), (2026, 11, 27, 10)),  # Tue -> Fri
        ((2026, 11, 26, 15), (2026, 12, 1, 15)),  # Thu -> Tue
        ((2026, 11, 27, 9), (2026, 12, 2, 9)),  # Fri -> Wed
        ((2026, 11, 28, 22), (2026, 12, 2, 22)),
    ],  # Sat -> Wed
)
def test_ordinary_matters_have_three_working_days(
    reported: tuple[int, ...], resolve_by: tuple[int, ...]
) -> None:
    due = SlaPolicy().deadlines(ms(*reported), "parking", "ordinary")
    assert due["resolve"] == ms(*resolve_by)


def test_add_working_days_skips_weekends() -> None:
    fri = datetime(2026, 11, 27, 12, tzinfo=TZ)
    assert add_working_days(fri, 1).weekday() == 0


def test_most_specific_rule_wins() -> None:
    policy = SlaPolicy(
        rules=(
            Rule(Budgets(accept_s=30), category="gas_leak"),
            Rule(Budgets(accept_s=20), category="gas_leak", priority="urgent"),
            Rule(Budgets(accept_s=45), priority="urgent"),
        )
    )
    assert policy.budgets("gas_leak", "urgent").accept_s == 20
    assert policy.budgets("gas_leak", "ordinary").accept_s == 30
    assert policy.budgets("parking", "urgent").accept_s == 45
    assert policy.budgets("parking", "ordinary").accept_s == 60


def test_policy_file(tmp_path: Path) -> None:
    path = tmp_path / "sla.json"
    path.write_text(
        json.dumps(
            {
                "default": {"accept_s": 90},
                "rules": [{"category": "fire", "budgets": {"accept_s": 15, "arrive_s": 180}}],
            }
        )
    )
    policy = SlaPolicy.load(path)
    assert policy.budgets("parking", "ordinary").accept_s == 90
    assert policy.deadlines(T0, "fire", "urgent")["arrive"] == T0 + 180_000


@pytest.mark.parametrize(
    "content",
    ["{", '{"default": {"accept_s": "soon"}}', '{"rules": [{"category": "x"}]}', '{"nonsense": 1}'],
)
def test_broken_policy_file_is_a_clear_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "sla.json"
    path.write_text(content)
    with pytest.raises(ValueError, match="SLA policy"):
        SlaPolicy.load(path)


def test_stage_colours_of_an_incident() -> None:
    due = SlaPolicy().deadlines(T0, "parking", "urgent")
    inc = Incident(id="i", reported_at=T0, state="accepted", accepted_at=T0 + 70_000)
    colours = stage_colours(inc, due, T0 + 150_000)
    assert colours == {"accept": "red", "dispatch": "amber", "arrive": None, "resolve": None}
