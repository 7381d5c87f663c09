"""The crowd panel's data for the wall: each zone's last hour and how fast it fills."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from dashboard.services import Services
from feeds.clock import now_ms
from feeds.crowd import zone_trends


def install(server: FastAPI, services: Services) -> None:
    @server.get("/api/wall/crowd.json")
    def crowd() -> JSONResponse:
        with services.engine.connect() as conn:
            zones = zone_trends(conn, now_ms() // 60_000)
        return JSONResponse({"zones": zones}, headers={"Cache-Control": "no-store"})
