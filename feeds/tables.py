"""SQLAlchemy tables. Times are Unix epoch milliseconds (UTC) in BIGINT columns."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

CODE = 64
EVENT_ID = 120

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

incidents = Table(
    "incidents",
    metadata,
    Column("id", String(EVENT_ID), primary_key=True),  # the report's event id
    Column("source", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("category", String(32), nullable=False),
    Column("priority", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("photos", Text, nullable=False),  # JSON array of media refs
    Column("voice", String(200)),
    Column("lon", Float),
    Column("lat", Float),
    Column("address", String(CODE)),
    Column("micro_grid", String(CODE)),
    Column("grid", String(CODE), index=True),
    Column("community", String(CODE)),
    Column("street", String(CODE), index=True),
    Column("contact", String(32)),  # personal data: masked everywhere but the incident page
    Column("reporter", String(200)),
    Column("state", String(16), nullable=False, index=True),
    Column("unit", String(CODE)),
    Column("suggested_unit", String(CODE)),
    Column("joint_units", Text, nullable=False),  # JSON array
    Column("rating", Integer),
    Column("merged_into", String(EVENT_ID)),
    Column("reject_reason", String(200), nullable=False),
    Column("resolution", Text, nullable=False),
    Column("reported_at", BigInteger, nullable=False, index=True),
    Column("accepted_at", BigInteger),
    Column("dispatched_at", BigInteger),
    Column("on_site_at", BigInteger),
    Column("resolved_at", BigInteger),
    Column("closed_at", BigInteger),
    Column("due_accept", BigInteger, nullable=False),
    Column("due_dispatch", BigInteger, nullable=False),
    Column("due_arrive", BigInteger, nullable=False),
    Column("due_resolve", BigInteger, nullable=False),
    Column(
        "sweep_at", BigInteger
    ),  # when the sweep must next look: pending deadline not yet flagged
    Column("late", String(64), nullable=False),  # comma list of stages marked overdue
    Column("updated_at", BigInteger, nullable=False),
)
Index("ix_incidents_sweep_at", incidents.c.sweep_at)

incident_events = Table(
    "incident_events",
    metadata,
    Column("event_id", String(EVENT_ID), primary_key=True),
    Column("incident_id", String(EVENT_ID), nullable=False, index=True),
    Column("action", String(16), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("detail", Text, nullable=False),  # JSON object
)

dead_letters = Table(
    "dead_letters",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("stream", String(32), nullable=False),
    Column("entry_id", String(40), nullable=False),
    Column("reason", Text, nullable=False),
    Column("fields", Text, nullable=False),  # JSON object, the entry as it came
    Column("at", BigInteger, nullable=False, index=True),
)

# --- people who sign in (issue: the duty officer's console) ---------------------

users = Table(
    "users",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("display_name", String(100), nullable=False),
    Column("role", String(16), nullable=False),  # wall, officer, leader, admin
    Column("password_hash", String(100), nullable=False),  # bcrypt
    Column("disabled", Integer, nullable=False, default=0),
    Column("created_at", BigInteger, nullable=False),
)

kiosk_tokens = Table(
    "kiosk_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # sha256 hex of the token
    Column("label", String(100), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("disabled", Integer, nullable=False, default=0),
    Column("created_at", BigInteger, nullable=False),
)
