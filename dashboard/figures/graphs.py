"""The figures page's charts from section data (pure: data in, Plotly dicts out)."""

from __future__ import annotations

from datetime import date
from typing import Any

from dashboard.figures.tables import href, name_of
from dashboard.figures.words import STAGES, pick, w
from feeds.vocab import CATEGORIES, REPORT_KINDS, SOURCES, label
from layers import charts
from layers.tabular import Kind, format_value

Data = dict[str, Any]
Figure = dict[str, Any]
VOCAB = {"source": SOURCES, "kind": REPORT_KINDS, "category": CATEGORIES}
TOP = 10


def counts(data: Data, dim: str, lang: str) -> Figure:
    rows = data[dim]
    return charts.bars(
        [label(VOCAB[dim], r["key"], lang) for r in rows],
        [r["n"] for r in rows],
        [href(r.get("filter")) for r in rows],
        horizontal=True,
    )


def ranking(data: Data, level: str, lang: str, fewest: bool = False) -> Figure:
    """The ten with most incidents (per 10,000 residents where known), or the ten with
    fewest, of a level: the ranking's own order, most first."""
    by = data[level].get("by", "n")
    rows = [r for r in data[level]["rows"] if r.get(by) is not None]
    rows = rows[-TOP:][::-1] if fewest else rows[:TOP]
    kind: Kind = "float" if by != "n" else "int"
    return charts.ranking(
        [name_of(r, lang) for r in rows],
        [r[by] for r in rows],
        [href(r.get("filter")) for r in rows],
        [format_value(r[by], kind, lang) for r in rows],
        worst=not fewest,
    )


def hourly(data: Data, lang: str) -> Figure:
    days = max(data["days"], 1)
    before = [r["n"] / max(data["previous_days"], 1) * days for r in data["hourly_previous"]]
    return charts.hourly(
        [r["n"] for r in data["hourly"]],
        before,
        [href(r.get("filter")) for r in data["hourly"]],
        (w("this_period", lang), w("prev_period", lang)),
    )


def trend(data: Data, lang: str) -> Figure:
    rows = data["trend"]["rows"]
    key = "month" if data["trend"]["unit"] == "month" else "day"
    x = [r[key] if key == "month" else r[key][5:] for r in rows]
    return charts.lines(
        x, [(w("this_period", lang), [r["n"] for r in rows])], [href(r.get("filter")) for r in rows]
    )


def compliance(data: Data, lang: str) -> Figure:
    stages = [s for s in STAGES if s in data["all"]]
    shares = [data["all"][s]["share"] for s in stages]
    colours = [
        charts.GREY
        if v is None
        else charts.GREEN
        if v >= 0.9
        else charts.AMBER
        if v >= 0.7
        else charts.RED
        for v in shares
    ]
    fig = charts.bars(
        [pick(STAGES[s], lang) for s in stages],
        [0 if v is None else v * 100 for v in shares],
        [href(data["all"][s].get("filter")) for s in stages],
        colour=colours,
        value_text=[format_value(v, "share") for v in shares],
        height=280,
    )
    fig["layout"]["yaxis"].update(range=[0, 105], ticksuffix="%")
    return fig


def ratings(data: Data, lang: str) -> Figure:
    dist = data["distribution"]
    return charts.bars(
        [f"{d['rating']}★" for d in dist],
        [d["n"] for d in dist],
        [href(d.get("filter")) for d in dist],
        colour=[charts.RED, "#ff7a45", charts.AMBER, charts.TEAL, charts.GREEN],
        height=260,
    )


def alarms(data: Data, lang: str) -> Figure:
    a = data["alarms"]
    days = [d[5:] for d in a["days"]]
    series = []
    for k in a["kinds"]:
        links = []
        for d in a["days"]:
            start = _day_ms(k, d)
            one = {"from": str(start), "to": str(start + 86_400_000)} if start is not None else {}
            links.append(href({**k["filter"], **one}))
        series.append((label(CATEGORIES, k["kind"], lang), [d["n"] for d in k["days"]], links))
    return charts.stacked(days, series)


def _day_ms(kind: Data, day: str) -> int | None:
    """Midnight of ``day`` from the kind's period filter (its days start at ``from``)."""
    start = kind["filter"].get("from")
    if start is None or not kind["days"]:
        return None
    first = kind["days"][0]["day"]
    offset = (date.fromisoformat(day) - date.fromisoformat(first)).days
    return int(start) + offset * 86_400_000


def crowd(data: Data, lang: str) -> Figure:
    rows = [r for r in data["crowd"] if r.get("peak") is not None]
    return charts.bars(
        [name_of(r, lang) for r in rows],
        [r["peak"] for r in rows],
        [href(r.get("filter")) for r in rows],
        colour=[
            charts.RED if (r.get("share_of_capacity") or 0) >= 1 else charts.BLUE for r in rows
        ],
        horizontal=True,
    )


def patrol_days(data: Data, lang: str) -> Figure:
    """Grids with no patrol check-in, per day."""
    rows = data["days"]
    return charts.lines(
        [r["day"][5:] for r in rows], [(w("no_patrol", lang), [r["grids_without"] for r in rows])]
    )
