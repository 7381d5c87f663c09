"""The generated days' share of the rollups, computed from the rows in memory (the same
``contributions`` the ingest worker applies) and added in bulk every few weeks and at
the end, instead of reading each day's incidents and trail back from the store.

Each new incident's facts row is what ``rollup.on_changed`` would have written for it
(its first contribution), so later live changes apply their differences as usual.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from feeds.stats.holders import HOLDING_ACTIONS, Timeline, timeline, unit_of_detail
from feeds.stats.period import utc_offset_ms
from feeds.stats.rollup import crowd as crowd_rollup
from feeds.stats.rollup import patrols as patrol_rollup
from feeds.stats.rollup.contrib import contributions
from feeds.stats.rollup.keys import OUTCOME_KEY, STAGE_KEY, UNIT_KEY, split, tables_of
from feeds.stats.rollup.write import DERIVED, add, add_counts, count_rows, late_row, write_late

Row = dict[str, Any]
Key = tuple[Any, ...]


def timelines(trail: Sequence[Mapping[str, Any]]) -> dict[str, Timeline]:
    raw: dict[str, list[tuple[int, str, str]]] = {}
    for e in trail:
        if e["action"] in HOLDING_ACTIONS:
            item = (int(e["at"]), str(e["event_id"]), unit_of_detail(e["detail"]))
            raw.setdefault(e["incident_id"], []).append(item)
    return {iid: timeline(ev) for iid, ev in raw.items()}


@dataclass
class Pending:
    """Rollup deltas not yet written."""

    counts: Counter[Key] = field(default_factory=Counter)
    hours: Counter[Key] = field(default_factory=Counter)
    places: dict[Key, Row] = field(default_factory=dict)
    stages: Counter[Key] = field(default_factory=Counter)
    units: Counter[Key] = field(default_factory=Counter)
    outcomes: Counter[Key] = field(default_factory=Counter)
    crowd: dict[tuple[str, int], crowd_rollup.Peak] = field(default_factory=dict)
    patrols: patrol_rollup.Shares = field(default_factory=patrol_rollup.Shares)
    late: list[Row] = field(default_factory=list)

    def add(self, created: Sequence[Row], trail: Sequence[Mapping[str, Any]], tz: str) -> list[Row]:
        """Count the new incidents (with their trail); their incident_facts rows."""
        if not created:
            return []
        offset = utc_offset_ms(tz, created[0]["reported_at"])
        counts, hours, places = count_rows(created, offset)
        self.counts.update(counts)
        self.hours.update(hours)
        for k, v in places.items():
            self.places.setdefault(k, v)
        tls = timelines(trail)
        facts = []
        for row in created:
            new = contributions(row, tls.get(row["id"], ((), ())), offset)
            self.stages.update(split(new["s"], len(STAGE_KEY)))
            self.units.update(split(new["u"], len(UNIT_KEY)))
            self.outcomes.update(split(new["o"], len(OUTCOME_KEY)))
            self.late.extend(late_row(row["id"], item) for item in new["l"])
            facts.append({"incident_id": row["id"], "facts": json.dumps(new, ensure_ascii=False)})
        return facts

    def add_minutes(self, minutes: Sequence[Mapping[str, Any]]) -> None:
        """Minute rows written (those not there before): the crowd zones' hour peaks."""
        for k, peak in crowd_rollup.hourly(minutes).items():
            self.crowd[k] = crowd_rollup.better(self.crowd.get(k), peak)

    def add_patrols(self, rows: Sequence[Mapping[str, Any]], tz: str) -> None:
        """Check-in rows written (those not there before)."""
        if rows:
            self.patrols.add(rows, utc_offset_ms(tz, int(rows[0]["ts"])))

    def flush(self, conn: Connection) -> None:
        """Add what is pending to the rollups (INSERT ... ON CONFLICT add) and forget it."""
        if self.counts:
            # the first street/community seen for a grid, as on_reports keeps it
            add_counts(conn, self.counts, self.hours, self.places)
        for name, deltas in tables_of(self.stages, self.units, self.outcomes).items():
            add(conn, *DERIVED[name], deltas)
        crowd_rollup.add(conn, self.crowd)
        self.patrols.write(conn)
        self.patrols.clear()
        write_late(conn, self.late)
        self.late.clear()
        self.counts.clear()
        self.hours.clear()
        self.places.clear()
        self.stages.clear()
        self.units.clear()
        self.outcomes.clear()
        self.crowd.clear()
