"""Rows built from events: incidents, trail entries, dead letters. Pure."""

from __future__ import annotations

import json
from typing import Any

from feeds.pipeline import PENDING, Incident, Stage
from feeds.reference import Place
from feeds.routing import Suggestion
from feeds.schemas import Action, Report

Row = dict[str, Any]


def incident_row(
    report: Report, place: Place, due: dict[Stage, int], suggestion: Suggestion | None
) -> Row:
    return {
        "id": report.id,
        "source": report.source,
        "kind": report.kind,
        "category": report.category,
        "priority": report.priority,
        "text": report.text,
        "photos": json.dumps(list(report.photos)),
        "voice": report.voice,
        "lon": place.lon,
        "lat": place.lat,
        "address": report.address,
        "micro_grid": place.micro_grid,
        "grid": place.grid,
        "community": place.community,
        "street": place.street,
        "contact": report.contact,
        "reporter": report.reporter,
        "state": "reported",
        "unit": None,
        "suggested_unit": suggestion.unit if suggestion else None,
        "joint_units": "[]",
        "rating": None,
        "merged_into": None,
        "reject_reason": "",
        "resolution": "",
        "reported_at": report.ts,
        "accepted_at": None,
        "dispatched_at": None,
        "on_site_at": None,
        "resolved_at": None,
        "closed_at": None,
        "due_accept": due["accept"],
        "due_dispatch": due["dispatch"],
        "due_arrive": due["arrive"],
        "due_resolve": due["resolve"],
        "sweep_at": due["accept"],
        "late": "",
        "updated_at": report.ts,
    }


def report_trail(report: Report, suggestion: Suggestion | None) -> Row:
    detail: dict[str, Any] = {"source": report.source, "category": report.category}
    if suggestion:
        detail["suggested_unit"] = suggestion.unit
        detail["rule"] = suggestion.rule
    return {
        "event_id": report.id,
        "incident_id": report.id,
        "action": "report",
        "actor": report.reporter or report.source,
        "at": report.ts,
        "detail": json.dumps(detail, ensure_ascii=False),
    }


def action_trail(action: Action, kind: str | None = None) -> Row:
    detail = {
        k: v
        for k, v in (
            ("unit", action.unit),
            ("units", list(action.units) or None),
            ("note", action.note or None),
            ("reason", action.reason or None),
            ("rating", action.rating),
            ("into", action.into),
        )
        if v is not None
    }
    return {
        "event_id": action.id,
        "incident_id": action.incident,
        "action": kind or action.action,
        "actor": action.actor,
        "at": action.ts,
        "detail": json.dumps(detail, ensure_ascii=False),
    }


def system_trail(event_id: str, incident_id: str, kind: str, at: int, **detail: Any) -> Row:
    return {
        "event_id": event_id,
        "incident_id": incident_id,
        "action": kind,
        "actor": "system",
        "at": at,
        "detail": json.dumps(detail, ensure_ascii=False),
    }


def late_of(row: Row) -> set[str]:
    """The stages already flagged overdue (the ``late`` column: a comma list)."""
    return set(filter(None, row["late"].split(",")))


def sweep_at(inc: Incident, row: Row, late: set[str]) -> int | None:
    stage = PENDING.get(inc.state)
    if stage is None or stage in late:
        return None
    return int(row[f"due_{stage}"])


def dead_entry(stream: str, entry_id: str, fields: dict[str, str], reason: str, at: int) -> Row:
    """A dead letter as the dead-letter stream holds it (``dead_row``: as SQL does)."""
    return {
        "stream": stream,
        "entry": entry_id,
        "reason": reason,
        "fields": json.dumps(fields, ensure_ascii=False),
        "at": at,
    }


def dead_row(stream: str, entry_id: str, fields: dict[str, str], reason: str, at: int) -> Row:
    return {
        "stream": stream,
        "entry_id": entry_id,
        "reason": reason[:1000],
        "fields": json.dumps(fields, ensure_ascii=False),
        "at": at,
    }
