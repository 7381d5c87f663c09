"""SQL reads for the console and the residents' pages. Functions take a connection, return rows.

Modules: ``deadlines`` (the pending stage's due time, its colour, stages done late),
``lists`` (the incidents list: filters, rows, counts, ratings), ``detail`` (one incident
and those near it), ``reference`` (areas, buildings, units). Every public name is
re-exported here: ``from feeds import queries`` then ``queries.incident(...)``.
"""

from __future__ import annotations

from feeds.queries.deadlines import (
    AMBER_AT,
    LATE_DONE,
    PENDING_DUE,
    SLA_COLOURS,
    Row,
    late_stage,
    sla_colour,
)
from feeds.queries.detail import around, incident, nearby
from feeds.queries.lists import (
    LIST_LIMIT,
    Filters,
    count_incidents,
    list_incidents,
    list_stmt,
    satisfaction,
)
from feeds.queries.reference import (
    LEVELS,
    area_geometry,
    area_names,
    area_options,
    building_place,
    district_outline,
    unit_rows,
)

__all__ = [
    "AMBER_AT",
    "LATE_DONE",
    "LEVELS",
    "LIST_LIMIT",
    "PENDING_DUE",
    "SLA_COLOURS",
    "Filters",
    "Row",
    "area_geometry",
    "area_names",
    "area_options",
    "around",
    "building_place",
    "count_incidents",
    "district_outline",
    "incident",
    "late_stage",
    "list_incidents",
    "list_stmt",
    "nearby",
    "satisfaction",
    "sla_colour",
    "unit_rows",
]
