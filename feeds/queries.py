"""SQL reads for the console and the residents' pages. Functions take a connection, return rows."""

from __future__ import annotations

import math
from dataclasses import dataclass
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
)

from feeds.pipeline import ACTIVE
from feeds.sla import AMBER_SHARE
from feeds.tables import areas, buildings, incidents, units

Row = dict[str, Any]
LEVELS = ("street", "community", "grid", "micro_grid")
SLA_COLOURS = ("red", "amber", "green")
LIST_LIMIT = 300

_c = incidents.c
# The deadline of the stage an open incident is waiting for (NULL once it has left the pipeline).
PENDING_DUE = case(
    (_c.state == "reported", _c.due_accept),
    (_c.state == "accepted", _c.due_dispatch),
    (_c.state == "dispatched", _c.due_arrive),
    (_c.state == "on_site", _c.due_resolve),
    else_=None,
)
AMBER_AT = _c.reported_at + (PENDING_DUE - _c.reported_at) * AMBER_SHARE


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


def sla_colour(row: Row, now: int) -> str | None:
    """The colour of an open incident's pending stage now (None once it left the pipeline)."""
    due = row.get("pending_due")
    if due is None:
        return None
    if due < now:
        return "red"
    amber = row["reported_at"] + (due - row["reported_at"]) * AMBER_SHARE
    return "amber" if amber <= now else "green"


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


LATE_DONE = {
    "accept": (_c.accepted_at, _c.due_accept),
    "dispatch": (_c.dispatched_at, _c.due_dispatch),
    "arrive": (_c.on_site_at, _c.due_arrive),
    "resolve": (_c.resolved_at, _c.due_resolve),
}


def late_stage(stage: str, now: int) -> ColumnElement[bool]:
    """A stage done after its deadline, or still pending past it (in the pipeline)."""
    done, due = LATE_DONE[stage]
    return or_(
        done > due,
        and_(done.is_(None), due < literal(now), _c.state.in_(sorted(ACTIVE))),
    )


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


def incident(conn: Connection, incident_id: str) -> Row | None:
    row = conn.execute(
        select(incidents, PENDING_DUE.label("pending_due")).where(_c.id == incident_id)
    ).first()
    return dict(row._mapping) if row else None


def nearby(
    conn: Connection, row: Row, hours: float = 6.0, metres: float = 500.0, limit: int = 20
) -> list[Row]:
    """Open incidents of the same category near this one, reported in the last hours."""
    if row.get("lon") is None or row.get("lat") is None:
        return []
    dlat = metres / 111_320.0
    dlon = metres / (111_320.0 * max(math.cos(math.radians(row["lat"])), 0.01))
    stmt = (
        select(_c.id, _c.number, _c.state, _c.text, _c.reported_at, _c.lon, _c.lat, _c.grid)
        .where(
            _c.id != row["id"],
            _c.category == row["category"],
            _c.state.in_(sorted(ACTIVE | {"resolved"})),
            _c.reported_at >= row["reported_at"] - int(hours * 3_600_000),
            _c.lon.between(row["lon"] - dlon, row["lon"] + dlon),
            _c.lat.between(row["lat"] - dlat, row["lat"] + dlat),
        )
        .order_by(_c.reported_at.desc())
        .limit(limit)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def around(conn: Connection, row: Row, metres: float = 1_000.0, limit: int = 60) -> list[Row]:
    """Open incidents of any kind near this one: the context its map shows."""
    if row.get("lon") is None or row.get("lat") is None:
        return []
    dlat = metres / 111_320.0
    dlon = metres / (111_320.0 * max(math.cos(math.radians(row["lat"])), 0.01))
    stmt = (
        select(
            _c.id,
            _c.number,
            _c.state,
            _c.category,
            _c.lon,
            _c.lat,
            _c.reported_at,
            PENDING_DUE.label("pending_due"),
        )
        .where(
            _c.id != row["id"],
            _c.state.in_(sorted(ACTIVE)),
            _c.lon.between(row["lon"] - dlon, row["lon"] + dlon),
            _c.lat.between(row["lat"] - dlat, row["lat"] + dlat),
        )
        .order_by(_c.reported_at.desc())
        .limit(limit)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def area_names(conn: Connection, codes: list[str | None]) -> dict[str, str]:
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    stmt = select(areas.c.code, areas.c.name).where(areas.c.code.in_(wanted))
    return {code: name for code, name in conn.execute(stmt)}


def area_options(conn: Connection, level: str, parent: str | None = None) -> list[Row]:
    stmt = select(areas.c.code, areas.c.name, areas.c.name_en).where(areas.c.level == level)
    if parent:
        stmt = stmt.where(areas.c.parent == parent)
    return [dict(r._mapping) for r in conn.execute(stmt.order_by(areas.c.code))]


def area_geometry(conn: Connection, code: str) -> str | None:
    """An area's GeoJSON geometry (text)."""
    value = conn.execute(select(areas.c.geometry).where(areas.c.code == code)).scalar()
    return str(value) if value else None


def district_outline(conn: Connection) -> str | None:
    value = conn.execute(
        select(areas.c.geometry).where(areas.c.level == "district").limit(1)
    ).scalar()
    return str(value) if value else None


def unit_rows(conn: Connection) -> list[Row]:
    stmt = select(units.c.id, units.c.name, units.c.name_en, units.c.kind, units.c.street)
    return [dict(r._mapping) for r in conn.execute(stmt.order_by(units.c.id))]


def building_place(conn: Connection, code: str) -> Row | None:
    """A building by its address code, with the names of its grid, community and street."""
    b = conn.execute(select(buildings).where(buildings.c.code == code)).first()
    if b is None:
        return None
    out: Row = dict(b._mapping)
    parent: str | None = b.micro_grid
    chain: dict[str, str] = {}
    while parent:
        a = conn.execute(
            select(areas.c.code, areas.c.level, areas.c.name, areas.c.parent).where(
                areas.c.code == parent
            )
        ).first()
        if a is None:
            break
        chain[a.level] = a.name
        parent = a.parent
    out.update({f"{level}_name": chain.get(level, "") for level in LEVELS})
    return out


def satisfaction(conn: Connection, since: int) -> tuple[int, float | None]:
    """Ratings given since a moment: how many and their mean."""
    n, mean = conn.execute(
        select(func.count(), func.avg(_c.rating)).where(
            _c.rating.is_not(None), _c.closed_at >= since
        )
    ).one()
    return int(n), float(mean) if mean is not None else None
