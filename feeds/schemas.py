"""Event schemas: what producers XADD, validated at the boundary.

Entries are flat string fields (see docs/feeds.md). ``decode_*`` turns a
stream entry's fields into a typed, frozen event or raises ``InvalidEntry``
with a reason a person can read; ``encode`` does the reverse for producers.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal, TypeVar

import msgspec
from msgspec import Meta

from feeds.vocab import CATEGORIES

EventId = Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,79}$")]
Millis = Annotated[int, Meta(gt=0, lt=10**14)]
Lon = Annotated[float, Meta(ge=-180, le=180)]
Lat = Annotated[float, Meta(ge=-90, le=90)]
Code = Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")]
ShortText = Annotated[str, Meta(max_length=200)]
LongText = Annotated[str, Meta(max_length=2000)]
MediaRef = Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/\-]{0,199}$")]

Source = Literal["qr", "patrol", "hotline", "sensor"]
ReportKind = Literal["complaint", "enquiry", "suggestion", "finding", "alarm"]
Priority = Literal["urgent", "ordinary"]
ActionKind = Literal[
    "accept",
    "dispatch",
    "reassign",
    "arrive",
    "resolve",
    "close",
    "rate",
    "reject",
    "merge",
    "escalate",
    "comment",
    "reveal",
]


class InvalidEntry(ValueError):
    """A stream entry that cannot be applied; the message is the reason."""


class Report(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    id: EventId
    source: Source
    kind: ReportKind
    category: str
    ts: Millis
    text: LongText = ""
    photos: tuple[MediaRef, ...] = ()
    voice: MediaRef | None = None
    lon: Lon | None = None
    lat: Lat | None = None
    address: Code | None = None
    contact: Annotated[str, Meta(pattern=r"^\+?[0-9 \-]{5,20}$")] | None = None
    priority: Priority = "ordinary"
    reporter: ShortText | None = None


class SensorReading(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    id: EventId
    sensor: Code
    kind: Code
    value: float
    unit: Annotated[str, Meta(max_length=16)]
    ts: Millis
    lon: Lon | None = None
    lat: Lat | None = None
    zone: Code | None = None


class Action(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    id: EventId
    incident: EventId
    action: ActionKind
    actor: ShortText
    ts: Millis
    unit: Code | None = None
    units: tuple[Code, ...] = ()
    note: LongText = ""
    reason: ShortText = ""
    rating: Annotated[int, Meta(ge=1, le=5)] | None = None
    into: EventId | None = None


Event = Report | SensorReading | Action
E = TypeVar("E", Report, SensorReading, Action)

_LIST_FIELDS = {"photos", "units"}


def _decode(fields: dict[str, str], cls: type[E]) -> E:
    if "" not in fields.values() and not (_LIST_FIELDS & fields.keys()):
        try:  # the common case, on the hot path: nothing to unpack first
            return msgspec.convert(fields, cls, strict=False)
        except msgspec.ValidationError as exc:
            raise InvalidEntry(str(exc)) from exc
    data: dict[str, Any] = dict(fields)
    for name in _LIST_FIELDS & data.keys():
        raw = data[name]
        try:
            data[name] = json.loads(raw) if raw else []
        except ValueError as exc:
            raise InvalidEntry(f"{name}: not a JSON array") from exc
    for name in [k for k, v in data.items() if v == ""]:
        if name not in ("text", "note", "reason"):
            del data[name]  # empty optional field = absent
    try:
        return msgspec.convert(data, cls, strict=False)
    except msgspec.ValidationError as exc:
        raise InvalidEntry(str(exc)) from exc


def decode_report(fields: dict[str, str]) -> Report:
    report = _decode(fields, Report)
    if report.category not in CATEGORIES:
        raise InvalidEntry(f"unknown category {report.category!r}")
    if report.address is None and (report.lon is None or report.lat is None):
        raise InvalidEntry("a report needs lon and lat, or an address code")
    if len(report.photos) > 3:
        raise InvalidEntry("at most three photos")
    return report


def decode_reading(fields: dict[str, str]) -> SensorReading:
    try:  # tens of thousands a second: straight to msgspec when the entry is clean
        return msgspec.convert(fields, SensorReading, strict=False)
    except msgspec.ValidationError:
        return _decode(fields, SensorReading)  # empty optionals, or a real error with its reason


def decode_action(fields: dict[str, str]) -> Action:
    action = _decode(fields, Action)
    need = {
        "dispatch": action.unit,
        "reassign": action.unit,
        "rate": action.rating,
        "reject": action.reason or None,
        "merge": action.into,
    }
    if action.action in need and need[action.action] is None:
        field = {"rate": "rating", "reject": "reason", "merge": "into"}.get(action.action, "unit")
        raise InvalidEntry(f"{action.action} needs {field}")
    if action.action == "escalate" and not action.units:
        raise InvalidEntry("escalate needs units")
    if action.into == action.incident:
        raise InvalidEntry("an incident cannot be merged into itself")
    return action


def encode(event: Event) -> dict[str, str]:
    """Fields for XADD: strings only, absent optionals left out."""
    out: dict[str, str] = {"v": "1"}
    for name in event.__struct_fields__:
        value = getattr(event, name)
        if value is None or value == () or value == "":
            continue
        if isinstance(value, tuple):
            out[name] = json.dumps(list(value), ensure_ascii=False)
        else:
            out[name] = str(value)
    return out
