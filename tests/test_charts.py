from __future__ import annotations

import re

import pytest

from layers import charts, svgchart
from layers.choropleth import RAMP, class_of, classify, nice_breaks


def test_bars_carry_links_for_clicks() -> None:
    fig = charts.bars(["a", "b"], [3, 5], ["/incidents?category=a", "/incidents?category=b"])
    trace = fig["data"][0]
    assert trace["x"] == ["a", "b"] and trace["y"] == [3, 5]
    assert trace["customdata"] == ["/incidents?category=a", "/incidents?category=b"]
    assert trace["text"] == ["3", "5"]


def test_horizontal_ranking_keeps_first_on_top_and_grows_with_rows() -> None:
    labels = [f"g{i}" for i in range(20)]
    fig = charts.ranking(labels, list(range(20)), [None] * 20, [str(i) for i in range(20)])
    assert fig["data"][0]["orientation"] == "h"
    assert fig["layout"]["yaxis"]["autorange"] == "reversed"
    assert fig["layout"]["height"] >= 20 * 30
    worst = charts.ranking(["x"], [1], [None], ["1"], worst=True)
    assert worst["data"][0]["marker"]["color"] == charts.RED


def test_lines_first_series_is_the_clickable_one() -> None:
    fig = charts.lines(["d1", "d2"], [("本期", [1, 2]), ("上期", [2, 2])], ["/i?1", "/i?2"])
    assert fig["data"][0]["customdata"] == ["/i?1", "/i?2"]
    assert "customdata" not in fig["data"][1]
    assert fig["data"][1]["line"]["dash"] == "dash"
    assert fig["layout"]["showlegend"] is True


def test_hourly_has_24_bars_and_the_earlier_line() -> None:
    fig = charts.hourly([1] * 24, [0.5] * 24, [None] * 24, ("本期", "上期日均"))
    assert len(fig["data"][0]["x"]) == 24 and fig["data"][0]["x"][0] == "00"
    assert fig["data"][1]["name"] == "上期日均"
    assert len(charts.hourly([1] * 24, None, [None] * 24, ("a", "b"))["data"]) == 1


def test_stacked_one_trace_per_kind() -> None:
    fig = charts.stacked(["11-01", "11-02"], [("渣土车", [300, 100], ()), ("油烟", [2, 3], ())])
    assert [t["name"] for t in fig["data"]] == ["渣土车", "油烟"]
    assert fig["layout"]["barmode"] == "stack"


@pytest.mark.parametrize(
    ("click", "link"),
    [
        ({"points": [{"customdata": "/incidents?grid=G1"}]}, "/incidents?grid=G1"),
        ({"points": [{"customdata": ["/incidents?x=1"]}]}, "/incidents?x=1"),
        ({"points": [{"customdata": "https://evil.example/"}]}, None),
        ({"points": [{"customdata": None}]}, None),
        ({"points": []}, None),
        (None, None),
        ("junk", None),
    ],
)
def test_click_link(click: object, link: str | None) -> None:
    assert charts.click_link(click) == link


def test_breaks_rise_and_are_round() -> None:
    assert nice_breaks([]) == ()
    assert nice_breaks([0, 0]) == ()
    b = nice_breaks([1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377])
    assert list(b) == sorted(set(b))
    assert b[0] == 1
    assert all(x <= 10 or x % 5 == 0 for x in b)
    assert nice_breaks([7] * 50) == (7.0,)


@pytest.mark.parametrize(("value", "cls"), [(0, 0), (0.5, 0), (1, 1), (4.9, 2), (5, 3), (99, 3)])
def test_class_of(value: float, cls: int) -> None:
    assert class_of(value, (1, 2, 5)) == cls


def test_classify_colours_every_code_and_the_legend_matches() -> None:
    c = classify({"A": 0, "B": 1, "C": 50, "D": 400}, codes=["A", "B", "C", "D", "E"])
    assert c.colours["E"] == RAMP[0] and c.colours["A"] == RAMP[0]
    assert c.colours["D"] == RAMP[len(c.breaks)]
    assert c.legend[0] == (RAMP[0], "0")
    assert len(c.legend) == len(c.breaks) + 1
    assert c.legend[-1][1].endswith("+")


def test_svg_charts_are_self_contained_and_escaped() -> None:
    svgs = [
        svgchart.hbars(["<b>街道</b>", "b"], [3, 0], "排名"),
        svgchart.columns([f"{h:02d}" for h in range(24)], list(range(24)), "每小时", label_every=3),
        svgchart.stacked_columns(["d1", "d2"], [("渣土车", [3, 1]), ("油烟", [1, 0])], "告警"),
        svgchart.polyline(
            ["d1", "d2", "d3"], [("本期", [1, None, 3]), ("上期", [2, 2, 2])], "趋势"
        ),
        svgchart.hbars([], [], "空"),
    ]
    for svg in svgs:
        assert svg.startswith("<svg") and svg.endswith("</svg>")
        assert not re.search(r"(href|src)=", svg)  # nothing to fetch
    assert "&lt;b&gt;街道" in svgs[0]
    assert svgs[1].count("<rect") == 24
