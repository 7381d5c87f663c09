"""Versions of the geography: every import keeps the ones before it.

`areas` holds the current version only (what every reader reads); `area_versions` holds
every version's cells, the current one included, so the cell an incident was placed in
can be drawn as it was when the incident came in.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Integer, String, Table, Text

from .base import CODE, metadata

geo_versions = Table(
    "geo_versions",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),  # the largest is current
    Column("created_at", BigInteger, nullable=False),
    Column("source", String(200), nullable=False),  # file name, or "demo"
    Column("counts", Text, nullable=False),  # JSON {level: cells}
    Column("report", Text, nullable=False),  # JSON: the checks' summary
)

area_versions = Table(
    "area_versions",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("code", String(CODE), primary_key=True),
    Column("level", String(16), nullable=False),
    Column("name", String(100), nullable=False),
    Column("name_en", String(100), nullable=False),
    Column("parent", String(CODE)),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("geometry", Text, nullable=False),
)
