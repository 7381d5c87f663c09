"""A worker's own counts for Prometheus: kept in memory, added into Redis with the heartbeat.

Workers are processes apart from the web app, on one machine or several, so the counts
travel through Redis, which every process already shares (prometheus_client's
multiprocess mode shares files, which only works on one machine). Each worker adds what
it counted since the last flush into its hash ``metrics:<consumer>`` (HINCRBY: a worker
restarting under the same name carries on its counters) and marks itself in the zset
``metrics:workers``; the web app's ``/metrics`` reads them at scrape time (see
dashboard/metrics.py and docs/metrics.md). A worker killed outright loses at most the
counts of its last heartbeat interval; the dead letters themselves are in SQL regardless.
"""

from __future__ import annotations

import bisect
from collections import Counter
from typing import Any, Final

from feeds import constants as K
from feeds.settings import Settings

# Seconds. A batch is up to READ_COUNT entries with one SQL transaction and a few round trips.
BUCKETS: Final = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
INF: Final = "+Inf"
TTL_S: Final = 600  # a worker gone this long drops out of /metrics

# Dead-letter reasons by class (a label of bounded cardinality; the reason text is in SQL):
# the first prefix that matches names the class, else "invalid" (a schema refused it).
REASON_PREFIXES: Final = (
    ("not valid UTF-8", "encoding"),
    ("processing failed", "processing"),
    ("unknown category", "invalid"),  # the schema's word, not a missing reference
    ("unknown ", "unknown_reference"),  # address code, incident, unit
    ("cannot ", "conflict"),  # e.g. merging into a closed incident
    ("lon/lat ", "outside"),  # outside the district
)


def reason_class(reason: str) -> str:
    if ": waited " in reason:  # parked, and what it needed never came (ingest/fold.py)
        return "waited"
    for prefix, name in REASON_PREFIXES:
        if reason.startswith(prefix):
            return name
    return "invalid"


def bucket_of(seconds: float) -> str:
    i = bisect.bisect_left(BUCKETS, seconds)
    return INF if i == len(BUCKETS) else repr(BUCKETS[i])


def metrics_key(settings: Settings, consumer: str) -> str:
    return settings.key(K.K_METRICS + consumer)


class Meter:
    """Counts since the last flush (entries applied, dead letters, batch times)."""

    def __init__(self, settings: Settings, consumer: str) -> None:
        self.s = settings
        self.consumer = consumer
        self.counts: Counter[str] = Counter()
        self.seconds: dict[str, float] = {}  # batch_sum:<stream>

    def acked(self, stream: str, entries: int, dead: list[str]) -> None:
        """A batch acknowledged: ``entries`` in all, ``dead`` the reasons of its new dead
        letters (the rest were applied, or parked to be applied later)."""
        self.counts["applied:" + stream] += max(entries - len(dead), 0)
        for reason in dead:
            self.counts[f"dead:{stream}:{reason_class(reason)}"] += 1

    def batch(self, stream: str, seconds: float) -> None:
        self.counts["batches:" + stream] += 1
        self.counts[f"batch_le:{stream}:{bucket_of(seconds)}"] += 1
        field = "batch_sum:" + stream
        self.seconds[field] = self.seconds.get(field, 0.0) + seconds

    def flush(self, pipe: Any, now_ms: int) -> None:
        """Queue the counts into ``pipe`` (the caller executes it) and start afresh."""
        key = metrics_key(self.s, self.consumer)
        for field, n in self.counts.items():
            pipe.hincrby(key, field, n)
        for field, x in self.seconds.items():
            pipe.hincrbyfloat(key, field, x)
        pipe.hsetnx(key, "started", now_ms)
        pipe.expire(key, TTL_S)
        workers = self.s.key(K.K_METRICS_WORKERS)
        pipe.zadd(workers, {self.consumer: now_ms})
        pipe.zremrangebyscore(workers, 0, now_ms - TTL_S * 1000)  # gone, and their hashes too
        self.counts.clear()
        self.seconds.clear()
