"""The residents' pages, reached from a building's QR code: report, then follow it and rate it.

Plain server-rendered HTML (phone-sized, no JavaScript needed). The address code in the
URL fixes the place; a report goes to the `reports` stream like any other producer's.
"""

from __future__ import annotations

from fastapi import FastAPI

from dashboard.resident import form, tracking
from dashboard.services import Services


def install(server: FastAPI, services: Services) -> None:
    from dashboard.resident.uploads import Photos

    server.state.photos = Photos()
    form.install(server, services)
    tracking.install(server, services)
