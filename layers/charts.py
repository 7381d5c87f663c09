"""Plotly figures for the figures page, as plain dicts (no I/O, no Dash).

Every point carries in ``customdata`` the /incidents link that lists what it counts, so
a click on a bar or a point opens exactly those incidents. Dark, like the console, and
large enough to read from across a room.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Figure = dict[str, Any]

INK = "#e8eef7"
MUTED = "#9fb0c8"
GRID = "#24324d"
BLUE = "#3d8bfd"
TEAL = "#2ec4b6"
AMBER = "#f5b041"
RED = "#ff4d4f"
GREEN = "#2ecc71"
GREY = "#6b7a90"
# Distinct on dark, in a fixed order so that a kind keeps its colour across charts.
PALETTE = ("#3d8bfd", "#2ec4b6", "#f5b041", "#ff7a45", "#b37feb", "#7ee0a0", "#ff4d4f", "#8ea0bf")
FONT = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
    '"WenQuanYi Micro Hei", sans-serif'
)


def base_layout(height: int, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "height": height,
        "margin": {"l": 56, "r": 16, "t": 12, "b": 44},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": FONT, "size": 15, "color": INK},
        "hoverlabel": {"font": {"family": FONT, "size": 15}},
        "xaxis": {"gridcolor": GRID, "zerolinecolor": GRID, "automargin": True},
        "yaxis": {"gridcolor": GRID, "zerolinecolor": GRID, "automargin": True},
        "showlegend": False,
        "bargap": 0.25,
    }
    layout.update(extra)
    return layout


def bars(
    labels: Sequence[str],
    values: Sequence[float],
    links: Sequence[str | None] = (),
    *,
    colour: str | Sequence[str] = BLUE,
    horizontal: bool = False,
    value_text: Sequence[str] | None = None,
    height: int = 300,
) -> Figure:
    """One bar per label; horizontal bars keep the first label on top."""
    text = list(value_text) if value_text is not None else [f"{v:,.0f}" for v in values]
    trace: dict[str, Any] = {
        "type": "bar",
        "marker": {"color": colour if isinstance(colour, str) else list(colour)},
        "customdata": list(links) if links else [None] * len(values),
        "text": text,
        "textposition": "auto",
        "cliponaxis": False,
        "hovertemplate": "%{" + ("y" if horizontal else "x") + "}: %{text}<extra></extra>",
    }
    if horizontal:
        trace.update(x=list(values), y=list(labels), orientation="h")
        layout = base_layout(
            max(height, 36 * len(labels) + 40),
            yaxis={"autorange": "reversed", "automargin": True, "gridcolor": GRID},
            xaxis={"gridcolor": GRID, "zerolinecolor": GRID},
            margin={"l": 8, "r": 24, "t": 8, "b": 32},
        )
    else:
        trace.update(x=list(labels), y=list(values))
        layout = base_layout(height)
    return {"data": [trace], "layout": layout}


def ranking(
    labels: Sequence[str],
    values: Sequence[float],
    links: Sequence[str | None],
    value_text: Sequence[str],
    *,
    worst: bool = False,
) -> Figure:
    """A ranking as horizontal bars, first place on top (red when it ranks the worst)."""
    return bars(
        labels, values, links, colour=RED if worst else TEAL, horizontal=True, value_text=value_text
    )


def lines(
    x: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    links: Sequence[str | None] = (),
    *,
    height: int = 300,
    dashed_after_first: bool = True,
) -> Figure:
    """The first series solid and clickable; the others (earlier periods) dashed and grey."""
    data: list[dict[str, Any]] = []
    for i, (name, ys) in enumerate(series):
        main = i == 0
        trace: dict[str, Any] = {
            "type": "scatter",
            "mode": "lines+markers" if main else "lines",
            "name": name,
            "x": list(x),
            "y": list(ys),
            "line": {
                "color": BLUE if main else (GREY if i == 1 else "#4b5870"),
                "width": 3 if main else 2,
                "dash": "solid" if main or not dashed_after_first else "dash",
            },
            "hovertemplate": "%{x}: %{y:,.0f}<extra>" + name + "</extra>",
        }
        if main:
            trace["customdata"] = list(links) if links else [None] * len(x)
            trace["marker"] = {"size": 7}
        data.append(trace)
    layout = base_layout(
        height,
        showlegend=len(series) > 1,
        legend={"orientation": "h", "y": 1.12, "x": 0, "font": {"color": MUTED}},
        margin={"l": 56, "r": 16, "t": 36, "b": 44},
    )
    return {"data": data, "layout": layout}


def stacked(
    x: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], Sequence[str | None]]],
    *,
    height: int = 320,
) -> Figure:
    """Stacked bars per x, one colour per series (e.g. sensor alarms by kind per day)."""
    data = [
        {
            "type": "bar",
            "name": name,
            "x": list(x),
            "y": list(ys),
            "customdata": list(links) if links else [None] * len(x),
            "marker": {"color": PALETTE[i % len(PALETTE)]},
            "hovertemplate": "%{x} " + name + ": %{y:,.0f}<extra></extra>",
        }
        for i, (name, ys, links) in enumerate(series)
    ]
    layout = base_layout(
        height,
        barmode="stack",
        showlegend=True,
        legend={"orientation": "h", "y": 1.14, "x": 0, "font": {"color": MUTED}},
        margin={"l": 56, "r": 16, "t": 40, "b": 44},
    )
    return {"data": data, "layout": layout}


def hourly(
    counts: Sequence[float],
    before: Sequence[float] | None,
    links: Sequence[str | None],
    names: tuple[str, str],
) -> Figure:
    """Reports per hour of the day (0-23), the earlier period as a grey line over the bars."""
    hours = [f"{h:02d}" for h in range(24)]
    fig = bars(hours, counts, links, value_text=[f"{v:,.0f}" for v in counts], height=300)
    fig["data"][0]["name"] = names[0]
    fig["data"][0]["textposition"] = "none"
    if before is not None:
        fig["data"].append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": names[1],
                "x": hours,
                "y": list(before),
                "line": {"color": AMBER, "width": 2, "dash": "dot"},
                "hovertemplate": "%{x}: %{y:,.1f}<extra>" + names[1] + "</extra>",
            }
        )
        fig["layout"].update(
            showlegend=True,
            legend={"orientation": "h", "y": 1.14, "x": 0, "font": {"color": MUTED}},
            margin={"l": 56, "r": 16, "t": 40, "b": 44},
        )
    return fig


def click_link(click: Any) -> str | None:
    """The /incidents link of the point a click landed on (Plotly's clickData)."""
    if not isinstance(click, dict):
        return None
    points = click.get("points") or []
    if not points or not isinstance(points[0], dict):
        return None
    link = points[0].get("customdata")
    if isinstance(link, list):
        link = link[0] if link else None
    return link if isinstance(link, str) and link.startswith("/incidents") else None
