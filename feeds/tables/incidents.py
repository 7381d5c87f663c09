"""Incidents, their trail, dead letters and actions waiting for what they depend on."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Index, Integer, String, Table, Text, func

from .base import CODE, EVENT_ID, NUMBER, metadata

incidents = Table(
    "incidents",
    metadata,
    Column("id", String(EVENT_ID), primary_key=True),  # the report's event id
    # the short number people say and write (20261201-0042): per local day of the report,
    # given by the ingest worker from incident_days (feeds/numbering.py)
    Column("number", String(NUMBER)),
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

Index("ux_incidents_number", incidents.c.number, unique=True)

# The last number given on each local day: one row a day, moved by an UPSERT in the
# worker's transaction, so workers in parallel never give the same number twice.
incident_days = Table(
    "incident_days",
    metadata,
    Column("day", String(8), primary_key=True),  # YYYYMMDD, the district's local date
    Column("last", Integer, nullable=False),
)

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
Index("ix_dead_letters_entry", dead_letters.c.stream, dead_letters.c.entry_id)

# Hot paths of the figures: by report time and place, by unit, by category.
Index("ix_incidents_reported_grid", incidents.c.reported_at, incidents.c.grid)
Index("ix_incidents_unit_state", incidents.c.unit, incidents.c.state)
# open incidents of a period (the figures' pending-late part): a few range reads per state
Index("ix_incidents_state_reported", incidents.c.state, incidents.c.reported_at)
Index(  # satisfaction: a period's ratings and closed ones from the index alone
    "ix_incidents_reported_rating",
    incidents.c.reported_at,
    incidents.c.rating,
    incidents.c.state,
)
Index(  # repeat places: the period's address and category from the index alone
    "ix_incidents_reported_address_cat",
    incidents.c.reported_at,
    incidents.c.address,
    incidents.c.category,
)
Index(  # repeat places per grid: the period's grid and category from the index alone
    "ix_incidents_reported_grid_cat",
    incidents.c.reported_at,
    incidents.c.grid,
    incidents.c.category,
)
Index("ix_incident_events_action_at", incident_events.c.action, incident_events.c.at)

# --- replay (feeds/replay/reads.py): the incidents open at a moment, the trail by time ---
# how long an incident stayed open, when it stopped and when it was reported: the few
# older ones open at T are found, and checked, in the index alone
Index(
    "ix_incidents_open_span_end",
    func.coalesce(incidents.c.resolved_at, incidents.c.closed_at) - incidents.c.reported_at,
    func.coalesce(incidents.c.resolved_at, incidents.c.closed_at),
    incidents.c.reported_at,
)
Index("ix_incident_events_at", incident_events.c.at)
# which incidents were ever sent elsewhere or escalated, checked in the index alone
Index("ix_incident_events_incident_action", incident_events.c.incident_id, incident_events.c.action)
# the same, and the day's ratings, in partial indexes that hold only those entries (~1% of
# the trail each): a seek looks up its ~1,500 open incidents in the first, and PostgreSQL
# took the whole trail's time index for the second. A query must name the actions as
# literals (reads.MOVES, reads.RATE) for the planners to take them.
MOVE_ACTIONS = ("reassign", "escalate")
Index(
    "ix_incident_events_moves",
    incident_events.c.incident_id,
    sqlite_where=incident_events.c.action.in_(MOVE_ACTIONS),
    postgresql_where=incident_events.c.action.in_(MOVE_ACTIONS),
)
Index(
    "ix_incident_events_rates",
    incident_events.c.at,
    sqlite_where=incident_events.c.action == "rate",
    postgresql_where=incident_events.c.action == "rate",
)

# --- actions waiting for what they depend on (feeds/ingest/parking.py) --------------
# An action that arrives before its incident's report, or before the actions that must
# come first (a resolve before its arrive), waits here, written in the same transaction
# as the batch it came in, until it can be applied or PARK_MAX_WAIT_S has passed.
parked_actions = Table(
    "parked_actions",
    metadata,
    Column("event_id", String(EVENT_ID), primary_key=True),
    Column("incident_id", String(EVENT_ID), nullable=False, index=True),
    Column("entry_id", String(40), nullable=False),  # the stream entry it came in
    Column("ts", BigInteger, nullable=False),  # the action's own time
    Column("fields", Text, nullable=False),  # JSON object, the entry as it came
    Column("waiting_for", Text, nullable=False),  # why it cannot be applied yet
    Column("parked_at", BigInteger, nullable=False, index=True),
)
