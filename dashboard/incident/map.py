"""The incident's map: where it is among its street and the district, and the incidents
open around it. Drawn from local geometry like the wall's (no tiles, nothing fetched from
outside), framed on the incident's street so the place reads at a glance."""

from __future__ import annotations

import json
from typing import Any

import dash_leaflet as dl
from dash import dcc, html

from dashboard import console
from feeds import numbering, queries
from feeds.clock import now_ms
from feeds.vocab import CATEGORIES
from layers.geojson import bounds_of

STREET_LINE = "#9cc3ff"  # the incident's own street, over the other streets' dim lines
AROUND_METRES = 1_000


def _feature(geometry: str, style: dict[str, Any], **kw: Any) -> dl.GeoJSON:
    return dl.GeoJSON(
        data={"type": "Feature", "geometry": json.loads(geometry), "properties": {}},
        style=style,
        **kw,
    )


def _around_marker(row: dict[str, Any], now: int) -> dl.CircleMarker:
    label = f"{numbering.shown(row)} · {console.lab(CATEGORIES, row['category'])}"
    return dl.CircleMarker(
        center=[row["lat"], row["lon"]],
        radius=5,
        color="#0e1726",
        weight=1,
        fillColor=console.SLA_COLOURS[queries.sla_colour(row, now)],
        fillOpacity=0.85,
        className="wf-around",
        children=[
            dl.Tooltip(label),
            dl.Popup(html.A(f"打开 Open {numbering.shown(row)}", href=f"/incident/{row['id']}")),
        ],
    )


def incident_map(data: dict[str, Any]) -> html.Div:
    row, names, now = data["row"], data["names"], now_ms()
    layers: list[Any] = []
    street = data.get("street_area")
    if street:
        layers.append(_feature(street, {"color": STREET_LINE, "weight": 3, "fillOpacity": 0.06}))
    if data.get("cell"):
        layers.append(_feature(data["cell"], {"color": "#f5a623", "weight": 2, "fillOpacity": 0.2}))
    around = [r for r in data.get("around", []) if r["lon"] is not None and r["lat"] is not None]
    markers: list[Any] = [_around_marker(r, now) for r in around]
    located = row["lon"] is not None and row["lat"] is not None
    if located:  # this incident last, on top: larger and ringed in white
        markers.append(
            dl.CircleMarker(
                center=[row["lat"], row["lon"]],
                radius=10,
                color="#ffffff",
                weight=3,
                fillColor=console.SLA_COLOURS[queries.sla_colour(row, now)],
                fillOpacity=1,
                className="wf-inc-self",
                children=[dl.Tooltip(numbering.shown(row))],
            )
        )
    centre = (row["lat"], row["lon"]) if located else (30.2, 120.2)
    street_name = names.get(row["street"], row["street"]) if row["street"] else "–"
    caption = html.Div(
        [
            html.Span([console.bi(("街道", "Street")), f" {street_name}"]),
            html.Span(
                [
                    console.bi(("周边1公里进行中", "Open within 1 km")),
                    html.B(f" {len(around)}", id="inc-around-count"),
                ]
            ),
            dcc.Link(console.bi(("在列表中查看", "See them listed")), href=_list_href(row))
            if row["street"]
            else None,
        ],
        className="wf-inc-map-caption",
    )
    return html.Div(
        [
            console.small_map(
                "inc-map",
                markers,
                centre,
                zoom=15,
                extra=layers,
                bounds=bounds_of(json.loads(street)) if street else None,
            ),
            caption,
        ],
        className="wf-inc-map",
    )


def _list_href(row: dict[str, Any]) -> str:
    return f"/incidents?street={row['street']}&state=reported,accepted,dispatched,on_site"
