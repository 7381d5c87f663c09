"""The wall's building-freshness layer, as JSON: counts per micro-grid at district zoom
(one row per cell, however many buildings), the buildings themselves in a view zoomed in.

    /api/wall/freshness.json                          cells: [lon, lat, green, yellow, red]
    /api/wall/freshness.json?bbox=west,south,east,north   points: [lon, lat, g|y|r]
"""

from __future__ import annotations

import gzip
import json
import math

from fastapi import FastAPI, Request, Response

from dashboard.services import Services
from feeds import freshness
from feeds.clock import now_ms

PATH = "/api/wall/freshness.json"  # under /api/wall/: the wall role may read it
# Buildings in one view at most: a street's worth (~20,000 is 0.5 MB of JSON, ~0.15 MB
# gzipped); a view holding more is shown by its cells' counts instead
MAX_POINTS = 20_000


def parse_box(text: str) -> tuple[float, float, float, float]:
    """west,south,east,north in degrees; ValueError saying what is wrong."""
    parts = text.split(",")
    if len(parts) != 4:
        raise ValueError("bbox is west,south,east,north: four numbers")
    try:
        w, s, e, n = (float(p) for p in parts)
    except ValueError:
        raise ValueError(f"bbox {text!r} is not four numbers") from None
    if not all(math.isfinite(v) for v in (w, s, e, n)) or not (
        -180 <= w < e <= 180 and -90 <= s < n <= 90
    ):
        raise ValueError(f"bbox {text!r}: west < east in -180..180, south < north in -90..90")
    return w, s, e, n


def _json(data: object, request: Request) -> Response:
    body = json.dumps(data, separators=(",", ":")).encode()
    headers = {"Cache-Control": "no-store", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        body = gzip.compress(body, 5)
    return Response(body, media_type="application/json", headers=headers)


def install(server: FastAPI, services: Services) -> None:
    @server.get(PATH)
    def fresh(request: Request, bbox: str = "") -> Response:
        box = None
        if bbox:
            try:
                box = parse_box(bbox)
            except ValueError as exc:
                return Response(str(exc), status_code=400, media_type="text/plain")
        with services.engine.connect() as conn:
            if box is None:
                data = freshness.per_cell(conn, now_ms())
            else:
                data = freshness.in_box(conn, now_ms(), box, MAX_POINTS)
        return _json(data, request)
