"""Patrol check-ins applied by the ingest worker into ``patrols``, idempotent on the
event id; an unknown address code is dead-lettered with the reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from feeds import constants as K
from feeds import freshness, records, store
from feeds.ingest.entries import Entry, decode, finish
from feeds.patrols import rows_of
from feeds.schemas import Patrol, decode_patrol
from feeds.stats.rollup import patrols as patrol_rollup
from feeds.tables import patrols

if TYPE_CHECKING:
    from feeds.ingest.worker import Worker


def apply_patrols(w: Worker, entries: list[Entry]) -> None:
    decoded: list[Patrol]
    decoded, dead = decode(entries, decode_patrol)
    rows, unknown = rows_of(decoded, w.ref)
    by_id = {e[1].get("id"): e for e in entries}
    for p in unknown:
        eid, fields = by_id[p.id]
        dead.append((eid, fields, f"unknown address code {p.address!r}"))
    now = w.clock()
    with w.engine.begin() as conn:
        unique = list({r["id"]: r for r in rows}.values())
        created = store.insert_new(conn, patrols, "id", unique)
        # the patrol rollups, for the check-ins this INSERT made (not the redelivered)
        made = [r for r in unique if r["id"] in created]
        patrol_rollup.on_patrols(conn, made, w.s.timezone)
        # every check-in confirms the building's data (green on the freshness layer)
        freshness.note_updates(conn, ((r["address"], r["ts"], "patrol") for r in rows))
        store.add_dead_letters(conn, [records.dead_row(K.STREAM_PATROLS, *d, at=now) for d in dead])
    finish(w, w.r.pipeline(transaction=False), K.STREAM_PATROLS, entries, dead, now)
