"""Residents' photos and voice notes: to people signed in to the console at /media/<ref>,
and to the resident who sent them, by the report's tracking number (dashboard/resident)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse, Response

from dashboard.auth import VIEW, allowed
from dashboard.services import Services
from feeds import media


def media_response(var_dir: Path, ref: str) -> Response:
    """A stored file by its reference (never a path someone typed), or a 404."""
    path = media.stored_path(var_dir, ref)
    if path is None:
        return JSONResponse({"error": "no such media"}, status_code=404)
    return FileResponse(
        path,
        media_type=media.content_type(ref),
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"},
    )


def install(server: FastAPI, services: Services) -> None:
    @server.get("/media/{ref}", response_model=None)
    def media_file(ref: str) -> Response:
        if not allowed(*VIEW):
            return JSONResponse({"error": "your role may not open this"}, status_code=403)
        return media_response(services.settings.var_dir, ref)
