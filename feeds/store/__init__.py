"""SQL I/O: every read and write of the tables. Functions take a connection.

One module per noun; every function is importable from here. engine: the engine and
schema; writes: bulk inserts and upserts; reference: the district's reference data;
incidents: incidents, their trails and dead letters; counts: counts for the figures.
"""

from __future__ import annotations

from feeds.store.counts import day_rows, day_totals, grid_counts, grid_minute_counts
from feeds.store.engine import add_columns, create_schema, make_engine
from feeds.store.incidents import (
    active_incidents,
    add_dead_letters,
    existing_events,
    incident_of,
    load_incidents,
    overdue,
    state_columns,
    trail,
    update_incidents,
)
from feeds.store.reference import areas_of_level, has_district, load_rows, save_reference
from feeds.store.writes import Row, _insert, insert_new, upsert_all

__all__ = [
    "Row",
    "_insert",
    "active_incidents",
    "add_columns",
    "add_dead_letters",
    "areas_of_level",
    "create_schema",
    "day_rows",
    "day_totals",
    "existing_events",
    "grid_counts",
    "grid_minute_counts",
    "has_district",
    "incident_of",
    "insert_new",
    "load_incidents",
    "load_rows",
    "make_engine",
    "overdue",
    "save_reference",
    "state_columns",
    "trail",
    "update_incidents",
    "upsert_all",
]
