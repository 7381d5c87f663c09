"""The rollups' keys and values, and the day/month arithmetic and delta shapes they share."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from feeds.stats.buckets import coarse
from feeds.stats.period import DAY_MS
from feeds.stats.sql import EPOCH

Row = dict[str, Any]
Key = tuple[Any, ...]
STAGE_KEY = ("day", "stage", "street", "unit", "priority", "bucket")
STAGE_VAL = ("n", "on_time")
MONTH_KEY = ("month", *STAGE_KEY[1:])
ENSURE_LOCK = 0x57F1_6008  # PostgreSQL advisory lock id for ``ensure``
UNIT_KEY = ("day", "unit")
UNIT_VAL = ("held", "assigned", "closed", "on_time", "rating_sum", "rated")
COUNT_KEY = ("day", "grid", "category", "source", "kind", "priority")
HOUR_KEY = ("day", "hour", "grid")
BY_KEY = ("month", "stage", "dim", "value", "bucket")
OUTCOME_KEY = ("day", "street")
OUTCOME_VAL = ("late", "closed", "r1", "r2", "r3", "r4", "r5")
# the incident columns ``write.count_rows`` reads: the counts' and hours' keys and the place
COUNT_COLUMNS = (
    "reported_at",
    "grid",
    "street",
    "community",
    "category",
    "source",
    "kind",
    "priority",
)
FACT_COLUMNS = (
    "id",
    "state",
    "priority",
    "street",
    "unit",
    "rating",
    "reported_at",
    "accepted_at",
    "dispatched_at",
    "on_site_at",
    "resolved_at",
    "due_accept",
    "due_dispatch",
    "due_arrive",
    "due_resolve",
)


def local_day(ms: int, offset_ms: int) -> int:
    return (ms + offset_ms) // DAY_MS


def month_of(day: int) -> int:
    """The day number of the first day of the local month a day number falls in."""
    d = EPOCH + timedelta(days=day)
    return (d.replace(day=1) - EPOCH).days


def by_month(stage_d: Counter[Key]) -> Counter[Key]:
    """Stage deltas keyed by day, re-keyed by month."""
    out: Counter[Key] = Counter()
    for k, v in stage_d.items():
        if v:
            out[(month_of(k[0]), *k[1:])] += v
    return out


def by_dims(stage_d: Counter[Key]) -> Counter[Key]:
    """Stage deltas keyed (day, stage, street, unit, priority, bucket, value index),
    re-keyed (month, stage, dim, value, bucket, value index) for roll_stages_by; per unit
    in coarse buckets (a unit's p90 to 10 s below 10 min, see buckets.coarse)."""
    out: Counter[Key] = Counter()
    for (day, stage, _street, unit, prio, bk, i), v in stage_d.items():
        if v:
            month = month_of(day)
            out[(month, stage, "unit", unit, coarse(bk), i)] += v
            out[(month, stage, "priority", prio, bk, i)] += v
    return out


def split(items: Iterable[Sequence[Any]], n_key: int) -> Counter[Key]:
    """[key..., values...] lists -> Counter over (key, value index)."""
    out: Counter[Key] = Counter()
    for item in items:
        key = tuple(item[:n_key])
        for i, v in enumerate(item[n_key:]):
            if v:
                out[(*key, i)] += v
    return out


def merge(deltas: Counter[Key], n_key: int, n_val: int) -> dict[Key, list[int]]:
    out: dict[Key, list[int]] = {}
    for k, v in deltas.items():
        if v:
            out.setdefault(k[:n_key], [0] * n_val)[k[n_key]] += v
    return out


def tables_of(
    stage_d: Counter[Key], unit_d: Counter[Key], outcome_d: Counter[Key]
) -> dict[str, dict[Key, list[int]]]:
    """The deltas of the incidents' contributions, per rollup table name: key -> values."""
    n_s, n_v = len(STAGE_KEY), len(STAGE_VAL)
    return {
        "roll_stages": merge(stage_d, n_s, n_v),
        "roll_stages_month": merge(by_month(stage_d), n_s, n_v),
        "roll_stages_by": merge(by_dims(stage_d), len(BY_KEY), n_v),
        "roll_units": merge(unit_d, len(UNIT_KEY), len(UNIT_VAL)),
        "roll_outcomes": merge(outcome_d, len(OUTCOME_KEY), len(OUTCOME_VAL)),
    }
