"""A replay's frames, shaped exactly like the live wall's ``Live.snapshot`` and
``Live.delta`` (so the wall's browser code is the same): the whole picture at the
cursor's moment, or what changed since the last frame sent."""

from __future__ import annotations

from typing import Any

from feeds.clock import minute_of
from feeds.figures import compliance
from feeds.replay import moment, readings
from feeds.replay.cursor import Changes, Cursor, Fixed


def parts(fixed: Fixed, cur: Cursor) -> dict[str, Any]:
    m = minute_of(cur.t)
    if cur.readings is None or cur.readings[0] != m:
        zones = readings.zones(cur.latest, fixed.zones, m)
        cur.readings = (m, zones, readings.sensor_status(fixed.kinds, cur.latest, m))
    _, zones, status = cur.readings
    n = len(cur.ratings)
    items = cur.summaries.values()
    return {
        "zones": zones,
        "sensors": status,
        "board": moment.board(items, cur.t),
        "headline": {
            "reports": len(cur.day_rows),
            "open": len(cur.summaries),
            "late": moment.late(items, cur.t),
            "peak": cur.peak,
            "sensors_online": sum(1 for v in status.values() if v != "offline"),
            "sensors_total": len(status),
            "satisfaction": sum(cur.ratings) / n if n else None,
            "ratings": n,
        },
        "compliance": compliance_at(cur, m),
    }


def compliance_at(cur: Cursor, minute: int) -> dict[str, Any]:
    """Today's compliance as of the start of the minute: computed once a minute (it
    reads every report of the day), the same whether the cursor sought or stepped."""
    if cur.compliance is None or cur.compliance[0] != minute:
        at = minute * 60_000
        rows = [moment.masked(r, at) for r in cur.day_rows.values() if r["reported_at"] <= at]
        cur.compliance = (minute, compliance(rows, at))
    return cur.compliance[1]


def grid_values(cur: Cursor, grids: set[str] | None = None) -> dict[str, list[int]]:
    keys = sorted(grids if grids is not None else (cur.hour.keys() | cur.day.keys()))
    return {g: [cur.hour.get(g, 0), cur.day.get(g, 0)] for g in keys}


def snapshot(fixed: Fixed, cur: Cursor) -> dict[str, Any]:
    got = parts(fixed, cur)
    cur.seq += 1
    cur.sent = {k: got[k] for k in ("zones", "sensors", "board")}
    return {
        "t": cur.t,
        "seq": cur.seq,
        "grids": grid_values(cur),
        "zones": got["zones"],
        "incidents": dict(cur.summaries),
        "sensors": got["sensors"],
        "sensor_meta": fixed.meta,
        "board": got["board"],
        "headline": got["headline"],
        "compliance": got["compliance"],
        "last_event": cur.t,
    }


def delta(fixed: Fixed, cur: Cursor, ch: Changes) -> dict[str, Any]:
    got = parts(fixed, cur)
    cur.seq += 1
    out: dict[str, Any] = {"t": cur.t, "last_event": cur.t, "seq": cur.seq}
    if ch.grids:
        out["grids"] = grid_values(cur, ch.grids)
    sent = cur.sent
    # the minute's readings are the same objects frame after frame: compared only when new
    old_zones = sent.get("zones", {})
    if got["zones"] is not old_zones:
        zones = {z: v for z, v in got["zones"].items() if old_zones.get(z) != v} | {
            z: 0 for z in old_zones if z not in got["zones"]
        }
        if zones:
            out["zones"] = zones
    if ch.upserts:
        out["upsert"] = [cur.summaries[i] for i in sorted(ch.upserts)]
    if ch.removed:
        out["remove"] = sorted(ch.removed)
    old_sensors = sent.get("sensors", {})
    if got["sensors"] is not old_sensors:
        changed = {s: v for s, v in got["sensors"].items() if old_sensors.get(s) != v}
        if changed:
            out["sensors"] = changed
    if got["board"] != sent.get("board"):
        out["board"] = got["board"]
    out["headline"] = got["headline"]
    out["compliance"] = got["compliance"]
    cur.sent = {k: got[k] for k in ("zones", "sensors", "board")}
    return out
