"""The ingest worker: consumer group in, SQL and live state out.

At-least-once: entries are committed to SQL and applied to live state (an incident's
while its row is locked), then acknowledged. Every write is idempotent on the event id,
so a replay (after a crash, or entries claimed from a dead consumer) changes nothing
twice.

Modules: ``worker`` (the loop and set-up), ``batch`` (a round's entries applied, a
failing batch split), ``duties`` (heartbeat, leases, claims, reconcile and the rest
between rounds), ``entries`` (decoding, poison entries, dead letters, acknowledging),
``reports`` and ``readings`` and ``actions`` (applying each stream), ``fold`` (a
transaction's actions applied to their incidents), ``parking`` (actions waiting for what
they depend on), ``writelock`` (what a writer takes before it reads), ``recovery``
(claiming a dead consumer's entries, the overdue sweep, rebuilding live state from SQL),
``ownership`` (shard leases), ``alarms`` (alarm state from SQL after Redis lost its
data), ``trims`` (entries lost to MAXLEN).
"""

from __future__ import annotations

from feeds.ingest.worker import Worker

__all__ = ["Worker"]
