"""When each building's data was last confirmed: by a grid worker's patrol check-in or by
an imported address register's own date (`verified_at`). A building with no row has
never been updated. Kept apart from `buildings`, which imports replace whole."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, String, Table

from .base import CODE, metadata

building_updates = Table(
    "building_updates",
    metadata,
    Column("code", String(CODE), primary_key=True),  # the building's address code
    Column("updated_at", BigInteger, nullable=False),  # ms; only ever moves forward
    Column("source", String(16), nullable=False),  # patrol | import
)
