"""Pieces the console pages share: labels, times, masking, colours, the small map."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import dash_leaflet as dl
from dash import dcc, html

from dashboard import ids
from dashboard.auth import ACT, STATUS, VIEW, allowed, current_user
from feeds import numbering
from feeds.vocab import label

PHONE_DIGITS = re.compile(r"\d")
Bounds = tuple[float, float, float, float]  # west, south, east, north
SLA_LABELS = {"red": ("超时", "Late"), "amber": ("临期", "Due soon"), "green": ("正常", "On time")}


def bi(pair: tuple[str, str]) -> html.Span:
    """Chinese, then English in small type. One component, never a bare list: the Dash
    renderer does not wrap components inside a nested list (React error #31)."""
    return html.Span([pair[0], " ", html.Span(pair[1], className="wf-en")], className="wf-bi")


def lab(table: dict[str, tuple[str, str]], code: str | None) -> str:
    return label(table, code) if code else "–"


def when(ms: int | None, tz: str, fmt: str = "%m-%d %H:%M:%S") -> str:
    if ms is None:
        return "–"
    return datetime.fromtimestamp(ms / 1000, ZoneInfo(tz)).strftime(fmt)


def duration(ms: int | None) -> str:
    if ms is None:
        return "–"
    s = max(int(ms // 1000), 0)
    if s < 3600:
        return f"{s // 60}:{s % 60:02d}"
    if s < 86400:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    return f"{s // 86400}d{s % 86400 // 3600}h"


def unit_name(unit: str | None, names: dict[str, str]) -> str:
    """A unit by its name (江澄街道综合行政执法队第三中队), never its code alone."""
    if not unit:
        return "–"
    return names.get(unit, unit)


def mask_phone(phone: str | None) -> str:
    """138****1111: the first three and last four digits; everything else starred."""
    if not phone:
        return "–"
    digits = PHONE_DIGITS.findall(phone)
    if len(digits) <= 7:
        return "*" * len(digits)
    return "".join(digits[:3]) + "*" * (len(digits) - 7) + "".join(digits[-4:])


def forbidden() -> html.Div:
    user = current_user()
    who = f"{user.display_name} ({user.role})" if user else "–"
    return html.Div(
        [
            html.H1(bi(("无权访问", "Not allowed"))),
            html.P(f"当前用户 Signed in as: {who}"),
            html.A("退出登录 Sign out", href="/logout"),
        ],
        className="wf-console wf-forbidden",
    )


def can_view() -> bool:
    return allowed(*VIEW)


def can_act() -> bool:
    return allowed(*ACT)


def header(title: tuple[str, str]) -> html.Div:
    user = current_user()
    return html.Div(
        [
            html.H1(bi(title)),
            html.Nav(
                [
                    dcc.Link("大屏 Wall", href="/"),
                    dcc.Link("事件列表 Incidents", href="/incidents"),
                    dcc.Link("统计 Figures", href="/figures") if can_view() else None,
                    dcc.Link("报告 Reports", href="/reports") if can_view() else None,
                    dcc.Link("状态 Status", href="/status") if allowed(*STATUS) else None,
                    html.A("管理 Admin", href="/admin") if allowed("admin") else None,
                    html.Span(
                        f"{user.display_name} · {user.role}" if user else "", className="wf-who"
                    ),
                    html.A("退出 Sign out", href="/logout"),
                ],
                className="wf-nav",
            ),
        ],
        className="wf-console-head",
    )


DISTRICT_LINE = "#5b7bb0"  # the district's outline on the small maps (tests find it by it)


def small_map(
    map_id: str,
    markers: list[Any],
    center: tuple[float, float],
    zoom: float = 12,
    extra: list[Any] | None = None,
    bounds: Bounds | None = None,
) -> dl.MapContainer:
    """A map with no tiles (closed networks): the district and street outlines, and markers.
    ``bounds`` (west, south, east, north), when given, frames the map instead of the zoom."""
    frame: dict[str, Any] = (
        {
            "bounds": [[bounds[1], bounds[0]], [bounds[3], bounds[2]]],
            "boundsOptions": {"padding": [12, 12]},
            # the frame is set once; reporting every move back to Dash made the map's
            # bounds prop change and the map fit itself again, without end
            "trackViewport": False,
        }
        if bounds
        else {"center": list(center), "zoom": zoom}  # a centre too would move the frame
    )
    return dl.MapContainer(
        id=map_id,
        **frame,
        attributionControl=False,
        className="wf-small-map",
        children=[
            dl.GeoJSON(
                url="/api/geo/district.json",
                style={"color": DISTRICT_LINE, "weight": 2, "fillOpacity": 0.04},
            ),
            dl.GeoJSON(
                url="/api/geo/street.json",
                style={"color": "#3d5a8a", "weight": 1, "fillOpacity": 0},
            ),
            *(extra or []),
            dl.LayerGroup(id=f"{map_id}-markers", children=markers),
        ],
    )


SLA_COLOURS = {"red": "#e5484d", "amber": "#f5a623", "green": "#30a46c", None: "#8a94a6"}


def marker(row: dict[str, Any], colour: str | None, text: str) -> dl.CircleMarker:
    return dl.CircleMarker(
        center=[row["lat"], row["lon"]],
        radius=7,
        color="#0e1726",
        weight=1,
        fillColor=SLA_COLOURS[colour],
        fillOpacity=0.95,
        children=[
            dl.Tooltip(f"{numbering.shown(row)} · {text}"),
            dl.Popup(html.A(f"打开 Open {numbering.shown(row)}", href=f"/incident/{row['id']}")),
        ],
    )


__all__ = ["ids"]
