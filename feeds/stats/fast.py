"""The stage figures read from the rollups: done stages from roll_stages (a histogram per
day, street, charged unit and priority; whole months from roll_stages_month, or from
roll_stages_by when no street is asked for; most of a month as the month less its other
days), the open incidents past a deadline from the raw rows (few: they are what the sweep
flags)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)

from feeds.pipeline import ACTIVE, STAGES
from feeds.stats.buckets import bounds
from feeds.stats.holders import CENTRE, CENTRE_STAGES, DONE, holder_at
from feeds.stats.period import Period
from feeds.stats.rollup import timelines_of
from feeds.stats.sql import c, day_of_number, in_period, number_of_day, share
from feeds.tables import roll_stages, roll_stages_by, roll_stages_month

Row = dict[str, Any]
Key = tuple[str, str]  # (group, stage)
Runs = list[tuple[int, int]]  # runs of local day numbers, inclusive


def usable(p: Period, by: str) -> bool:
    """Whole local days, and an area the rollups keep (none, or a street)."""
    return p.whole_days and (p.area is None or (p.area_level == "street" and by != "unit"))


def spans(p: Period) -> tuple[list[int], list[tuple[int, int]]]:
    """The period as whole local months (their first day numbers, for roll_stages_month)
    and the runs of days left over (day number ranges, for roll_stages)."""
    months: list[int] = []
    days: list[tuple[int, int]] = []
    d = p.first
    while d <= p.last:
        end = (d.replace(day=1) + timedelta(32)).replace(day=1) - timedelta(1)
        if d.day == 1 and end <= p.last:
            months.append(number_of_day(d))
        else:
            days.append((number_of_day(d), number_of_day(min(end, p.last))))
        d = min(end, p.last) + timedelta(1)
    return months, days


def pending_late(conn: Connection, p: Period, now: int) -> list[tuple[Row, str, str]]:
    """(row, stage, charged unit) of the open incidents of the period still waiting for a
    stage whose deadline has passed."""
    late_any = or_(*(and_(c[DONE[s]].is_(None), c[f"due_{s}"] < literal(now)) for s in STAGES))
    cols = [c.id, c.state, c.priority, c.street, *(c[DONE[s]] for s in STAGES)]
    cols += [c[f"due_{s}"] for s in STAGES]
    stmt = select(*cols).where(in_period(p), c.state.in_(sorted(ACTIVE)), late_any)
    rows = [dict(r._mapping) for r in conn.execute(stmt)]
    tls = timelines_of(conn, [r["id"] for r in rows])
    out: list[tuple[Row, str, str]] = []
    for r in rows:
        for s in STAGES:
            due = r[f"due_{s}"]
            if r[DONE[s]] is None and due < now:
                unit = CENTRE if s in CENTRE_STAGES else holder_at(tls.get(r["id"], ((), ())), due)
                out.append((r, s, unit))
    return out


def _minus_days(
    p: Period, group: str
) -> tuple[list[int], list[tuple[int, int]], list[tuple[int, int]]]:
    """The period as months to add, runs of days to add and runs of days to take away:
    a run covering more than half its month is read as the month less the days outside
    it (30 days of a month: the month's few thousand rows and a day's, not 30 days').
    Not per unit: the month rows per unit are in coarse buckets, the day rows are not."""
    months, days = spans(p)
    if group == "unit":
        return months, days, []
    plus: Runs = []
    minus: Runs = []
    for a, b in days:
        first = day_of_number(a).replace(day=1)
        m0 = number_of_day(first)
        m1 = number_of_day((first + timedelta(32)).replace(day=1)) - 1
        if 2 * (b - a + 1) > m1 - m0 + 1:
            months.append(m0)
            minus.extend(r for r in ((m0, a - 1), (b + 1, m1)) if r[0] <= r[1])
        else:
            plus.append((a, b))
    return sorted(months), plus, minus


def _histograms(p: Period, group: str, wanted: tuple[str, ...]) -> list[Select[tuple[Any, ...]]]:
    """(g, stage, bucket, n, on_time) rows of the rollups covering the period (day rows
    taken away from their month with n and on_time negated)."""
    months, days, minus = _minus_days(p, group)
    parts: list[Select[tuple[Any, ...]]] = []
    for table, when, sign in (
        (roll_stages_month, roll_stages_month.c.month.in_(months) if months else None, 1),
        (roll_stages, _day_runs(days), 1),
        (roll_stages, _day_runs(minus), -1),
    ):
        if when is None:
            continue
        rs = table.c
        cond: list[ColumnElement[bool]] = [when, rs.stage.in_(wanted)]
        gcol = rs[group] if group else literal("")
        if table is roll_stages_month and p.area is None and group != "street":
            # the same months summed over fewer rows: per unit, or per priority (for all)
            rs = roll_stages_by.c
            dim = "unit" if group == "unit" else "priority"
            cond = [rs.month.in_(months), rs.stage.in_(wanted), rs.dim == dim]
            gcol = rs.value if group else literal("")
        elif p.area_level == "street":
            cond.append(rs.street == p.area)
        n, on_time = (rs.n, rs.on_time) if sign > 0 else (-rs.n, -rs.on_time)
        parts.append(
            select(
                gcol.label("g"),
                rs.stage.label("stage"),
                rs.bucket.label("bucket"),
                n.label("n"),
                on_time.label("on_time"),
            ).where(*cond)
        )
    return parts


def _day_runs(runs: Runs) -> ColumnElement[bool] | None:
    return or_(*(roll_stages.c.day.between(a, b) for a, b in runs)) if runs else None


def stage_table(
    conn: Connection, p: Period, now: int, group: str, stages: Iterable[str] = STAGES
) -> dict[Key, Row]:
    """Per (group value, stage): due, on_time, share, p90_s; ``group`` is "" (all),
    "street", "unit" or "priority". The database sums the histograms and finds each
    p90 bucket (a running sum over the buckets), so only a row per group and stage
    comes back, not the tens of thousands of buckets."""
    wanted = tuple(stages)
    n: dict[Key, int] = {}
    ok: dict[Key, int] = {}
    p90: dict[Key, int | None] = {}
    parts = _histograms(p, group, wanted)
    if parts:
        rows = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
        h = (
            select(
                rows.c.g,
                rows.c.stage,
                rows.c.bucket,
                func.sum(rows.c.n).label("n"),
                func.sum(rows.c.on_time).label("on_time"),
            )
            .group_by(rows.c.g, rows.c.stage, rows.c.bucket)
            .subquery()
        )
        by = (h.c.g, h.c.stage)
        running = (
            select(
                h.c.g,
                h.c.stage,
                h.c.bucket,
                h.c.on_time,
                func.sum(h.c.n)
                .over(partition_by=by, order_by=h.c.bucket, rows=(None, 0))
                .label("seen"),
                func.sum(h.c.n).over(partition_by=by).label("total"),
            )
        ).subquery()
        r = running.c
        reached = case((r.seen * 10 >= r.total * 9, r.bucket), else_=None)
        stmt = select(
            r.g, r.stage, func.max(r.total), func.sum(r.on_time), func.min(reached)
        ).group_by(r.g, r.stage)
        for g, stage, total, on, bk in conn.execute(stmt):
            if not int(total):  # nothing done (all taken away, or rows gone to zero)
                continue
            k = (str(g), str(stage))
            n[k], ok[k] = int(total), int(on)
            p90[k] = bounds(int(bk))[1] - 1 if int(total) and bk is not None else None
    for row, stage, unit in pending_late(conn, p, now):
        if stage not in wanted:
            continue
        g = {"": "", "street": row["street"] or "", "unit": unit, "priority": row["priority"]}[
            group
        ]
        n[(g, stage)] = n.get((g, stage), 0) + 1
    out: dict[Key, Row] = {}
    for k in sorted(n):
        out[k] = {
            "due": n[k],
            "on_time": ok.get(k, 0),
            "share": share(ok.get(k, 0), n[k]),
            "p90_s": p90.get(k),
        }
    return out
