"""Alarm state rebuilt from SQL after Redis lost its data.

Redis holds which sensors are alarming and which crowd zones are over capacity (the id
of the reading that raised each). SQL holds the same episodes: the alarm's incident
(``alarm:<reading>`` or ``crowd:<zone>:<reading>``, reporter the sensor or zone) and, once
it cleared, its ``alarm_clear`` trail row. The latest episode of each sensor or zone
that has not cleared and whose incident is not closed is put back, so an alarm still
going on after a wipe does not open a second incident.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection, func, select

from feeds import constants as K
from feeds.pipeline import FINAL
from feeds.sensor_rules import THRESHOLDS
from feeds.tables import incident_events, incidents

if TYPE_CHECKING:
    from feeds.ingest.worker import Worker

LATCHING = sorted({t.category for t in THRESHOLDS.values() if t.latching} | {"crowd"})


def ongoing(conn: Connection) -> dict[str, str]:
    """Incident id of the ongoing alarm episode of each sensor or zone (the reporter)."""
    c = incidents.c
    alarms = (c.source == "sensor", c.kind == "alarm", c.category.in_(LATCHING))
    newest = (
        select(c.reporter, func.max(c.reported_at).label("at"))
        .where(*alarms)
        .group_by(c.reporter)
        .subquery()
    )
    stmt = (
        select(c.reporter, c.id, c.state)
        .join(newest, (newest.c.reporter == c.reporter) & (newest.c.at == c.reported_at))
        .where(*alarms)
    )
    latest = {rep: (iid, state) for rep, iid, state in conn.execute(stmt) if rep}
    ids = sorted(iid for iid, _ in latest.values())
    cleared: set[str] = set()
    e = incident_events.c
    for i in range(0, len(ids), 500):
        q = select(e.incident_id).where(
            e.action == "alarm_clear", e.incident_id.in_(ids[i : i + 500])
        )
        cleared.update(conn.execute(q).scalars())
    return {
        rep: iid
        for rep, (iid, state) in latest.items()
        if iid not in cleared and state not in FINAL
    }


def restore(w: Worker) -> int:
    """Put the ongoing episodes back into Redis; how many."""
    with w.engine.connect() as conn:
        episodes = ongoing(conn)
    sensors: dict[str, str] = {}
    zones: dict[str, str] = {}
    for reporter, iid in episodes.items():
        if iid.startswith("alarm:") and reporter in w.ref.sensors:
            sensors[reporter] = iid.removeprefix("alarm:")
        elif iid.startswith(f"crowd:{reporter}:"):
            zones[reporter] = iid.removeprefix(f"crowd:{reporter}:")
    pipe = w.r.pipeline(transaction=False)
    for key, held in ((K.K_SENSOR_ALARM, sensors), (K.K_CROWD_ALERT, zones)):
        for field, reading in held.items():
            pipe.hsetnx(w.s.key(key), field, reading)
    pipe.execute()
    return len(sensors) + len(zones)
