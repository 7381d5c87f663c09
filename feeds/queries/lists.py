"""The incidents list: its filters, the rows they match (at most LIST_LIMIT) and their
count, and the ratings given since a moment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, case, func, literal, or_, select

from feeds.pipeline import ACTIVE
from feeds.queries.deadlines import AMBER_AT, LATE_DONE, PENDING_DUE, late_stage
from feeds.tables import incidents

Row = dict[str, Any]
LIST_LIMIT = 300

_c = incidents.c


@dataclass(frozen=True)
class Filters:
    states: tuple[str, ...] = ()
    sla: str = ""  # red, amber, green: the colour of the pending stage now
    category: str = ""
    source: str = ""
    street: str = ""
    community: str = ""
    grid: str = ""  # a grid or a micro-grid code
    text: str = ""  # in the id, the text or the address code
    since: int | None = None  # reported at or after (ms)
    # What the figures link to (feeds/stats/links.py): each narrows the list exactly.
    until: int | None = None  # reported before (ms)
    kind: str = ""
    priority: str = ""
    unit: str = ""  # the unit holding it now (or last)
    address: str = ""  # a building's address code
    late: str = ""  # a stage (accept, dispatch, arrive, resolve) done late or overdue now
    hour: int | None = None  # local hour of day it was reported in, 0-23
    hour_offset_ms: int = 0  # the local zone's UTC offset, for ``hour``
    rating: int | None = None  # rated 1-5


def _where(f: Filters, now: int) -> list[ColumnElement[bool]]:
    w: list[ColumnElement[bool]] = []
    if f.states:
        w.append(_c.state.in_(f.states))
    if f.sla == "red":
        w.append(literal(now) > PENDING_DUE)
    elif f.sla == "amber":
        w.append(and_(literal(now) <= PENDING_DUE, literal(now) >= AMBER_AT))
    elif f.sla == "green":
        w.append(literal(now) < AMBER_AT)
    if f.category:
        w.append(_c.category == f.category)
    if f.source:
        w.append(_c.source == f.source)
    if f.street:
        w.append(_c.street == f.street)
    if f.community:
        w.append(_c.community == f.community)
    if f.grid:
        w.append(or_(_c.grid == f.grid, _c.micro_grid == f.grid))
    if f.text:
        t = f.text.strip()[:100]
        w.append(
            or_(
                _c.id.contains(t, autoescape=True),
                _c.number.contains(t, autoescape=True),
                _c.text.contains(t, autoescape=True),
                _c.address.contains(t, autoescape=True),
            )
        )
    if f.since is not None:
        w.append(_c.reported_at >= f.since)
    if f.until is not None:
        w.append(_c.reported_at < f.until)
    if f.kind:
        w.append(_c.kind == f.kind)
    if f.priority:
        w.append(_c.priority == f.priority)
    if f.unit:
        w.append(_c.unit == f.unit)
    if f.address:
        w.append(_c.address == f.address)
    if f.late in LATE_DONE:
        w.append(late_stage(f.late, now))
    if f.hour is not None:
        w.append((_c.reported_at + f.hour_offset_ms) // 3_600_000 % 24 == f.hour)
    if f.rating is not None:
        w.append(_c.rating == f.rating)
    return w


def count_incidents(conn: Connection, f: Filters, now: int) -> int:
    """How many incidents the filters match (the list shows at most LIST_LIMIT)."""
    stmt = select(func.count()).select_from(incidents).where(*_where(f, now))
    return int(conn.execute(stmt).scalar_one())


def list_stmt(f: Filters, now: int, limit: int = LIST_LIMIT) -> Select[Any]:
    """Late first: open incidents by their pending deadline, then the rest newest first."""
    return (
        select(
            _c.id,
            _c.number,
            _c.state,
            _c.source,
            _c.kind,
            _c.category,
            _c.priority,
            _c.text,
            _c.lon,
            _c.lat,
            _c.street,
            _c.community,
            _c.grid,
            _c.micro_grid,
            _c.unit,
            _c.contact,
            _c.reported_at,
            PENDING_DUE.label("pending_due"),
        )
        .where(*_where(f, now))
        .order_by(
            case((_c.state.in_(sorted(ACTIVE)), 0), else_=1),
            PENDING_DUE,
            _c.reported_at.desc(),
        )
        .limit(limit)
    )


def list_incidents(conn: Connection, f: Filters, now: int, limit: int = LIST_LIMIT) -> list[Row]:
    return [dict(r._mapping) for r in conn.execute(list_stmt(f, now, limit))]


def satisfaction(conn: Connection, since: int) -> tuple[int, float | None]:
    """Ratings given since a moment: how many and their mean."""
    n, mean = conn.execute(
        select(func.count(), func.avg(_c.rating)).where(
            _c.rating.is_not(None), _c.closed_at >= since
        )
    ).one()
    return int(n), float(mean) if mean is not None else None
