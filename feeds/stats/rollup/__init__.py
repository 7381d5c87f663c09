"""Rollups for the figures, kept current by the ingest worker in the same transaction as
the events that change them (``on_reports``, ``on_changed``), and rebuilt from raw rows
(``rebuild``, after a bulk load, or to check them).

Report counts are added once, for the incidents an INSERT actually created, so a
redelivered report adds nothing. Everything else is re-derived from an incident's
state and trail (``contributions``); the last contribution is kept in incident_facts
and a change applies only the difference, so applying the same state twice changes
nothing.

keys: keys, values, day/month arithmetic; contrib: one incident's share (pure); write:
adding as incidents change; recount: from raw rows, and as stored; maintain: rebuild,
fill and ensure for stores that lack them.
"""

from feeds.stats.rollup.contrib import contributions
from feeds.stats.rollup.maintain import ensure, fill_months, rebuild
from feeds.stats.rollup.recount import TABLES, recount, stored, timelines_all
from feeds.stats.rollup.write import on_changed, on_reports, timelines_of

__all__ = [
    "TABLES",
    "contributions",
    "ensure",
    "fill_months",
    "on_changed",
    "on_reports",
    "rebuild",
    "recount",
    "stored",
    "timelines_all",
    "timelines_of",
]
