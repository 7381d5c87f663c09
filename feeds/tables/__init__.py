"""SQLAlchemy tables. Times are Unix epoch milliseconds (UTC) in BIGINT columns.

One module per noun; every table is importable from here.
"""

from __future__ import annotations

from .base import CODE, EVENT_ID, metadata
from .figures import (
    area_residents,
    incident_facts,
    report_files,
    reports,
    roll_counts,
    roll_crowd_hours,
    roll_hours,
    roll_late,
    roll_outcomes,
    roll_patrol_days,
    roll_patrol_months,
    roll_stages,
    roll_stages_by,
    roll_stages_month,
    roll_units,
)
from .freshness import building_updates
from .geography import areas, buildings, crowd_zones, sensors, units
from .history import patrols, reading_minutes
from .incidents import dead_letters, incident_days, incident_events, incidents, parked_actions
from .people import kiosk_tokens, reveals, sessions, signins, trackings, users
from .versions import area_versions, geo_versions

__all__ = [
    "CODE",
    "EVENT_ID",
    "area_residents",
    "area_versions",
    "areas",
    "building_updates",
    "buildings",
    "crowd_zones",
    "dead_letters",
    "geo_versions",
    "incident_days",
    "incident_events",
    "incident_facts",
    "incidents",
    "kiosk_tokens",
    "metadata",
    "parked_actions",
    "patrols",
    "reading_minutes",
    "report_files",
    "reports",
    "reveals",
    "roll_counts",
    "roll_crowd_hours",
    "roll_hours",
    "roll_late",
    "roll_outcomes",
    "roll_patrol_days",
    "roll_patrol_months",
    "roll_stages",
    "roll_stages_by",
    "roll_stages_month",
    "roll_units",
    "sensors",
    "sessions",
    "signins",
    "trackings",
    "units",
    "users",
]
