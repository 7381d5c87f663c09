"""The producer our own pages use: fresh valid ids, validated events, XADD in the wire format."""

from __future__ import annotations

import re

import pytest
import redis

from feeds import constants as K
from feeds import producer
from feeds.schemas import InvalidEntry, decode_action, decode_report
from feeds.settings import Settings


def test_ids_are_fresh_short_and_valid_event_ids() -> None:
    ids = {producer.new_id("R") for _ in range(2000)}
    assert len(ids) == 2000
    for i in list(ids)[:50]:
        assert re.fullmatch(r"R[A-Z2-7]{13}", i)
        assert re.fullmatch(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,79}$", i)


def test_report_and_action_are_validated_before_sending() -> None:
    rep = producer.report(
        source="qr", kind="complaint", category="environment", address="BJ-1", text="<b>x</b>"
    )
    assert rep.id.startswith("R") and rep.ts > 0 and rep.text == "<b>x</b>"
    with pytest.raises(InvalidEntry, match="category"):
        producer.report(source="qr", kind="complaint", category="nonsense", address="BJ-1")
    with pytest.raises(InvalidEntry, match="lon and lat"):
        producer.report(source="qr", kind="complaint", category="parking")
    act = producer.action(rep.id, "dispatch", "值班员 李", unit="U1")
    assert act.id.startswith("A") and act.unit == "U1"
    with pytest.raises(InvalidEntry, match="needs unit"):
        producer.action(rep.id, "dispatch", "值班员 李")
    with pytest.raises(InvalidEntry, match="needs rating"):
        producer.action(rep.id, "rate", "resident")
    assert len(producer.action(rep.id, "comment", "x" * 500).actor) == 200


def test_send_xadds_in_the_wire_format(settings: Settings, r: redis.Redis) -> None:
    rep = producer.report(
        source="qr", kind="enquiry", category="parking", address="BJ-2", photos=("0a1b2c3d.jpg",)
    )
    producer.send_report(r, settings, rep)
    act = producer.action(rep.id, "escalate", "值班员 李", units=("U1", "U2"))
    producer.send_action(r, settings, act)
    [(_, fields)] = r.xrange(settings.key(K.STREAM_REPORTS))
    assert fields["v"] == "1" and fields["photos"] == '["0a1b2c3d.jpg"]'
    assert decode_report(fields) == rep
    [(_, afields)] = r.xrange(settings.key(K.STREAM_ACTIONS))
    assert decode_action(afields) == act
