"""What each part of the figures page (and the reports) reads, from the figures API
(feeds.stats), as plain JSON-able data. One function per section, so that the page
fetches its sections in parallel and a report reads the ones it prints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from sqlalchemy import Connection

from feeds import freshness, queries
from feeds.stats import (
    compliance,
    counts,
    league,
    patrolling,
    places,
    satisfaction,
    sensing,
    supervision,
)
from feeds.stats import headline as figures_headline
from feeds.stats.period import Period, last_year, previous
from feeds.stats.sql import names

Data = dict[str, Any]
TREND_MONTHS_FROM_DAYS: Final = 62  # longer periods get the 12-month trend


def headline(conn: Connection, p: Period, now: int) -> Data:
    """The headline figures for the period, the previous one and a year before."""
    late_now = supervision.late_now(conn, now, limit=0)
    now_ = figures_headline.headline(conn, p, now)
    return {
        "now": now_,
        "previous": figures_headline.headline(conn, previous(p), now),
        "last_year": figures_headline.headline(conn, last_year(p), now),
        "late_now": late_now["n"],
        "late_now_filter": late_now["filter"],
        "filter": now_["filter"],
    }


def by_dims(conn: Connection, p: Period, now: int) -> Data:
    return {dim: counts.by(conn, p, dim) for dim in ("source", "kind", "category")}


def areas(conn: Connection, p: Period, now: int) -> Data:
    return {level: counts.ranking(conn, p, level) for level in ("street", "community", "grid")}


def time(conn: Connection, p: Period, now: int) -> Data:
    before = previous(p)
    if p.n_days > TREND_MONTHS_FROM_DAYS:
        trend = {"unit": "month", "rows": counts.trend_months(conn, p.last, p.tz, 12)}
    else:
        trend = {"unit": "day", "rows": counts.trend_days(conn, p.last, p.tz, max(30, p.n_days))}
    return {
        "hourly": counts.hourly(conn, p),
        "hourly_previous": counts.hourly(conn, before),
        "days": p.n_days,
        "previous_days": before.n_days,
        "trend": trend,
    }


def pipeline(conn: Connection, p: Period, now: int) -> Data:
    streets = {k: v[0] for k, v in names(conn, "street").items()}
    streets_en = {k: v[1] for k, v in names(conn, "street").items()}
    units = {u["id"]: u for u in queries.unit_rows(conn)}
    return {
        "all": compliance.compliance(conn, p, now),
        "street": compliance.compliance(conn, p, now, by="street"),
        "unit": compliance.compliance(conn, p, now, by="unit"),
        "names": {
            "street": streets,
            "street_en": streets_en,
            "unit": {k: u["name"] for k, u in units.items()},
            "unit_en": {k: u["name_en"] for k, u in units.items()},
        },
    }


def closure(conn: Connection, p: Period, now: int) -> Data:
    return compliance.closure(conn, p, now)


def late(conn: Connection, p: Period, now: int) -> Data:
    return {
        "now": supervision.late_now(conn, now),
        "period": supervision.late_in_period(conn, p, now),
    }


def units(conn: Connection, p: Period, now: int) -> Data:
    return league.league(conn, p, now)


def ratings(conn: Connection, p: Period, now: int) -> Data:
    return satisfaction.satisfaction(conn, p)


def repeats(conn: Connection, p: Period, now: int) -> Data:
    return {place: places.repeats(conn, p, place) for place in ("building", "grid")}


def sensors(conn: Connection, p: Period, now: int) -> Data:
    return {"alarms": sensing.alarms(conn, p), "crowd": sensing.crowd_peaks(conn, p)}


def patrols(conn: Connection, p: Period, now: int) -> Data:
    return {
        "coverage": patrolling.coverage(conn, p),
        "days": patrolling.days_without_patrol(conn, p),
        "fresh": freshness.per_grid(conn, now),  # as of now: only the latest update is kept
    }


FETCH: Final[dict[str, Callable[[Connection, Period, int], Data]]] = {
    "headline": headline,
    "counts": by_dims,
    "areas": areas,
    "time": time,
    "compliance": pipeline,
    "closure": closure,
    "supervision": late,
    "units": units,
    "satisfaction": ratings,
    "repeats": repeats,
    "sensors": sensors,
    "patrols": patrols,
}


def fetch(conn: Connection, section: str, p: Period, now: int) -> Data:
    if section not in FETCH:
        raise KeyError(f"no figures section {section!r}")
    return FETCH[section](conn, p, now)
