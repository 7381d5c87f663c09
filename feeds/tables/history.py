"""What was seen over time: readings per minute and grid workers' patrols."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Index, Integer, String, Table

from .base import CODE, EVENT_ID, metadata

# --- readings history (issue: leaders' figures and replay) ----------------------
# Readings are not kept raw: per key and minute, a summary. The key is a sensor id, or
# "zone:<code>" for a crowd zone's total. Written once per finished minute
# (insert-if-absent), so a redelivered batch cannot count twice.
reading_minutes = Table(
    "reading_minutes",
    metadata,
    Column("key", String(CODE), primary_key=True),
    Column("minute", BigInteger, primary_key=True),  # epoch minute: ms // 60_000
    Column("kind", String(32), nullable=False),  # crowd, gas, fume, ...
    Column("n", Integer, nullable=False),  # readings in the minute
    Column("min", Float, nullable=False),
    Column("max", Float, nullable=False),
    Column("mean", Float, nullable=False),
)
Index("ix_reading_minutes_minute", reading_minutes.c.minute)

# Crowd peaks: a zone's per-minute maxima over a period from the index alone.
Index(
    "ix_reading_minutes_key_minute_max",
    reading_minutes.c.key,
    reading_minutes.c.minute,
    reading_minutes.c.max,
)

# Grid workers' patrol check-ins (wire format v2, stream `patrols`): one row per building
# scanned, whether or not anything was found; placed by the building's address code.
patrols = Table(
    "patrols",
    metadata,
    Column("id", String(EVENT_ID), primary_key=True),
    Column("worker", String(200), nullable=False),
    Column("address", String(CODE), nullable=False),
    Column("micro_grid", String(CODE)),
    Column("grid", String(CODE)),
    Column("community", String(CODE)),
    Column("street", String(CODE)),
    Column("ts", BigInteger, nullable=False),
    Column("found", String(16), nullable=False),  # nothing | issue
    Column("report", String(EVENT_ID)),
    Column("note", String(200), nullable=False),
)
Index("ix_patrols_ts_grid", patrols.c.ts, patrols.c.grid)
