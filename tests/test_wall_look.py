"""The wall page's choices made on the server: how cells are drawn, the heading's name."""

from __future__ import annotations

import pytest

from dashboard.wall_look import CANVAS_FROM, district_name, renderer


@pytest.mark.parametrize(
    ("asked", "cells", "expected"),
    [
        (None, 3_116, "svg"),  # the demo: every cell its own element
        (None, CANVAS_FROM - 1, "svg"),
        (None, CANVAS_FROM, "canvas"),
        (None, 10_000, "canvas"),  # an imported Yuhang
        ("svg", 10_000, "svg"),
        ("canvas", 3_116, "canvas"),
        ("webgl", 3_116, "svg"),  # not a renderer: chosen by the cells
        ("", 10_000, "canvas"),
    ],
)
def test_cells_are_drawn_on_a_canvas_from_many_on_unless_asked(
    asked: str | None, cells: int, expected: str
) -> None:
    assert renderer(asked, cells) == expected


@pytest.mark.parametrize(
    ("names", "lang", "expected"),
    [
        (("滨江区（演示·合成网格）", "Binjiang (demo, synthetic grids)"), "zh", "滨江区"),
        (("滨江区（演示·合成网格）", "Binjiang (demo, synthetic grids)"), "en", "Binjiang"),
        (("余杭区", "Yuhang District"), "en", "Yuhang"),
        (("余杭区", "Yuhang District"), "zh", "余杭区"),
        (("YH名", "YH名"), "en", "YH名"),  # a file with no English name: its own
    ],
)
def test_the_heading_names_the_district_without_its_brackets(
    names: tuple[str, str], lang: str, expected: str
) -> None:
    assert district_name(names, lang) == expected
