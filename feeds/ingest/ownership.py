"""Shard ownership: one worker at a time reads a shard, the way a Kafka partition has one
consumer in its group.

An owner holds a lease, ``{shards}:owner:<i>`` = its name with a TTL, renewed several
times per lease. A worker that dies stops renewing; once the lease runs out another takes
the shard and claims every entry still pending on it (idle or not: nobody else may read
it), so nothing is lost, and those entries are applied before any newer one. Workers
take shards up to a fair share (shards / live workers, rounded up) and give back what is
over it, so a worker that joins gets its share within a few renewals.

A worker that stalls past its lease may still be applying a batch when the new owner
re-applies it: harmless, every write is idempotent on the event id.
"""

from __future__ import annotations

import logging
import math
import time
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING

import redis

from feeds import constants as K
from feeds import shards
from feeds.ingest import recovery
from feeds.settings import Settings

if TYPE_CHECKING:
    from feeds.ingest.worker import Worker

log = logging.getLogger("watchfloor.ingest")

# each touches one key, so it runs on a Cluster too
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
TAKE = """
local owner = redis.call('GET', KEYS[1])
if owner == false then return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) and 1 or 0 end
if owner == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class Ownership:
    """The shards this worker owns; ``round`` renews, gives back and takes."""

    def __init__(
        self, r: redis.Redis, settings: Settings, consumer: str, clock: Callable[[], int]
    ) -> None:
        self.r, self.s, self.consumer, self.clock = r, settings, consumer, clock
        self.n = settings.shards
        self.lease_ms = settings.shard_lease_ms
        self.owned: set[int] = set()
        # taken, their pending entries not claimed yet: not read until they are
        self.unclaimed: set[int] = set()
        self._renew = r.register_script(RENEW)
        self._take = r.register_script(TAKE)
        self._release = r.register_script(RELEASE)
        # where this worker starts looking for free shards: spread, not all from 0
        self._start = zlib.crc32(consumer.encode()) % max(1, self.n)

    def members(self) -> int:
        """Live workers (renewed within a lease), this one included."""
        key = self.s.key(K.K_SHARD_MEMBERS)
        now = self.clock()
        pipe = self.r.pipeline(transaction=True)
        pipe.zadd(key, {self.consumer: now})
        pipe.zremrangebyscore(key, "-inf", now - self.lease_ms)
        pipe.zcard(key)
        pipe.pexpire(key, self.lease_ms * 10)
        return int(pipe.execute()[2])

    def round(self) -> tuple[set[int], set[int]]:
        """Renew the leases, give back what is over the fair share, take free shards up to
        it; (shards taken, shards lost or given back)."""
        lost: set[int] = set()
        for shard in sorted(self.owned):
            key = shards.owner_key(self.s, shard)
            if not self._renew(keys=[key], args=[self.consumer, self.lease_ms]):
                lost.add(shard)
        if lost:
            log.warning("%s lost its lease on shards %s", self.consumer, sorted(lost))
        self.owned -= lost
        self.unclaimed -= lost
        fair = math.ceil(self.n / max(1, self.members()))
        for shard in sorted(self.owned, reverse=True)[: max(0, len(self.owned) - fair)]:
            self.give_back(shard)
            lost.add(shard)
        taken: set[int] = set()
        for step in range(self.n):
            if len(self.owned) >= fair:
                break
            shard = (self._start + step) % self.n
            if shard in self.owned:
                continue
            # ours already: a worker restarted under its name takes its shards back at once
            key = shards.owner_key(self.s, shard)
            if self._take(keys=[key], args=[self.consumer, self.lease_ms]):
                self.owned.add(shard)
                self.unclaimed.add(shard)
                taken.add(shard)
        if taken:
            log.info("%s took shards %s", self.consumer, sorted(taken))
        return taken, lost

    def give_back(self, shard: int) -> None:
        self._release(keys=[shards.owner_key(self.s, shard)], args=[self.consumer])
        self.owned.discard(shard)
        self.unclaimed.discard(shard)

    def leave(self) -> None:
        """A clean stop: every shard back at once, out of the members."""
        for shard in sorted(self.owned):
            self.give_back(shard)
        self.r.zrem(self.s.key(K.K_SHARD_MEMBERS), self.consumer)


def rebalance(w: Worker) -> None:
    """A round of leases; a shard just taken has its pending entries claimed and applied
    first, whoever held them.

    The worker's keys follow what it owns even when the round fails half-way (Redis
    unreachable after a take): a shard owned but missing from them was read and its
    entries never applied, nor claimed by anyone, since its lease stayed renewed."""
    assert w.ownership is not None
    try:
        w.ownership.round()
    finally:
        owned = sorted(w.ownership.owned)
        w.keys = {k: s for i in owned for k, s in shards.shard_keys(w.s, i).items()}
    claim_taken(w)


def claim_taken(w: Worker) -> None:
    """Claim and apply the pending entries of the shards taken and not claimed yet (a
    claim that failed is tried again before the shard is read)."""
    assert w.ownership is not None
    for shard in sorted(w.ownership.unclaimed):
        recovery.claim_stale(w, shards.shard_keys(w.s, shard), idle_ms=0)
        w.ownership.unclaimed.discard(shard)


def read(w: Worker, block_ms: int | None) -> int:
    """One round over the owned shards, one XREADGROUP each (a shard's streams share a
    Cluster slot, different shards need not): without blocking, then, if none had
    anything, blocking on one of them a short while."""
    assert w.ownership is not None
    claim_taken(w)
    owned = sorted(w.ownership.owned)
    if not owned:
        if block_ms:
            time.sleep(min(block_ms, 500) / 1000)
        return 0
    start = "0" if w.read_own_pending else ">"
    names = {k: s for i in owned for k, s in shards.shard_keys(w.s, i).items()}
    pipe = w.r.pipeline(transaction=False)
    for shard in owned:
        keys = shards.shard_keys(w.s, shard)
        pipe.xreadgroup(K.GROUP, w.consumer, dict.fromkeys(keys, start), count=w.count)
    rounds = pipe.execute()
    if block_ms and not w.read_own_pending and not any(rounds):
        shard = owned[int(time.monotonic() * 10) % len(owned)]
        keys = shards.shard_keys(w.s, shard)
        got = w.r.xreadgroup(
            K.GROUP, w.consumer, dict.fromkeys(keys, ">"), count=w.count, block=min(block_ms, 100)
        )
        rounds = [got]
    handled = 0
    for res in rounds:
        # every key read is an owned shard's: what it delivered is applied, never dropped
        got = {names[key]: entries for key, entries in res or []}
        if got:
            w.shard = w.shard_of[next(k for k, _e in res)]
            handled += w.handle_all(got)
    return handled
