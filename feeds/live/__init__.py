"""Live aggregates in Redis and the compact deltas published on the live channel.

The worker writes here after each batch; web processes read a snapshot on page
load and then follow the deltas. Every value in a delta is absolute (a count, a
state), never an increment, so deltas from several workers merge by overwrite.

Modules: ``counts`` (report counts per micro-grid: day, minute, rolling hour),
``board`` (open incidents, their stage clocks, the 1/3/5 board, compliance),
``sensors`` (the sensor registry, status and meta, crowd zones) and ``base`` (client
and key naming, ``Dirty``). Here: ``Live``, which joins them, rebuilds the derived state
from SQL, and shapes the snapshot, the deltas and their publishing.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from feeds import constants as K
from feeds.clock import day_key, minute_of
from feeds.live.base import Dirty, Row
from feeds.live.board import BOARD_STAGES, Board, summary
from feeds.live.counts import Counts
from feeds.live.sensors import Sensors
from feeds.pipeline import STAGES

__all__ = ["BOARD_STAGES", "Dirty", "Live", "Row", "summary"]


class Live(Counts, Board, Sensors):
    """Reads and writes the live state; takes a ready client (decode_responses=True)."""

    def rebuild(
        self,
        now: int,
        active: Sequence[Row],
        day: Mapping[str, int],
        minutes: Mapping[int, Mapping[str, int]],
        reports: int,
        rating_sum: int,
        rating_n: int,
    ) -> None:
        """Replace the derived state with what SQL says."""
        open_key = self.k(K.K_OPEN)
        pipe = self.r.pipeline(transaction=True)
        pipe.delete(
            open_key,
            *(self.k(K.K_DUE + s) for s in STAGES),
            *(self.k(K.K_AMBER + s) for s in STAGES),
        )
        self.put_incidents(pipe, active, Dirty())
        dkey = self.k(K.K_COUNT_DAY + day_key(now, self.tz))
        pipe.delete(dkey)
        if day:
            pipe.hset(dkey, mapping=dict(day))
            pipe.expire(dkey, K.DAY_BUCKET_TTL_S)
        minute = minute_of(now)
        hour: Counter[str] = Counter()
        for m in range(minute - K.ROLLING_WINDOW_MIN + 1, minute + 1):
            mkey = self.k(K.K_COUNT_MIN + str(m))
            pipe.delete(mkey)
            if minutes.get(m):
                pipe.hset(mkey, mapping=dict(minutes[m]))
                pipe.expire(mkey, K.MINUTE_BUCKET_TTL_S)
                hour.update(minutes[m])
        pipe.delete(self.k(K.K_COUNT_HOUR))
        if hour:
            pipe.hset(self.k(K.K_COUNT_HOUR), mapping=dict(hour))
        pipe.set(self.k(K.K_HOUR_THROUGH), minute - K.ROLLING_WINDOW_MIN)
        skey = self.k(K.K_DAY_STATS + day_key(now, self.tz))
        pipe.hset(
            skey, mapping={"reports": reports, "rating_sum": rating_sum, "rating_n": rating_n}
        )
        pipe.expire(skey, K.DAY_BUCKET_TTL_S)
        pipe.execute()

    # --- reads ------------------------------------------------------------

    def headline(self, now: int, sensors: Mapping[str, str] | None = None) -> dict[str, Any]:
        day = day_key(now, self.tz)
        stats = self.r.hgetall(self.k(K.K_DAY_STATS + day))
        peak = self.r.hgetall(self.k(K.K_CROWD_PEAK + day))
        status = sensors if sensors is not None else self.sensor_status(now)
        n = int(stats.get("rating_n", 0))
        return {
            "reports": int(stats.get("reports", 0)),
            "open": self.r.hlen(self.k(K.K_OPEN)),
            "late": self.late_now(now),
            "peak": {"people": int(peak["people"]), "zone": peak["zone"], "at": int(peak["at"])}
            if peak
            else None,
            "sensors_online": sum(1 for v in status.values() if v != "offline"),
            "sensors_total": len(status),
            "satisfaction": int(stats.get("rating_sum", 0)) / n if n else None,
            "ratings": n,
        }

    def last_event(self) -> int | None:
        raw = self.r.get(self.k(K.K_LAST_EVENT))
        return int(raw) if raw else None

    def snapshot(self, now: int) -> dict[str, Any]:
        """Everything a screen needs on load; deltas then keep it current."""
        sensors = self.sensor_status(now)
        return {
            "t": now,
            "seq": int(self.r.get(self.k(K.K_SEQ)) or 0),
            "grids": self.all_grid_values(now),
            "zones": self.zones(),
            "incidents": self.open_incidents(),
            "sensors": sensors,
            "sensor_meta": self.sensor_meta(),
            "board": self.board(now),
            "headline": self.headline(now, sensors),
            "compliance": self.compliance(),
            "last_event": self.last_event(),
        }

    # --- deltas -------------------------------------------------------------

    def delta(self, dirty: Dirty, now: int) -> dict[str, Any]:
        out: dict[str, Any] = {"t": now, "last_event": self.last_event()}
        if dirty.grids:
            out["grids"] = self.grid_values(sorted(dirty.grids), now)
        if dirty.zones:
            zones = self.r.hmget(self.k(K.K_CROWD_ZONE), sorted(dirty.zones))
            out["zones"] = {z: int(v or 0) for z, v in zip(sorted(dirty.zones), zones, strict=True)}
        if dirty.upserts:
            out["upsert"] = list(dirty.upserts.values())
        if dirty.removed:
            out["remove"] = sorted(dirty.removed)
        if dirty.sensors:
            out["sensors"] = dict(dirty.sensors)
        if dirty.board or dirty.upserts or dirty.removed:
            out["board"] = self.board(now)
        out["headline"] = self.headline(now)
        comp = self.compliance()
        if comp is not None:
            out["compliance"] = comp
        return out

    def publish(self, delta: dict[str, Any]) -> int:
        delta["seq"] = self.r.incr(self.k(K.K_SEQ))
        return int(self.r.publish(self.k(K.CHANNEL_LIVE), json.dumps(delta, ensure_ascii=False)))
