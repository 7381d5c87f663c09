"""What the figures read: residents per area, rollups, and the reports made and kept."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Index, Integer, LargeBinary, String, Table, Text

from .base import CODE, EVENT_ID, metadata

# --- figures (issue: leaders' figures) -------------------------------------------
# Residents per area, for rankings per 10,000 residents. The demo district has no
# census figures: feeds/stats/residents.py seeds synthetic ones and says so in `source`.
area_residents = Table(
    "area_residents",
    metadata,
    Column("code", String(CODE), primary_key=True),
    Column("residents", Integer, nullable=False),
    Column("source", String(200), nullable=False),
)

# Rollups the figures read (feeds/stats/rollup.py), kept current by the ingest worker in
# the transaction that changes the incidents. `day` is the local day number (days since
# 1970-01-01 in Settings.timezone). Counts never change once reported; the rest is
# re-derived from each incident's state and trail, its last contribution kept in
# incident_facts so that a change adds only the difference.
roll_counts = Table(
    "roll_counts",
    metadata,
    Column("day", Integer, primary_key=True),
    Column("grid", String(CODE), primary_key=True),  # "" when outside every grid
    Column("category", String(32), primary_key=True),
    Column("source", String(16), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("priority", String(16), primary_key=True),
    Column("street", String(CODE), nullable=False),
    Column("community", String(CODE), nullable=False),
    Column("n", Integer, nullable=False),
)
roll_hours = Table(
    "roll_hours",
    metadata,
    Column("day", Integer, primary_key=True),
    Column("hour", Integer, primary_key=True),
    Column("grid", String(CODE), primary_key=True),
    Column("street", String(CODE), nullable=False),
    Column("community", String(CODE), nullable=False),
    Column("n", Integer, nullable=False),
)
roll_stages = Table(  # done stages: duration histogram per charged unit
    "roll_stages",
    metadata,
    Column("day", Integer, primary_key=True),
    Column("stage", String(16), primary_key=True),
    Column("street", String(CODE), primary_key=True),
    Column("unit", String(CODE), primary_key=True),  # "" = the command centre
    Column("priority", String(16), primary_key=True),
    Column("bucket", Integer, primary_key=True),  # feeds.stats.buckets
    Column("n", Integer, nullable=False),
    Column("on_time", Integer, nullable=False),
)
roll_stages_month = Table(  # the same, summed per local month (``month``: its first day)
    "roll_stages_month",
    metadata,
    Column("month", Integer, primary_key=True),
    Column("stage", String(16), primary_key=True),
    Column("street", String(CODE), primary_key=True),
    Column("unit", String(CODE), primary_key=True),
    Column("priority", String(16), primary_key=True),
    Column("bucket", Integer, primary_key=True),
    Column("n", Integer, nullable=False),
    Column("on_time", Integer, nullable=False),
)
roll_units = Table(
    "roll_units",
    metadata,
    Column("day", Integer, primary_key=True),
    Column("unit", String(CODE), primary_key=True),
    Column("held", Integer, nullable=False),  # incidents it held at some time
    Column("assigned", Integer, nullable=False),  # holds now / held last
    Column("closed", Integer, nullable=False),
    Column("on_time", Integer, nullable=False),
    Column("rating_sum", Integer, nullable=False),
    Column("rated", Integer, nullable=False),
)
roll_stages_by = Table(  # done stages per local month and one dimension, street and the
    # other dimension summed away: the league and the per-unit / per-priority shares read
    # a few thousand rows a month here instead of roll_stages_month's tens of thousands
    "roll_stages_by",
    metadata,
    Column("month", Integer, primary_key=True),
    Column("stage", String(16), primary_key=True),
    Column("dim", String(16), primary_key=True),  # "unit" or "priority"
    Column("value", String(CODE), primary_key=True),
    Column("bucket", Integer, primary_key=True),
    Column("n", Integer, nullable=False),
    Column("on_time", Integer, nullable=False),
)
roll_outcomes = Table(  # per local day and street of report: how the incidents ended
    "roll_outcomes",
    metadata,
    Column("day", Integer, primary_key=True),
    Column("street", String(CODE), primary_key=True),
    Column("late", Integer, nullable=False),  # with a stage done after its deadline
    Column("closed", Integer, nullable=False),  # state closed
    Column("r1", Integer, nullable=False),  # rated 1 .. 5
    Column("r2", Integer, nullable=False),
    Column("r3", Integer, nullable=False),
    Column("r4", Integer, nullable=False),
    Column("r5", Integer, nullable=False),
)
roll_crowd_hours = Table(  # per crowd zone key and epoch hour: the highest minute maximum
    # and the first minute it was reached (from reading_minutes as minutes are written;
    # kept when old minutes are pruned)
    "roll_crowd_hours",
    metadata,
    Column("key", String(CODE), primary_key=True),
    Column("hour", BigInteger, primary_key=True),  # minute // 60
    Column("peak", Float, nullable=False),
    Column("minute", BigInteger, nullable=False),
)
roll_patrol_days = Table(  # grid workers' check-ins per local day and grid
    "roll_patrol_days",
    metadata,
    Column("day", Integer, primary_key=True),
    Column("grid", String(CODE), primary_key=True),  # "" when outside every grid
    Column("street", String(CODE), nullable=False),
    Column("community", String(CODE), nullable=False),
    Column("n", Integer, nullable=False),  # check-ins
    Column("issues", Integer, nullable=False),  # check-ins that found something
)
roll_patrol_months = Table(  # the buildings checked in at, per local month and grid:
    # ``days`` has bit d-1 set when the building was visited on day d of the month, so a
    # period's distinct buildings are read in a month's few thousand rows (days & mask)
    "roll_patrol_months",
    metadata,
    Column("month", Integer, primary_key=True),  # the day number of its first day
    Column("grid", String(CODE), primary_key=True),
    Column("address", String(CODE), primary_key=True),
    Column("street", String(CODE), nullable=False),
    Column("community", String(CODE), nullable=False),
    Column("days", Integer, nullable=False),
)
roll_late = Table(  # per incident with a stage done after its deadline: by how much its
    # worst such stage was late, so that red-light supervision finds a period's longest
    # late in an index range (those still pending past a deadline are read raw: few)
    "roll_late",
    metadata,
    Column("incident_id", String(EVENT_ID), primary_key=True),
    Column("reported_at", BigInteger, nullable=False),
    Column("street", String(CODE), nullable=False),
    Column("late_ms", BigInteger, nullable=False),
)
Index(
    "ix_roll_late_reported", roll_late.c.reported_at, roll_late.c.late_ms, roll_late.c.incident_id
)
incident_facts = Table(
    "incident_facts",
    metadata,
    Column("incident_id", String(EVENT_ID), primary_key=True),
    Column("facts", Text, nullable=False),  # JSON: its last contribution to the rollups
)

# --- reports made and kept (issue: leaders' figures) ----------------------------
# One row per report, keyed by what it covers ("daily:2026-11-30"), so that several web
# processes scheduling the same report make it once. Files are kept in SQL, so that any
# web process on any machine can serve them.
reports = Table(
    "reports",
    metadata,
    Column("id", String(CODE), primary_key=True),
    Column("kind", String(16), nullable=False),  # daily, grid, period
    Column("params", Text, nullable=False),  # JSON object
    Column("title", String(200), nullable=False),
    Column("status", String(16), nullable=False, index=True),  # queued making done failed
    Column("progress", Integer, nullable=False, default=0),  # 0-100
    Column("step", String(100), nullable=False, default=""),
    Column("error", Text, nullable=False, default=""),
    Column("requested_by", String(64), nullable=False),
    Column("requested_at", BigInteger, nullable=False, index=True),
    Column("started_at", BigInteger),
    Column("finished_at", BigInteger),
    Column("owner", String(120)),  # the process making it
    Column("heartbeat_at", BigInteger),
)

report_files = Table(
    "report_files",
    metadata,
    Column("report", String(CODE), primary_key=True),
    Column("format", String(8), primary_key=True),  # html, pdf, xlsx
    Column("content", LargeBinary, nullable=False),
    Column("size", Integer, nullable=False),
)
