"""Event schemas: what producers XADD, validated at the boundary.

Entries are flat string fields (see docs/feeds.md). ``decode_*`` turns a
stream entry's fields into a typed, frozen event or raises ``InvalidEntry``
with a reason a person can read; ``encode`` does the reverse for producers.
"""

from __future__ import annotations

import json
import math
import re
from typing import Annotated, Any, Literal, TypeVar

import msgspec
from msgspec import Meta

from feeds import constants as K
from feeds.vocab import CATEGORIES
from layers.coords import CRS_NAMES, point_to_wgs84

EventId = Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,79}$")]
Millis = Annotated[int, Meta(gt=0, lt=10**14)]
Lon = Annotated[float, Meta(ge=-180, le=180)]
Lat = Annotated[float, Meta(ge=-90, le=90)]
Code = Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")]
ShortText = Annotated[str, Meta(max_length=200)]
LongText = Annotated[str, Meta(max_length=2000)]
# A media reference is the name our media store gave the file (feeds/media.py): no
# folders, no dots but the extension's, nothing a browser could resolve to another path.
MEDIA_NAME = r"^[a-z0-9]{8,64}\.(jpg|png|webp|m4a|mp3|ogg|webm|amr|wav)$"
_MEDIA = re.compile(MEDIA_NAME)
MediaRef = Annotated[str, Meta(max_length=200)]  # checked against MEDIA_NAME in decode_report
# The system lon/lat are in (wire format v4): wgs84 when absent; checked in _in_wgs84.
CrsName = Annotated[str, Meta(max_length=40)]

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
    crs: CrsName | None = None


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
    crs: CrsName | None = None


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


class Patrol(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    """A grid worker's check-in at a building on patrol (wire format v2): logged whether
    or not anything was found."""

    id: EventId
    worker: ShortText
    address: Code
    ts: Millis
    found: Literal["nothing", "issue"] = "nothing"
    report: EventId | None = None  # the report raised from it, when something was found
    note: ShortText = ""


Event = Report | SensorReading | Action | Patrol
E = TypeVar("E", Report, SensorReading, Action, Patrol)
Placed = TypeVar("Placed", Report, SensorReading)

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
        if name not in ("text", "note", "reason", "worker"):
            del data[name]  # empty optional field = absent
    try:
        return msgspec.convert(data, cls, strict=False)
    except msgspec.ValidationError as exc:
        raise InvalidEntry(str(exc)) from exc


def _in_wgs84(event: Placed) -> Placed:
    """The event with its lon/lat converted from the `crs` it declares to WGS-84."""
    crs = event.crs
    if crs is None or crs == "wgs84":
        return event
    if crs not in CRS_NAMES:
        raise InvalidEntry(
            f"crs: unknown coordinate system {crs!r} (one of {', '.join(CRS_NAMES)})"
        )
    if event.lon is None or event.lat is None:
        return msgspec.structs.replace(event, crs="wgs84")
    lon, lat = point_to_wgs84(event.lon, event.lat, crs)
    return msgspec.structs.replace(event, lon=lon, lat=lat, crs="wgs84")


def decode_report(fields: dict[str, str]) -> Report:
    report = _in_wgs84(_decode(fields, Report))
    if report.category not in CATEGORIES:
        raise InvalidEntry(f"unknown category {report.category!r}")
    if report.address is None and (report.lon is None or report.lat is None):
        raise InvalidEntry("a report needs lon and lat, or an address code")
    if len(report.photos) > 3:
        raise InvalidEntry("at most three photos")
    for name, refs in (
        ("photos", report.photos),
        ("voice", (report.voice,) if report.voice else ()),
    ):
        for ref in refs:
            if not _MEDIA.match(ref):
                raise InvalidEntry(
                    f"{name}: {ref!r} is not a media name (the name the media store gave the "
                    "file: 8-64 of a-z 0-9, then .jpg .png .webp .m4a .mp3 .ogg .webm .amr .wav)"
                )
    return report


def decode_reading(fields: dict[str, str]) -> SensorReading:
    try:  # tens of thousands a second: straight to msgspec when the entry is clean
        reading = msgspec.convert(fields, SensorReading, strict=False)
    except msgspec.ValidationError:
        reading = _decode(fields, SensorReading)  # empty optionals, or a real error with its reason
    if reading.crs is not None:
        reading = _in_wgs84(reading)
    lo, hi = K.READING_RANGES.get(reading.kind, K.READING_RANGE_OTHER)
    if not lo <= reading.value <= hi:  # false for NaN too
        raise InvalidEntry(_out_of_range(reading, lo, hi))
    return reading


def _out_of_range(reading: SensorReading, lo: float, hi: float) -> str:
    if not math.isfinite(reading.value):
        return f"value {_nonfinite(reading.value)} is not a finite number"
    return f"{reading.kind} value {reading.value:g} outside {lo:g}..{hi:g} {reading.unit}".rstrip()


def _nonfinite(value: float) -> str:
    return "NaN" if math.isnan(value) else ("inf" if value > 0 else "-inf")


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


def decode_patrol(fields: dict[str, str]) -> Patrol:
    patrol = _decode(fields, Patrol)
    if not patrol.worker.strip():
        raise InvalidEntry("a patrol check-in needs worker")
    if patrol.found == "nothing" and patrol.report is not None:
        raise InvalidEntry("a patrol that found nothing raises no report")
    return patrol


def encode(event: Event) -> dict[str, str]:
    """Fields for XADD: strings only, absent optionals left out."""
    version = "2" if isinstance(event, Patrol) else "1"
    if getattr(event, "crs", None) is not None:
        version = "4"
    out: dict[str, str] = {"v": version}
    for name in event.__struct_fields__:
        value = getattr(event, name)
        if value is None or value == () or value == "":
            continue
        if isinstance(value, tuple):
            out[name] = json.dumps(list(value), ensure_ascii=False)
        else:
            out[name] = str(value)
    return out
