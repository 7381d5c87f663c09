from __future__ import annotations

import pytest

from feeds.routing import JOINT_CATEGORIES, ROUTES, Router, Unit, street_of
from feeds.vocab import CATEGORIES, UNIT_KINDS

UNITS = [
    Unit("S1-LE-1", "law_enforcement", "S1"),
    Unit("S1-LE-2", "law_enforcement", "S1"),
    Unit("S1-GW", "grid_worker", "S1"),
    Unit("S2-GW", "grid_worker", "S2"),
    Unit("S1-PROP", "property", "S1"),
    Unit("FIRE", "fire", None),
]


def test_every_category_has_a_route_to_a_known_kind() -> None:
    assert set(ROUTES) == set(CATEGORIES)
    assert set(ROUTES.values()) <= set(UNIT_KINDS)


@pytest.mark.parametrize(
    ("category", "grid", "unit_prefix", "scope"),
    [
        ("environment", "S1-C01-G01", "S1-LE", "street"),
        ("property", "S1-C02-G03", "S1-PROP", "street"),
        ("fire", "S2-C01-G01", "FIRE", "district"),
        ("wages", "S2-C01-G01", "S2-GW", "street"),
        ("property", "S2-C01-G01", "S2-GW", "street"),
    ],
)
def test_suggestion(category: str, grid: str, unit_prefix: str, scope: str) -> None:
    s = Router(UNITS).suggest(category, grid)
    assert s is not None and s.unit.startswith(unit_prefix) and scope in s.rule


def test_same_grid_same_squad_and_squads_share_the_load() -> None:
    router = Router(UNITS)
    picks = {router.suggest("environment", f"S1-C01-G{i:02d}").unit for i in range(40)}  # type: ignore[union-attr]
    assert picks == {"S1-LE-1", "S1-LE-2"}
    assert router.suggest("environment", "S1-C01-G07") == router.suggest(
        "environment", "S1-C01-G07"
    )


def test_no_units_no_suggestion() -> None:
    assert Router([]).suggest("parking", "S1-C01") is None


@pytest.mark.parametrize(
    ("category", "priority", "auto"),
    [("parking", "ordinary", True), ("parking", "urgent", False)]
    + [(c, "ordinary", False) for c in sorted(JOINT_CATEGORIES)],
)
def test_automatic_only_for_ordinary_single_department_matters(
    category: str, priority: str, auto: bool
) -> None:
    assert Router.automatic(category, priority) is auto


@pytest.mark.parametrize(
    ("grid", "street"), [("BJ01-C03-G05-M2", "BJ01"), ("BJ02", "BJ02"), (None, None), ("", None)]
)
def test_street_of(grid: str | None, street: str | None) -> None:
    assert street_of(grid) == street
