"""Live aggregates in Redis and the compact deltas published on the live channel.

The worker writes here after each batch; web processes read a snapshot on page
load and then follow the deltas. Every value in a delta is absolute (a count, a
state), never an increment, so deltas from several workers merge by overwrite.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import redis

from feeds import constants as K
from feeds.clock import day_key, minute_of
from feeds.figures import DUE_COLUMN
from feeds.pipeline import ACTIVE, PENDING, STAGES
from feeds.settings import Settings
from feeds.sla import amber_from

Row = Mapping[str, Any]
BOARD_STAGES = ("accept", "dispatch", "arrive")


def summary(row: Row) -> dict[str, Any]:
    """What the wall draws of an open incident, and nothing more: it goes to unattended screens.

    No text, contact, reporter, unit or source: a kiosk shows a marker and its countdown;
    people who may read more open the incident page, which reads SQL behind its own check.
    """
    stage = PENDING.get(row["state"])
    due = row[DUE_COLUMN[stage]] if stage else None
    return {
        "id": row["id"],
        "state": row["state"],
        "stage": stage,
        "cat": row["category"],
        # priority, kind and time: the board puts urgent items first and marks them; a kiosk
        # click shows kind, category, place, stage and time (none of them personal)
        "pri": row["priority"],
        "kind": row["kind"],
        "at": row["reported_at"],
        "lon": row["lon"],
        "lat": row["lat"],
        "grid": row["micro_grid"],
        "due": due,
        "amber": amber_from(row["reported_at"], due) if due else None,
    }


@dataclass
class Dirty:
    """What changed since the last delta."""

    grids: set[str] = field(default_factory=set)
    zones: set[str] = field(default_factory=set)
    upserts: dict[str, dict[str, Any]] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    sensors: dict[str, str] = field(default_factory=dict)  # sensor -> status
    board: bool = False

    def __bool__(self) -> bool:
        return bool(
            self.grids or self.zones or self.upserts or self.removed or self.sensors or self.board
        )


class Live:
    """Reads and writes the live state; takes a ready client (decode_responses=True)."""

    def __init__(self, r: redis.Redis, settings: Settings) -> None:
        self.r = r
        self.s = settings
        self.tz = settings.timezone

    def k(self, suffix: str) -> str:
        return self.s.key(suffix)

    # --- writes (into a pipeline the caller executes) ---------------------

    def count_reports(self, pipe: Any, rows: Sequence[Row], now: int) -> None:
        """Add reports to today's and this minute's counts: one command per key and grid.

        A report older than the rolling hour (a backlog, a late gateway) counts for its day
        and minute but not for the hour: its minute was already subtracted from it."""
        by_key: dict[str, Counter[str]] = defaultdict(Counter)
        stats: Counter[str] = Counter()
        through = self.r.get(self.k(K.K_HOUR_THROUGH)) if rows else None
        out_of_hour = int(through) if through is not None else minute_of(now) - K.ROLLING_WINDOW_MIN
        for row in rows:
            day = day_key(row["reported_at"], self.tz)
            stats[self.k(K.K_DAY_STATS + day)] += 1
            grid = row["micro_grid"]
            if grid is not None:
                minute = minute_of(row["reported_at"])
                by_key[self.k(K.K_COUNT_DAY + day)][grid] += 1
                by_key[self.k(K.K_COUNT_MIN + str(minute))][grid] += 1
                if minute > out_of_hour:
                    by_key[self.k(K.K_COUNT_HOUR)][grid] += 1
        for key, n in stats.items():
            pipe.hincrby(key, "reports", n)
            pipe.expire(key, K.DAY_BUCKET_TTL_S)
        for key, counts in by_key.items():
            for grid, n in counts.items():
                pipe.hincrby(key, grid, n)
            if K.K_COUNT_HOUR not in key:
                ttl = K.DAY_BUCKET_TTL_S if K.K_COUNT_DAY in key else K.MINUTE_BUCKET_TTL_S
                pipe.expire(key, ttl)

    def roll_hour(self, now: int) -> set[str]:
        """Subtract the minutes that left the rolling window; the grids that changed.

        Each minute is subtracted once across all workers (SET NX decides who).
        """
        last_out = minute_of(now) - K.ROLLING_WINDOW_MIN
        through = self.r.get(self.k(K.K_HOUR_THROUGH))
        if through is None:
            self.r.set(self.k(K.K_HOUR_THROUGH), last_out)
            return set()
        changed: set[str] = set()
        for m in range(int(through) + 1, last_out + 1):
            if not self.r.set(
                self.k(K.K_HOUR_ROLLED + str(m)), 1, nx=True, ex=K.MINUTE_BUCKET_TTL_S
            ):
                continue
            bucket = self.r.hgetall(self.k(K.K_COUNT_MIN + str(m)))
            if bucket:
                pipe = self.r.pipeline(transaction=False)
                for grid, n in bucket.items():
                    pipe.hincrby(self.k(K.K_COUNT_HOUR), grid, -int(n))
                pipe.execute()
                changed.update(bucket)
        if last_out > int(through):
            self.r.set(self.k(K.K_HOUR_THROUGH), last_out)
        return changed

    def put_incidents(
        self, pipe: Any, rows: Iterable[Row], dirty: Dirty, fresh: bool = False
    ) -> None:
        """Make the open set and the stage clocks match these rows' states.

        ``fresh``: the rows are new incidents, in no stage set yet.
        """
        items: dict[str, str] = {}
        due: dict[str, dict[str, int]] = defaultdict(dict)
        amber: dict[str, dict[str, int]] = defaultdict(dict)
        gone: list[str] = []
        for row in rows:
            iid = row["id"]
            if row["state"] in ACTIVE:
                item = summary(row)
                items[iid] = json.dumps(item, ensure_ascii=False)
                due[item["stage"]][iid] = item["due"]
                amber[item["stage"]][iid] = item["amber"]
                dirty.upserts[iid] = item
                dirty.removed.discard(iid)
            else:
                gone.append(iid)
                dirty.removed.add(iid)
                dirty.upserts.pop(iid, None)
        ids = [*items, *gone]
        if not ids:
            return
        if not fresh:
            for stage in STAGES:
                pipe.zrem(self.k(K.K_DUE + stage), *ids)
                pipe.zrem(self.k(K.K_AMBER + stage), *ids)
        if items:
            pipe.hset(self.k(K.K_OPEN), mapping=items)
        for pending, members in due.items():
            pipe.zadd(self.k(K.K_DUE + pending), members)
            pipe.zadd(self.k(K.K_AMBER + pending), amber[pending])
        if gone:
            pipe.hdel(self.k(K.K_OPEN), *gone)
        dirty.board = True

    def count_rating(self, pipe: Any, at: int, rating: int) -> None:
        key = self.k(K.K_DAY_STATS + day_key(at, self.tz))
        pipe.hincrby(key, "rating_sum", rating)
        pipe.hincrby(key, "rating_n", 1)
        pipe.expire(key, K.DAY_BUCKET_TTL_S)

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

    def grid_values(self, grids: Sequence[str], now: int) -> dict[str, list[int]]:
        """[rolling hour, today] per micro-grid."""
        if not grids:
            return {}
        pipe = self.r.pipeline(transaction=False)
        pipe.hmget(self.k(K.K_COUNT_HOUR), grids)
        pipe.hmget(self.k(K.K_COUNT_DAY + day_key(now, self.tz)), grids)
        hour, day = pipe.execute()
        return {g: [int(h or 0), int(d or 0)] for g, h, d in zip(grids, hour, day, strict=True)}

    def all_grid_values(self, now: int) -> dict[str, list[int]]:
        day = self.r.hgetall(self.k(K.K_COUNT_DAY + day_key(now, self.tz)))
        hour = self.r.hgetall(self.k(K.K_COUNT_HOUR))
        return {
            g: [int(hour.get(g, 0)), int(day.get(g, 0))] for g in sorted(day.keys() | hour.keys())
        }

    def board(self, now: int) -> dict[str, Any]:
        """The 1/3/5 board: per stage counts by colour and the oldest items."""
        pipe = self.r.pipeline(transaction=False)
        for stage in BOARD_STAGES:
            due, amber = self.k(K.K_DUE + stage), self.k(K.K_AMBER + stage)
            pipe.zcard(due)
            pipe.zcount(due, "-inf", now)
            pipe.zcount(amber, "-inf", now)
            pipe.zrange(due, 0, K.BOARD_OLDEST - 1)
        res = pipe.execute()
        board: dict[str, Any] = {}
        ids: list[str] = []
        for i, stage in enumerate(BOARD_STAGES):
            total, red, amber_or_red, oldest = res[4 * i : 4 * i + 4]
            board[stage] = {
                "n": total,
                "red": red,
                "amber": amber_or_red - red,
                "green": total - amber_or_red,
                "oldest": oldest,
            }
            ids.extend(oldest)
        details = self.r.hmget(self.k(K.K_OPEN), ids) if ids else []
        by_id = {i: json.loads(d) for i, d in zip(ids, details, strict=True) if d}
        for stage in BOARD_STAGES:
            board[stage]["oldest"] = [by_id[i] for i in board[stage]["oldest"] if i in by_id]
        return board

    def late_now(self, now: int) -> int:
        pipe = self.r.pipeline(transaction=False)
        for stage in STAGES:
            pipe.zcount(self.k(K.K_DUE + stage), "-inf", now)
        return int(sum(pipe.execute()))

    def open_incidents(self) -> dict[str, dict[str, Any]]:
        raw = self.r.hgetall(self.k(K.K_OPEN))
        return {k: json.loads(v) for k, v in raw.items()}

    def zones(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.r.hgetall(self.k(K.K_CROWD_ZONE)).items()}

    def crowd_sensors(self) -> dict[str, tuple[float, float, int]]:
        """sensor -> (lon, lat, people): what the heat image is rendered from (never sent raw)."""
        out: dict[str, tuple[float, float, int]] = {}
        for sensor, v in self.r.hgetall(self.k(K.K_CROWD_SENSOR)).items():
            _zone, lon, lat, people, _ts = v.split("|")
            out[sensor] = (float(lon), float(lat), int(float(people)))
        return out

    def register_sensors(self, meta: Mapping[str, str]) -> None:
        """Known sensors, so that one never heard from shows as offline."""
        if meta:
            self.r.hset(self.k(K.K_SENSOR_META), mapping=dict(meta))

    def forget_sensors(self, known: set[str]) -> None:
        """Drop sensors that are not registered from every per-sensor hash."""
        keys = (K.K_SENSOR_META, K.K_SENSOR_SEEN, K.K_SENSOR_STATUS, K.K_CROWD_SENSOR)
        for key in keys:
            stale = [s for s in self.r.hkeys(self.k(key)) if s not in known]
            for i in range(0, len(stale), 1000):
                self.r.hdel(self.k(key), *stale[i : i + 1000])

    def sensor_status(self, now: int) -> dict[str, str]:
        pipe = self.r.pipeline(transaction=False)
        pipe.hkeys(self.k(K.K_SENSOR_META))
        pipe.hgetall(self.k(K.K_SENSOR_SEEN))
        pipe.hgetall(self.k(K.K_SENSOR_ALARM))
        known, seen, alarm = pipe.execute()
        limit = now - K.SENSOR_OFFLINE_AFTER_S * 1000
        out = dict.fromkeys(known, "offline")
        out.update({s: ("online" if int(t) >= limit else "offline") for s, t in seen.items()})
        for s in alarm:
            out[s] = "alarm"
        return out

    def sensor_meta(self) -> dict[str, list[Any]]:
        """sensor -> [kind, lon, lat] for drawing them."""
        out: dict[str, list[Any]] = {}
        for sensor, v in self.r.hgetall(self.k(K.K_SENSOR_META)).items():
            kind, lon, lat, _zone = v.split("|")
            out[sensor] = [kind, float(lon), float(lat)]
        return out

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

    def compliance(self) -> dict[str, Any] | None:
        raw = self.r.get(self.k(K.K_COMPLIANCE))
        return json.loads(raw) if raw else None

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
