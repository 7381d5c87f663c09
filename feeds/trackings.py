"""Tracking numbers of residents' own reports: unguessable, stored with the incident's id.

Only a report sent from the residents' form gets one; patrol, hotline and sensor incidents
have none, and an incident's id never opens its progress page. A report is rated once:
the first rating claims the row (a conditional UPDATE) and its action id is derived from
the incident, so a second post, however close in time, changes nothing.
"""

from __future__ import annotations

import re
import secrets
from typing import Final

from sqlalchemy import Connection, select, update

from feeds.clock import now_ms
from feeds.tables import trackings

NUMBER_BYTES: Final = 16  # 22 characters of token_urlsafe: 128 random bits
NUMBER = re.compile(r"^[A-Za-z0-9_\-]{22}$")


def new_number(conn: Connection, incident_id: str) -> str:
    number = secrets.token_urlsafe(NUMBER_BYTES)
    conn.execute(
        trackings.insert().values(number=number, incident_id=incident_id, created_at=now_ms())
    )
    return number


def lookup(conn: Connection, number: str) -> tuple[str, int | None] | None:
    """(incident id, rating sent or None) of a tracking number, else None."""
    if not NUMBER.match(number):
        return None
    row = conn.execute(
        select(trackings.c.incident_id, trackings.c.rating).where(trackings.c.number == number)
    ).first()
    return (str(row.incident_id), row.rating) if row else None


def claim_rating(conn: Connection, number: str, rating: int) -> bool:
    """Record the report's one rating; False when it was rated already."""
    done = conn.execute(
        update(trackings)
        .where(trackings.c.number == number, trackings.c.rating.is_(None))
        .values(rating=rating, rated_at=now_ms())
    )
    return bool(done.rowcount == 1)


def rate_action_id(incident_id: str) -> str:
    """The one id a resident's rating of this incident can have (ingest keeps the first)."""
    return f"rate:{incident_id}"[:80]
