"""Reports applied: placed in their grid, inserted as new incidents, counted live."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from feeds import constants as K
from feeds import numbering, records, store
from feeds.ingest import parking
from feeds.ingest.actions import retry_parked
from feeds.ingest.entries import Dead, Entry, decode, finish, record_dead
from feeds.ingest.writelock import serialise
from feeds.reference import Place
from feeds.schemas import Report, decode_report
from feeds.stats import rollup
from feeds.tables import incident_events, incidents

if TYPE_CHECKING:
    from feeds.ingest.worker import Worker


def apply_reports(w: Worker, entries: list[Entry]) -> None:
    decoded, dead = decode(entries, decode_report)
    fields_of = dict(entries)
    by_id = {e[1].get("id"): e[0] for e in entries}
    reports = []
    for report in decoded:
        problem = outside(w, report.lon, report.lat)
        if problem is None:
            reports.append(report)
        else:
            dead.append((by_id[report.id], fields_of[by_id[report.id]], problem))
    located, unknown = locate(w, reports)
    for report in unknown:
        eid = by_id[report.id]
        dead.append((eid, fields_of[eid], f"unknown address code {report.address!r}"))
    commit(w, K.STREAM_REPORTS, entries, located, dead)


def outside(w: Worker, lon: float | None, lat: float | None) -> str | None:
    """Why a point is refused (far outside the district), or None."""
    if lon is None or lat is None or w.ref.inside(lon, lat, K.DISTRICT_MARGIN_DEG):
        return None
    w_, s, e, n = w.ref.bounds
    return (
        f"lon/lat {lon:g}, {lat:g} outside the district "
        f"({w_:.3f}..{e:.3f}, {s:.3f}..{n:.3f}, margin {K.DISTRICT_MARGIN_DEG:g} degrees; "
        "WGS-84 unless the entry names its crs: gcj02 or bd09)"
    )


def locate(w: Worker, reports: Sequence[Report]) -> tuple[list[tuple[Report, Place]], list[Report]]:
    """Place each report: a building's code fixes it, else its lon/lat."""
    located: list[tuple[Report, Place]] = []
    unknown: list[Report] = []
    by_point: list[Report] = []
    for report in reports:
        if report.address is not None:
            building = w.ref.buildings.get(report.address)
            if building is None:
                unknown.append(report)
                continue
            lon, lat, micro = building
            located.append((report, w.ref.place(micro, lon, lat)))
        else:
            by_point.append(report)
    cells = w.ref.locate([(r.lon, r.lat) for r in by_point])  # type: ignore[misc]
    for report, micro in zip(by_point, cells, strict=True):
        located.append((report, w.ref.place(micro, report.lon, report.lat)))
    return located, unknown


def commit(
    w: Worker,
    stream: str,
    entries: list[Entry],
    located: list[tuple[Report, Place]],
    dead: list[Dead],
    records_only: Sequence[records.Row] = (),
) -> None:
    """Insert new incidents, write dead letters, update live state, acknowledge.
    ``records_only``: trail rows of incidents that exist (an alarm that cleared)."""
    rows, trail = {}, []
    for report, place in located:
        due = w.policy.deadlines(report.ts, report.category, report.priority)
        suggestion = w.ref.router.suggest(report.category, place.grid)
        rows[report.id] = records.incident_row(report, place, due, suggestion)
        trail.append(records.report_trail(report, suggestion))
    now = w.clock()
    new: set[str] = set()
    awaited: set[str] = set()
    if rows or dead or records_only:  # most sensor batches write nothing to SQL
        with w.engine.begin() as conn:
            if rows:  # new incidents go to live state: not while a reconcile rebuilds it
                serialise(conn)
                # first, before any row is written: the counter's lock is the only one a
                # worker waits for here (see feeds/numbering.py)
                numbering.assign(conn, list(rows.values()), w.s.timezone)
            new = store.insert_new(conn, incidents, "id", list(rows.values()))
            store.insert_new(
                conn, incident_events, "event_id", [t for t in trail if t["incident_id"] in new]
            )
            dead = record_dead(conn, stream, dead, now)
            rollup.on_reports(conn, [rows[i] for i in rows if i in new], w.s.timezone)
            awaited = parking.any_for(conn, new) if new else set()
            store.insert_new(conn, incident_events, "event_id", list(records_only))
            # live state before the commit: an action on a new incident, by another worker
            # once it is committed, is written to live state after this (see actions.py)
            new_rows = [rows[i] for i in rows if i in new]
            pipe = w.r.pipeline(transaction=False)
            w.live.count_reports(pipe, new_rows, now)
            w.live.put_incidents(pipe, new_rows, w.dirty, fresh=True)
            pipe.execute()
    new_rows = [rows[i] for i in rows if i in new]
    finish(w, w.r.pipeline(transaction=False), stream, entries, dead, now)
    w.dirty.grids.update(r["micro_grid"] for r in new_rows if r["micro_grid"])
    if awaited:  # actions that came before their report: apply them now
        retry_parked(w, awaited)
