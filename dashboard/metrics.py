"""``/metrics``: Prometheus text exposition of ingest, lag and the live feed.

Read at scrape time: the workers' own counts from Redis (feeds/ingest/meter.py), the
streams' consumer-group figures (feeds/lag.py), the counters ingest keeps for /status,
and this web process's WebSocket figures. Series about workers and streams are the same
from every web process (scrape one, or take max() across them); the WebSocket ones are
each process's own. What each series means: docs/metrics.md.

Who may read it: with ``WATCHFLOOR_METRICS_TOKEN`` set, a request bearing it
(``Authorization: Bearer ...``); without it, loopback clients only. A signed-in officer or
admin may read it either way.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Any

import redis
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from dashboard.auth.rules import STATUS
from dashboard.hub import Hub
from dashboard.services import Services
from feeds import constants as K
from feeds import lag
from feeds.clock import now_ms
from feeds.ingest.meter import BUCKETS, INF, TTL_S, metrics_key
from feeds.settings import is_loopback

NS = "watchfloor_"


def install(server: FastAPI, services: Services, hub: Hub) -> None:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(WatchfloorCollector(services, hub))

    @server.get("/metrics")
    def metrics(request: Request) -> Response:
        refusal = refused(request, services.settings.metrics_token)
        if refusal is not None:
            return refusal
        try:
            body = generate_latest(registry)
        except redis.RedisError as exc:  # the scrape fails visibly (up == 0), no traceback
            return JSONResponse({"error": f"Redis unreachable: {exc}"}, 503)
        return Response(body, media_type=CONTENT_TYPE_LATEST)


def refused(request: Request, token: str) -> Response | None:
    """None when the request may read the metrics, else the answer that refuses it."""
    user = request.scope.get("state", {}).get("user")
    if user is not None and user.role in STATUS:
        return None
    if token:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token):
            return None
        why = "metrics need the bearer token (WATCHFLOOR_METRICS_TOKEN)"
        return JSONResponse({"error": why}, 401, headers={"WWW-Authenticate": "Bearer"})
    client = request.client.host if request.client else ""
    if is_loopback(client):
        return None
    why = "metrics are served to loopback only; set WATCHFLOOR_METRICS_TOKEN to scrape from afar"
    return JSONResponse({"error": why}, 403)


class WatchfloorCollector(Collector):
    def __init__(self, services: Services, hub: Hub) -> None:
        self.services = services
        self.hub = hub

    def collect(self) -> Iterator[Metric]:
        r, s = self.services.redis, self.services.settings
        now = now_ms()
        since = now - TTL_S * 1000
        workers = r.zrangebyscore(s.key(K.K_METRICS_WORKERS), since, "+inf", withscores=True)
        pipe = r.pipeline(transaction=False)
        for name, _ in workers:
            pipe.hgetall(metrics_key(s, name))
        pipe.hgetall(s.key(K.K_COUNTERS))
        pipe.get(s.key(K.K_SEQ))
        pipe.xlen(s.key(K.STREAM_DEAD))
        *hashes, counters, seq, dead_len = pipe.execute()
        yield from worker_families(dict(zip([n for n, _ in workers], hashes, strict=True)))
        seen = GaugeMetricFamily(
            NS + "worker_last_seen_seconds",
            "Seconds since the worker's last heartbeat (with its metrics).",
            labels=["worker"],
        )
        for name, ms in workers:
            seen.add_metric([name], max(now - ms, 0) / 1000)
        yield seen
        rows = lag.stream_lags(r, s)
        yield from stream_families(rows)
        yield from worker_lag_families(lag.worker_lags(rows, [n for n, _ in workers]))
        yield from counter_families(counters, int(seq or 0), int(dead_len or 0))
        yield from web_families(self.hub)


def worker_families(hashes: dict[str, dict[str, str]]) -> Iterator[Metric]:
    applied = CounterMetricFamily(
        NS + "ingest_applied",
        "Entries a worker applied (or parked to apply later), by feed.",
        labels=["stream", "worker"],
    )
    dead = CounterMetricFamily(
        NS + "dead_letters",
        "Entries a worker dead-lettered, by feed and class of reason.",
        labels=["stream", "reason", "worker"],
    )
    batch = HistogramMetricFamily(
        NS + "ingest_batch_seconds",
        "Time to apply one batch read from a stream (SQL, live state, acknowledgement).",
        labels=["stream", "worker"],
    )
    for worker, fields in sorted(hashes.items()):
        buckets: dict[str, dict[str, float]] = {}
        for name, value in fields.items():
            what, _, rest = name.partition(":")
            if what == "applied":
                applied.add_metric([rest, worker], float(value))
            elif what == "dead":
                stream, _, why = rest.partition(":")
                dead.add_metric([stream, why, worker], float(value))
            elif what == "batch_le":
                stream, _, bound = rest.partition(":")
                buckets.setdefault(stream, {})[bound] = float(value)
        for stream, counts in sorted(buckets.items()):
            total, cumulative = 0.0, []
            for bound in [*map(repr, BUCKETS), INF]:
                total += counts.get(bound, 0.0)
                cumulative.append((bound, total))
            batch.add_metric(
                [stream, worker], cumulative, float(fields.get("batch_sum:" + stream, 0))
            )
    yield from (applied, dead, batch)


def stream_families(rows: list[lag.StreamLag]) -> Iterator[Metric]:
    labels = ["stream", "shard"]
    length = GaugeMetricFamily(NS + "stream_length", "Entries in the stream now.", labels=labels)
    behind = GaugeMetricFamily(
        NS + "stream_lag", "Entries the ingest group has not yet read.", labels=labels
    )
    pending = GaugeMetricFamily(
        NS + "stream_pending", "Entries read by a worker, not yet acknowledged.", labels=labels
    )
    read = CounterMetricFamily(
        NS + "stream_entries_read", "Entries the ingest group has read.", labels=labels
    )
    by_worker = GaugeMetricFamily(
        NS + "consumer_pending",
        "Entries a worker holds unacknowledged, per stream.",
        labels=[*labels, "worker"],
    )
    for row in rows:
        where = [row.stream, str(row.shard)]
        length.add_metric(where, row.length)
        pending.add_metric(where, row.pending)
        if row.lag is not None:
            behind.add_metric(where, row.lag)
        if row.entries_read is not None:
            read.add_metric(where, row.entries_read)
        for consumer, n in sorted(row.pending_by.items()):
            by_worker.add_metric([*where, consumer], n)
    yield from (length, behind, pending, read, by_worker)


def worker_lag_families(rows: list[lag.WorkerLag]) -> Iterator[Metric]:
    behind = GaugeMetricFamily(
        NS + "worker_lag", "Entries not yet read on the shards a worker owns.", labels=["worker"]
    )
    pending = GaugeMetricFamily(
        NS + "worker_pending", "Entries a worker holds unacknowledged.", labels=["worker"]
    )
    for row in rows:
        behind.add_metric([row.consumer], row.lag)
        pending.add_metric([row.consumer], row.pending)
    yield from (behind, pending)


def counter_families(counters: dict[str, Any], seq: int, dead_len: int) -> Iterator[Metric]:
    lost = CounterMetricFamily(
        NS + "entries_lost",
        "Entries trimmed from a stream (MAXLEN) before ingest applied them.",
        labels=["stream"],
    )
    for stream in K.INPUT_STREAMS:
        lost.add_metric([stream], int(counters.get(K.C_LOST + stream, 0)))
    yield lost
    yield CounterMetricFamily(
        NS + "unknown_sensor_readings",
        "Readings from sensor ids that are not registered (ignored).",
        value=int(counters.get(K.C_UNKNOWN_SENSOR, 0)),
    )
    yield GaugeMetricFamily(
        NS + "parked_actions",
        "Actions waiting for their report or for earlier actions.",
        value=int(counters.get(K.C_PARKED, 0)),
    )
    yield CounterMetricFamily(
        NS + "live_deltas_published", "Live deltas the workers published.", value=seq
    )
    yield GaugeMetricFamily(
        NS + "deadletter_stream_length", "Entries in the dead-letter stream.", value=dead_len
    )


def web_families(hub: Hub) -> Iterator[Metric]:
    yield GaugeMetricFamily(
        NS + "websocket_clients",
        "Live screens connected to this web process.",
        value=len(hub.subscribers),
    )
    yield CounterMetricFamily(
        NS + "live_deltas_received", "Live deltas this web process received.", value=hub.received
    )
    yield CounterMetricFamily(
        NS + "websocket_messages_sent",
        "Live messages this web process sent to screens.",
        value=hub.sent,
    )
