"""How many incidents were reported: in all, by source/kind/category, by area, by hour,
by day or month. Counted by report time; merged and rejected ones count (they were
reported)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, Connection, func, select

from feeds.stats import links, residents
from feeds.stats.period import Period
from feeds.stats.sql import (
    c,
    day_of_number,
    in_period,
    local_day,
    local_hour,
    names,
    number_of_day,
)
from feeds.tables import roll_counts, roll_hours

Dim = Literal["source", "kind", "category", "priority"]
Level = Literal["street", "community", "grid"]
Row = dict[str, Any]
DIMS: tuple[Dim, ...] = ("source", "kind", "category", "priority")


def _grouped(conn: Connection, p: Period, dim: str | None) -> dict[Any, int]:
    """Reports per value of a column (or in all, key None): from roll_counts (roll_hours
    for the hour) for whole-day periods, else from the raw rows."""
    if p.whole_days:
        table = roll_hours if dim == "hour" else roll_counts
        t = table.c
        cond: list[ColumnElement[bool]] = [
            t.day.between(number_of_day(p.first), number_of_day(p.last))
        ]
        if p.area_level in ("street", "community", "grid"):
            cond.append(t[p.area_level] == p.area)
        if dim is None:
            return {
                None: int(
                    conn.execute(select(func.coalesce(func.sum(t.n), 0)).where(*cond)).scalar_one()
                )
            }
        col: Any = t[dim]
        stmt = select(col, func.sum(t.n)).where(*cond).group_by(col)
        return {k: int(n) for k, n in conn.execute(stmt) if k not in (None, "")}
    if dim is None:
        return {None: int(conn.execute(select(func.count()).where(in_period(p))).scalar_one())}
    col = local_hour(p) if dim == "hour" else local_day(p) if dim == "day" else c[dim]
    stmt = select(col, func.count()).where(in_period(p), col.is_not(None)).group_by(col)
    return {k: int(n) for k, n in conn.execute(stmt)}


def total(conn: Connection, p: Period) -> Row:
    n = _grouped(conn, p, None)[None]
    return {"n": int(n), "filter": links.of(p)}


def by(conn: Connection, p: Period, dim: Dim) -> list[Row]:
    """Counts per value of ``dim``, largest first."""
    if dim not in DIMS:
        raise ValueError(f"unknown dimension {dim!r}")
    rows = [(str(k), n) for k, n in _grouped(conn, p, dim).items()]
    rows.sort(key=lambda kn: (-kn[1], kn[0]))
    return [{"key": k, "n": n, "filter": links.of(p, **{dim: k})} for k, n in rows]


def ranking(conn: Connection, p: Period, level: Level) -> Row:
    """Every area of a level with its count, per 10,000 residents and per grid; ranked
    by count per 10,000 residents (most first), or by count where residents are
    unknown. ``residents_source`` says where the residents come from."""
    if level not in ("street", "community", "grid"):
        raise ValueError(f"unknown level {level!r}")
    counts = {str(k): n for k, n in _grouped(conn, p, level).items()}
    area = names(conn, level)
    people = residents.of(conn)
    grids_in = _grids_in(conn, level)
    rows: list[Row] = []
    for code, (name, name_en, _parent) in area.items():
        if p.area and not (code == p.area or code.startswith(p.area + "-")):
            continue
        n = counts.get(code, 0)
        pop = people.get(code, (0, ""))[0]
        g = grids_in.get(code, 0)
        rows.append(
            {
                "code": code,
                "name": name,
                "name_en": name_en,
                "n": n,
                "residents": pop or None,
                "per_10k": n * 10_000 / pop if pop else None,
                "grids": g,
                "per_grid": n / g if g else None,
                "filter": links.of(p, **{level: code}),
            }
        )
    rows.sort(key=lambda r: (-(r["per_10k"] if r["per_10k"] is not None else r["n"]), r["code"]))
    for i, r in enumerate(rows, start=1):
        r["rank"] = i
    sources = sorted({people[r["code"]][1] for r in rows if r["code"] in people})
    return {
        "level": level,
        "rows": rows,
        "by": "per_10k" if sources else "n",
        "residents_source": "; ".join(sources) or None,
    }


def _grids_in(conn: Connection, level: Level) -> dict[str, int]:
    grids = names(conn, "grid")
    if level == "grid":
        return dict.fromkeys(grids, 1)
    community = names(conn, "community")
    out: dict[str, int] = {}
    for _, (_n, _e, parent) in grids.items():
        if parent is None:
            continue
        key = parent if level == "community" else community.get(parent, ("", "", None))[2]
        if key:
            out[key] = out.get(key, 0) + 1
    return out


def hourly(conn: Connection, p: Period) -> list[Row]:
    """24 values: reports per local hour of day over the period."""
    got = {int(h): n for h, n in _grouped(conn, p, "hour").items()}
    return [{"hour": h, "n": got.get(h, 0), "filter": links.of(p, hour=h)} for h in range(24)]


def daily(conn: Connection, p: Period) -> list[Row]:
    """Reports per local day of the period, every day listed."""
    got = {day_of_number(int(d)): n for d, n in _grouped(conn, p, "day").items()}
    out = []
    for d in p.day_list():
        one = Period.days(d, d, p.tz).within(p.area)
        out.append({"day": d.isoformat(), "n": got.get(d, 0), "filter": links.of(one)})
    return out


def trend_days(
    conn: Connection, last: date, tz: str, days: int = 30, area: str | None = None
) -> list[Row]:
    """Reports per day for the ``days`` days ending with ``last``."""
    return daily(conn, Period.days(last - timedelta(days - 1), last, tz).within(area))


def trend_months(
    conn: Connection, last: date, tz: str, months: int = 12, area: str | None = None
) -> list[Row]:
    """Reports per calendar month for the ``months`` months ending with ``last``'s."""
    firsts = [last.replace(day=1)]
    for _ in range(months - 1):
        firsts.append((firsts[-1] - timedelta(1)).replace(day=1))
    firsts.reverse()
    whole = Period.days(firsts[0], _month_end(firsts[-1]), tz).within(area)
    per_day = {r["day"]: r["n"] for r in daily(conn, whole)}
    out = []
    for f in firsts:
        m = Period.days(f, _month_end(f), tz).within(area)
        n = sum(per_day.get(d.isoformat(), 0) for d in m.day_list())
        out.append({"month": f.strftime("%Y-%m"), "n": n, "filter": links.of(m)})
    return out


def _month_end(first: date) -> date:
    return (first + timedelta(32)).replace(day=1) - timedelta(1)
