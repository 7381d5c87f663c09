"""Places and things in them: areas, buildings, units, crowd zones, sensors."""

from __future__ import annotations

from sqlalchemy import Column, Float, Integer, String, Table, Text

from .base import CODE, metadata

areas = Table(
    "areas",
    metadata,
    Column("code", String(CODE), primary_key=True),
    Column("level", String(16), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("name_en", String(100), nullable=False),
    Column("parent", String(CODE), index=True),
    Column("lon", Float, nullable=False),  # a point inside, for labels
    Column("lat", Float, nullable=False),
    Column("geometry", Text, nullable=False),  # GeoJSON geometry
)

buildings = Table(
    "buildings",
    metadata,
    Column("code", String(CODE), primary_key=True),  # unified address code
    Column("micro_grid", String(CODE), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
)

units = Table(
    "units",
    metadata,
    Column("id", String(CODE), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("name_en", String(100), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("street", String(CODE)),  # NULL: district-wide
)

crowd_zones = Table(
    "crowd_zones",
    metadata,
    Column("code", String(CODE), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("name_en", String(100), nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("geometry", Text, nullable=False),
)

sensors = Table(
    "sensors",
    metadata,
    Column("id", String(CODE), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("unit", String(16), nullable=False),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("zone", String(CODE)),
    Column("micro_grid", String(CODE)),
)
