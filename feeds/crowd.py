"""The crowd zones' recent history, from the per-minute reading summaries."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, select

from feeds.minutes.fold import ZONE_PREFIX
from feeds.tables import reading_minutes
from layers.crowd import rate_per_min


def zone_minutes(conn: Connection, since_minute: int) -> dict[str, list[tuple[int, float]]]:
    """Per zone code, (epoch minute, mean people) from `since_minute` on, oldest first."""
    t = reading_minutes
    rows = conn.execute(
        select(t.c.key, t.c.minute, t.c.mean)
        .where(t.c.key.like(ZONE_PREFIX + "%"), t.c.minute >= since_minute)
        .order_by(t.c.key, t.c.minute)
    )
    out: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for key, minute, mean in rows:
        out[key[len(ZONE_PREFIX) :]].append((int(minute), float(mean)))
    return dict(out)


def zone_trends(
    conn: Connection, now_minute: int, hours: float = 1.0
) -> dict[str, dict[str, object]]:
    """What the wall's crowd panel draws per zone: the last hour's minutes and the rate."""
    series = zone_minutes(conn, now_minute - int(hours * 60))
    return {
        zone: {"trend": [[m, round(v)] for m, v in points], "rate": rate_per_min(points)}
        for zone, points in series.items()
    }
