"""Report counts per micro-grid: today's, each minute's and the rolling hour's (the minutes
that leave the window subtracted once across all workers), and the day's report and
rating totals."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from feeds import constants as K
from feeds.clock import day_key, minute_of
from feeds.live.base import LiveBase, Row


class Counts(LiveBase):
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

    def count_rating(self, pipe: Any, at: int, rating: int) -> None:
        key = self.k(K.K_DAY_STATS + day_key(at, self.tz))
        pipe.hincrby(key, "rating_sum", rating)
        pipe.hincrby(key, "rating_n", 1)
        pipe.expire(key, K.DAY_BUCKET_TTL_S)

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
