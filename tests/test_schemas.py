from __future__ import annotations

import json
from typing import Any

import pytest

from feeds.schemas import InvalidEntry, decode_action, decode_reading, decode_report, encode
from tests.helpers import action, reading, report

GOOD_REPORT = {
    "id": "r-1",
    "source": "qr",
    "kind": "complaint",
    "category": "parking",
    "ts": "1764000000000",
    "lon": "120.21",
    "lat": "30.19",
}


def with_(base: dict[str, str], **over: str | None) -> dict[str, str]:
    out = {**base, **{k: v for k, v in over.items() if v is not None}}
    for k, v in over.items():
        if v is None:
            out.pop(k, None)
    return out


def test_good_report_decodes_with_types() -> None:
    r = decode_report(with_(GOOD_REPORT, photos='["0123abcd.jpg"]', contact="13800001111", v="1"))
    assert r.ts == 1764000000000 and r.lon == 120.21 and r.photos == ("0123abcd.jpg",)
    assert r.priority == "ordinary" and r.contact == "13800001111"


@pytest.mark.parametrize(
    ("over", "reason"),
    [
        ({"id": None}, "id"),
        ({"id": "has space"}, "$.id"),
        ({"id": "x" * 81}, "$.id"),
        ({"source": "fax"}, "$.source"),
        ({"kind": "rant"}, "$.kind"),
        ({"category": "aliens"}, "unknown category"),
        ({"ts": "soon"}, "$.ts"),
        ({"ts": "-5"}, "$.ts"),
        ({"lon": "200"}, "$.lon"),
        ({"lat": "north"}, "$.lat"),
        ({"lon": None}, "needs lon and lat"),
        ({"lon": None, "lat": None}, "needs lon and lat"),
        ({"text": "长" * 2001}, "$.text"),
        ({"photos": "not json"}, "photos"),
        ({"photos": json.dumps(["0123abcd.jpg"] * 4)}, "at most three"),
        ({"photos": '["../../etc/passwd"]'}, "not a media name"),
        # only the names our media store makes: no folders, no dots, no other extensions
        ({"photos": '["a/../../logout"]'}, "not a media name"),
        ({"photos": '["a/1.jpg"]'}, "not a media name"),
        ({"photos": '["/logout"]'}, "not a media name"),
        ({"photos": '["0123abcd.jpg?x=1"]'}, "not a media name"),
        ({"photos": '["0123abcd.html"]'}, "not a media name"),
        ({"photos": '["0123ABCD.jpg"]'}, "not a media name"),
        ({"photos": '["..jpg"]'}, "not a media name"),
        ({"voice": "a/../../logout"}, "voice: 'a/../../logout' is not a media name"),
        ({"voice": "0123abcd.m4a/../x"}, "not a media name"),
        ({"contact": "call me"}, "$.contact"),
        ({"priority": "whenever"}, "$.priority"),
        ({"address": "bad code!"}, "$.address"),
    ],
)
def test_bad_report_fields_are_refused_with_a_reason(over: dict[str, Any], reason: str) -> None:
    with pytest.raises(InvalidEntry, match=__import__("re").escape(reason)):
        decode_report(with_(GOOD_REPORT, **over))


@pytest.mark.parametrize("ref", ["0123abcd.jpg", "f" * 32 + ".webp", "demovoice07.m4a"])
def test_media_names_the_store_makes_are_accepted(ref: str) -> None:
    assert decode_report(with_(GOOD_REPORT, voice=ref)).voice == ref
    assert decode_report(with_(GOOD_REPORT, photos=f'["{ref}"]')).photos == (ref,)


GOOD_READING = {"id": "s-1", "sensor": "G1", "kind": "gas", "value": "3", "unit": "ppm", "ts": "5"}


@pytest.mark.parametrize(
    ("kind", "value", "reason"),
    [
        ("gas", "inf", "value inf is not a finite number"),
        ("gas", "-inf", "value -inf is not a finite number"),
        ("gas", "nan", "value NaN is not a finite number"),
        ("gas", "NaN", "value NaN is not a finite number"),
        ("fume", "nan", "not a finite number"),
        ("crowd", "nan", "not a finite number"),
        ("crowd", "-1e15", "crowd value -1e+15 outside 0..1e+06"),
        ("crowd", "-1", "crowd value -1 outside"),
        ("crowd", "1000001", "crowd value 1e+06 outside"),
        ("gas", "-3", "gas value -3 outside"),
        ("gas", "2e6", "outside 0..1e+06"),
        ("fume", "20000", "fume value 20000 outside"),
        ("muck_truck", "7", "muck_truck value 7 outside 0..1"),
        ("ebike_charging", "5000", "ebike_charging value 5000 outside"),
        ("water_level", "inf", "not a finite number"),
        ("water_level", "1e10", "outside -1e+09..1e+09"),
    ],
)
def test_reading_values_out_of_range_are_refused(kind: str, value: str, reason: str) -> None:
    with pytest.raises(InvalidEntry, match=__import__("re").escape(reason)):
        decode_reading(with_(GOOD_READING, kind=kind, value=value))


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("gas", "0"),
        ("gas", "999999"),
        ("crowd", "300000"),
        ("crowd", "0"),
        ("muck_truck", "1"),
        ("ebike_charging", "58.9"),
        ("water_level", "-3.5"),
        ("fume", "2.1"),
    ],
)
def test_reading_values_in_range_are_accepted(kind: str, value: str) -> None:
    assert decode_reading(with_(GOOD_READING, kind=kind, value=value)).value == float(value)


def test_address_alone_places_a_report() -> None:
    r = decode_report(with_(GOOD_REPORT, lon=None, lat=None, address="330108-000001"))
    assert r.address == "330108-000001" and r.lon is None


def test_hostile_text_is_kept_verbatim_as_data() -> None:
    text = "<script>alert(1)</script>'; DROP TABLE incidents;--"
    assert decode_report(with_(GOOD_REPORT, text=text)).text == text


def test_unknown_fields_are_ignored_for_forward_compatibility() -> None:
    assert decode_report(with_(GOOD_REPORT, future_field="x")).id == "r-1"


@pytest.mark.parametrize(
    "event",
    [
        report(photos=("p0000001.jpg",), contact="13800001111", address="A-1"),
        reading("s1", "gas", 3.5, zone="Z01"),
        action("r-1", "escalate", units=("U1", "U2"), note="联动"),
    ],
)
def test_encode_then_decode_round_trips(event: Any) -> None:
    decoder = {"Report": decode_report, "SensorReading": decode_reading, "Action": decode_action}[
        type(event).__name__
    ]
    fields = encode(event)
    assert all(isinstance(v, str) for v in fields.values())
    assert decoder(fields) == event


GOOD_ACTION = {
    "id": "a-1",
    "incident": "r-1",
    "action": "accept",
    "actor": "李",
    "ts": "1764000000000",
}


@pytest.mark.parametrize(
    ("over", "reason"),
    [
        ({"action": "dispatch"}, "dispatch needs unit"),
        ({"action": "reassign"}, "reassign needs unit"),
        ({"action": "rate"}, "rate needs rating"),
        ({"action": "rate", "rating": "6"}, "$.rating"),
        ({"action": "rate", "rating": "0"}, "$.rating"),
        ({"action": "reject"}, "reject needs reason"),
        ({"action": "merge"}, "merge needs into"),
        ({"action": "merge", "into": "r-1"}, "into itself"),
        ({"action": "escalate"}, "escalate needs units"),
        ({"action": "explode"}, "$.action"),
        ({"incident": None}, "incident"),
        ({"actor": None}, "actor"),
    ],
)
def test_bad_actions_are_refused(over: dict[str, Any], reason: str) -> None:
    with pytest.raises(InvalidEntry, match=__import__("re").escape(reason)):
        decode_action(with_(GOOD_ACTION, **over))


@pytest.mark.parametrize(
    ("over", "ok"),
    [
        ({}, True),
        ({"value": "NaNish"}, False),
        ({"sensor": ""}, False),
        ({"kind": "radon"}, True),
        ({"lon": "121.0", "lat": "30.0"}, True),
        ({"unit": "x" * 17}, False),
    ],
)
def test_readings(over: dict[str, Any], ok: bool) -> None:
    fields = with_(
        {"id": "s-1", "sensor": "gas-1", "kind": "gas", "value": "3.2", "unit": "ppm", "ts": "5"},
        **over,
    )
    if ok:
        assert decode_reading(fields).sensor == fields.get("sensor")
    else:
        with pytest.raises(InvalidEntry):
            decode_reading(fields)
