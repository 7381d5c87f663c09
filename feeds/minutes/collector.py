"""Readings -> per-minute summaries in SQL, exactly once per reading.

``collect`` (per batch, in one round trip) puts each reading into its minute's hash,
keyed by the reading's id, so a redelivered or twice-read reading is one field. A
minute is written once it is finished: when readings more than ``HIST_GRACE_MS``
newer have been seen (event time, so a worker catching up on a backlog writes as it
goes), or when the feed has been quiet for ``HIST_QUIET_MS``. Writing takes the
minute (``through``: from then on its late readings are counted in ``{hist}:late`` and
dropped), folds it, inserts its rows if absent and only then forgets it, so a writer
that dies half-way leaves the minute to be written again with the same result.
"""

from __future__ import annotations

import math
import secrets
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import redis
from sqlalchemy import Connection, Engine, delete
from sqlalchemy.dialects import postgresql, sqlite

from feeds import constants as K
from feeds.clock import now_ms
from feeds.minutes.fold import Carry, Sample, decode_sample, encode_sample, fold_minute
from feeds.schemas import SensorReading
from feeds.settings import Settings
from feeds.stats.rollup import crowd as crowd_rollup
from feeds.tables import reading_minutes

MINUTE_MS = 60_000
PAIRS_PER_CALL = 2000  # fields per script call (Lua's stack limits unpack to ~8,000)

_COLLECT = """
local through = tonumber(redis.call('GET', KEYS[1]) or '-1')
local i = 4
local late = 0
for k = 5, #KEYS do
  local minute = tonumber(ARGV[i])
  local n = tonumber(ARGV[i + 1])
  i = i + 2
  if minute <= through then
    late = late + n
  else
    -- one HSET of the minute's n fields: a call per field cost Valkey 2-4x the time
    redis.call('HSET', KEYS[k], unpack(ARGV, i, i + 2 * n - 1))
    redis.call('EXPIRE', KEYS[k], ARGV[1])
    redis.call('ZADD', KEYS[2], minute, ARGV[i - 2])
  end
  i = i + 2 * n
end
if late > 0 then redis.call('INCRBY', KEYS[4], late) end
local mark = tonumber(redis.call('HGET', KEYS[3], 'ts') or '0')
if tonumber(ARGV[3]) > mark then redis.call('HSET', KEYS[3], 'ts', ARGV[3], 'at', ARGV[2]) end
return late
"""

_TAKE = """
local through = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) > through then redis.call('SET', KEYS[1], ARGV[1]) end
return redis.call('HVALS', KEYS[2])
"""

_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def ready_through(newest: int, advanced_at: int, now: int) -> int:
    """The last minute that is finished and may be written."""
    by_event = (newest - K.HIST_GRACE_MS) // MINUTE_MS - 1
    if now - advanced_at >= K.HIST_QUIET_MS:
        return max(by_event, min(newest // MINUTE_MS, now // MINUTE_MS - 1))
    return by_event


def insert_absent(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert minute rows whose (key, minute) is not there yet, and add the zones' among
    them to the crowd peaks' rollup in the same transaction."""
    if not rows:
        return
    ins = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    m = reading_minutes.c
    stmt = ins(reading_minutes).on_conflict_do_nothing(index_elements=["key", "minute"])
    created = conn.execute(stmt.returning(m.key, m.minute, m.max), list(rows))
    crowd_rollup.on_minutes(conn, [dict(r._mapping) for r in created])


class MinuteHistory:
    """Takes ready clients; ``zones`` maps a registered sensor to its crowd zone."""

    def __init__(
        self,
        settings: Settings,
        r: redis.Redis,
        engine: Engine,
        zones: Mapping[str, str | None],
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self.s = settings
        self.r = r
        self.engine = engine
        self.zones = dict(zones)
        self.clock = clock
        self._collect = r.register_script(_COLLECT)
        self._take = r.register_script(_TAKE)
        self._unlock = r.register_script(_UNLOCK)

    def k(self, suffix: str) -> str:
        return self.s.key(suffix)

    # --- gathering (the worker, per batch of readings) -------------------------

    def collect(self, readings: Sequence[SensorReading]) -> int:
        """Gather a batch; the number of readings that came too late to count."""
        now = self.clock()
        by_minute: dict[int, dict[str, str]] = defaultdict(dict)
        newest = 0
        for rd in readings:
            if not math.isfinite(rd.value):
                continue
            zone = rd.zone or self.zones.get(rd.sensor)
            sample = Sample(rd.ts, rd.sensor, rd.kind, rd.value, zone)
            by_minute[rd.ts // MINUTE_MS][rd.id] = encode_sample(sample)
            newest = max(newest, rd.ts)
        if not by_minute:
            return 0
        # a clock running ahead must not make the present look finished
        newest = min(newest, now + K.HIST_GRACE_MS)
        late = 0
        for minute, fields in sorted(by_minute.items()):
            pairs = list(fields.items())
            for i in range(0, len(pairs), PAIRS_PER_CALL):
                chunk = pairs[i : i + PAIRS_PER_CALL]
                args: list[Any] = [K.HIST_MINUTE_TTL_S, now, newest, minute, len(chunk)]
                for field, value in chunk:
                    args += [field, value]
                late += int(
                    self._collect(
                        keys=[
                            self.k(K.K_HIST_THROUGH),
                            self.k(K.K_HIST_PENDING),
                            self.k(K.K_HIST_MARK),
                            self.k(K.K_HIST_LATE),
                            self.k(K.K_HIST_MINUTE + str(minute)),
                        ],
                        args=args,
                    )
                )
        return late

    # --- writing finished minutes (any worker; one at a time) ---------------------

    def flush(self) -> int:
        """Write every finished minute gathered; the number of minutes written."""
        token = secrets.token_hex(8)
        lock = self.k(K.K_HIST_LOCK)
        if not self.r.set(lock, token, nx=True, px=K.HIST_LOCK_MS):
            return 0
        try:
            return self._flush()
        finally:
            self._unlock(keys=[lock], args=[token])

    def _flush(self) -> int:
        now = self.clock()
        mark = self.r.hgetall(self.k(K.K_HIST_MARK))
        if not mark:
            return 0
        ready = ready_through(int(mark["ts"]), int(mark["at"]), now)
        minutes = [int(m) for m in self.r.zrangebyscore(self.k(K.K_HIST_PENDING), "-inf", ready)]
        if not minutes:
            return 0
        carry: Carry = {}
        for sensor, v in self.r.hgetall(self.k(K.K_HIST_CARRY)).items():
            zone, value = v.split("|")
            carry[sensor] = (zone, float(value))
        for minute in minutes:
            key = self.k(K.K_HIST_MINUTE + str(minute))
            raw = self._take(keys=[self.k(K.K_HIST_THROUGH), key], args=[minute])
            rows, after = fold_minute(minute, (decode_sample(v) for v in raw), carry)
            with self.engine.begin() as conn:
                insert_absent(conn, rows)
            changed = {s: f"{z}|{v!r}" for s, (z, v) in after.items() if carry.get(s) != (z, v)}
            pipe = self.r.pipeline(transaction=True)
            if changed:
                pipe.hset(self.k(K.K_HIST_CARRY), mapping=changed)
            pipe.delete(key)
            pipe.zrem(self.k(K.K_HIST_PENDING), minute)
            pipe.execute()
            carry = after
        return len(minutes)

    def late(self) -> int:
        return int(self.r.get(self.k(K.K_HIST_LATE)) or 0)

    # --- retention --------------------------------------------------------------

    def prune(self, days: int) -> int:
        """Delete minutes older than ``days`` (once an hour across workers); rows deleted."""
        now = self.clock()
        hour = now // 3_600_000
        if not self.r.set(self.k(K.K_HIST_PRUNED + str(hour)), 1, nx=True, ex=7200):
            return 0
        cutoff = now // MINUTE_MS - days * 1440
        with self.engine.begin() as conn:
            result = conn.execute(delete(reading_minutes).where(reading_minutes.c.minute < cutoff))
        return int(result.rowcount or 0)
