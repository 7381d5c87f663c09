"""Residents' satisfaction with the incidents reported in the period."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from feeds.stats import links, outcomes
from feeds.stats.period import Period
from feeds.stats.sql import in_period, share
from feeds.tables import incident_events, incidents

Row = dict[str, Any]
COMMENT_WINDOW_MS = 14 * 86_400_000  # comments given up to 14 days after the period


def satisfaction(conn: Connection, p: Period, comments: int = 20) -> Row:
    """Mean rating, share rated (of those closed), distribution 1-5 and the latest
    comments residents wrote with their rating."""
    dist, closed = outcomes.ratings(conn, p)
    rated = sum(dist.values())
    mean = sum(k * v for k, v in dist.items()) / rated if rated else None
    e = incident_events.c
    recent = conn.execute(
        select(e.incident_id, e.at, e.detail)
        .join(incidents, incidents.c.id == e.incident_id)
        .where(
            e.action == "rate",
            # ratings come after the report; bounded so the (action, at) index is used
            e.at.between(p.start, p.end + COMMENT_WINDOW_MS),
            in_period(p),
            e.detail.contains('"note"'),
        )
        .order_by(e.at.desc())
        .limit(comments)
    ).all()
    notes = []
    for iid, at, detail in recent:
        d = json.loads(detail)
        notes.append(
            {"id": iid, "at": int(at), "rating": d.get("rating"), "text": d.get("note", "")}
        )
    return {
        "mean": mean,
        "rated": rated,
        "closed": int(closed),
        "share_rated": share(rated, int(closed)),
        "distribution": [
            {"rating": k, "n": v, "filter": links.of(p, rating=k)} for k, v in dist.items()
        ],
        "comments": notes,
    }
