"""The state at a moment from a hand-built trail: pure, no I/O."""

from __future__ import annotations

import json
from typing import Any

import pytest

from feeds.figures import compliance
from feeds.live import summary
from feeds.replay import moment, readings

T0 = 1_764_000_000_000
S = 1000


def row(iid: str, **over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": iid,
        "state": "closed",  # the row as it is now; replay must not trust it for the past
        "kind": "complaint",
        "category": "parking",
        "priority": "ordinary",
        "source": "qr",
        "lon": 120.2,
        "lat": 30.2,
        "micro_grid": "BJ01-C01-G01-M1",
        "reported_at": T0,
        "accepted_at": None,
        "dispatched_at": None,
        "on_site_at": None,
        "resolved_at": None,
        "closed_at": None,
        "due_accept": T0 + 60 * S,
        "due_dispatch": T0 + 180 * S,
        "due_arrive": T0 + 300 * S,
        "due_resolve": T0 + 86_400 * S,
        "unit": None,
        "joint_units": "[]",
        "rating": None,
        "text": "车辆乱停",
    }
    base.update(over)
    return base


def ev(iid: str, action: str, sec: float, n: int = 0, **detail: Any) -> dict[str, Any]:
    return {
        "event_id": f"{iid}-{action}-{n}",
        "incident_id": iid,
        "action": action,
        "actor": "值班员",
        "at": T0 + int(sec * S),
        "detail": json.dumps(detail),
    }


def at(r: dict[str, Any], trail: list[dict[str, Any]], sec: float) -> dict[str, Any]:
    t = T0 + int(sec * S)
    inc = moment.fold_at(r, trail, t)
    got = moment.summary_at(r, inc)
    assert got == summary(moment.row_at(r, inc))  # exactly what the live wall is sent
    return got


LATE = [ev("a", "report", 0), ev("a", "accept", 120)]
DONE = [
    ev("b", "report", 0),
    ev("b", "accept", 10),
    ev("b", "assign", 10, unit="u1"),
    ev("b", "arrive", 200),
    ev("b", "resolve", 400, note="已处理"),
    ev("b", "rate", 500, rating=4),
]
MOVED = [
    ev("c", "accept", 5),
    ev("c", "dispatch", 10, unit="u1"),
    ev("c", "arrive", 100),
    ev("c", "reassign", 150, unit="u2"),
    ev("c", "arrive", 250, n=1),
]


@pytest.mark.parametrize(
    ("trail", "sec", "state", "stage", "unit"),
    [
        (LATE, 30, "reported", "accept", None),
        (LATE, 90, "reported", "accept", None),  # late: red until accepted
        (LATE, 130, "accepted", "dispatch", None),
        (DONE, 5, "reported", "accept", None),
        (DONE, 10, "dispatched", "arrive", "u1"),  # accepted and routed in the same ms
        (DONE, 250, "on_site", "resolve", "u1"),
        (DONE, 400, "resolved", None, "u1"),
        (DONE, 600, "closed", None, "u1"),
        (MOVED, 120, "on_site", "resolve", "u1"),
        (MOVED, 200, "dispatched", "arrive", "u2"),  # sent elsewhere: waiting again
        (MOVED, 260, "on_site", "resolve", "u2"),
    ],
)
def test_state_at_a_moment_follows_the_trail(
    trail: list[dict[str, Any]], sec: float, state: str, stage: str | None, unit: str | None
) -> None:
    iid = trail[0]["incident_id"]
    r = row(iid, state="closed", unit="u9")
    got = at(r, trail, sec)
    inc = moment.fold_at(r, trail, T0 + int(sec * S))
    assert (got["state"], got["stage"], inc.unit) == (state, stage, unit)


def test_an_incident_accepted_late_is_red_on_the_board_until_accepted() -> None:
    r = row("a")
    t90 = T0 + 90 * S
    item = at(r, LATE, 90)
    assert item["due"] == T0 + 60 * S  # the wall paints it red: its due time has passed
    b = moment.board([item], t90)
    assert b["accept"] == {"n": 1, "red": 1, "amber": 0, "green": 0, "oldest": [item]}
    assert moment.late([item], t90) == 1
    after = at(r, LATE, 130)  # accepted at 120 s: now waits for dispatch, 130 s of 180
    b = moment.board([after], T0 + 130 * S)
    assert b["accept"]["n"] == 0 and b["dispatch"]["green"] == 1
    b = moment.board([after], T0 + 150 * S)  # 150 s: over 80% of the 3 minutes
    assert b["dispatch"]["amber"] == 1


def test_board_orders_the_oldest_by_due_and_keeps_five() -> None:
    items = [
        at(row(f"i{k}", reported_at=T0 + k * S, due_accept=T0 + (60 + k) * S), [], 1)
        for k in (7, 3, 5, 1, 9, 2, 8)
    ]
    b = moment.board(items, T0 + 10 * S)
    assert [i["id"] for i in b["accept"]["oldest"]] == ["i1", "i2", "i3", "i5", "i7"]
    assert b["accept"]["n"] == 7 and b["accept"]["green"] == 7


def test_illegal_or_record_entries_change_nothing() -> None:
    r = row("d")
    trail = [ev("d", "arrive", 5), ev("d", "overdue", 61), ev("d", "comment", 62, note="x")]
    inc = moment.fold_at(r, trail, T0 + 100 * S)
    assert inc.state == "reported" and inc.on_site_at is None


def test_compliance_at_a_moment_ignores_what_happened_later() -> None:
    r = row("a", accepted_at=T0 + 120 * S, state="accepted")
    early = compliance([moment.masked(r, T0 + 30 * S)], T0 + 30 * S)
    assert early["accept"]["due"] == 0  # not yet due, not yet done
    late = compliance([moment.masked(r, T0 + 90 * S)], T0 + 90 * S)
    assert late["accept"] == {"due": 1, "on_time": 0, "share": 0.0, "p90_s": None}
    done = compliance([moment.masked(r, T0 + 200 * S)], T0 + 200 * S)
    assert done["accept"]["p90_s"] == 120.0
    rejected = row("r", state="rejected", closed_at=T0 + 500 * S)
    assert moment.masked(rejected, T0 + 100 * S)["state"] == "reported"


def minute_row(key: str, minute: int, mean: float, mx: float | None = None) -> dict[str, Any]:
    return {
        "key": key,
        "minute": minute,
        "kind": "crowd",
        "n": 3,
        "min": mean,
        "max": mean if mx is None else mx,
        "mean": mean,
    }


def test_readings_at_a_moment_from_minute_summaries() -> None:
    m = 29_000_000
    latest = readings.newest(
        [
            minute_row("zone:Z1", m - 1, 100.4),
            minute_row("zone:Z1", m, 120.6),
            minute_row("zone:Z2", m - 9, 50),  # too long ago: gone from the wall
            minute_row("c1", m - 1, 80),
            {"key": "g1", "minute": m, "kind": "gas", "n": 1, "min": 30, "max": 30, "mean": 30},
            {"key": "f1", "minute": m - 3, "kind": "fume", "n": 1, "min": 1, "max": 1, "mean": 1},
        ]
    )
    assert readings.zones(latest, ["Z1", "Z2", "Z3"], m) == {"Z1": 121}
    known = {"c1": "crowd", "g1": "gas", "f1": "fume", "x1": "ebike_charging"}
    assert readings.sensor_status(known, latest, m) == {
        "c1": "online",
        "g1": "alarm",
        "f1": "offline",
        "x1": "offline",
    }
    where = {"c1": (120.1, 30.1), "c2": (120.2, 30.2), "c3": (120.3, 30.3), "c4": (120.4, 30.4)}
    zone_of = {"c1": "Z1", "c2": "Z1", "c3": "Z2", "c4": None}
    # c1 has its own summary; c2 shares Z1's total with c1; Z2's total is too old
    assert readings.crowd_points(latest, where, zone_of, m) == {
        "c1": (120.1, 30.1, 80),
        "c2": (120.2, 30.2, 60),
    }
    peak = readings.peak_of(
        [
            minute_row("zone:Z1", m - 5, 90, 300),
            minute_row("zone:Z2", m - 2, 10, 200),
            minute_row("c1", m, 5000, 5000),
        ]
    )
    assert peak == {"people": 300, "zone": "Z1", "at": (m - 5) * 60_000}


def slow_fold(r: dict[str, Any], trail: list[dict[str, Any]], t: int) -> Any:
    """The reference: pipeline.apply entry by entry."""
    from feeds.pipeline import Incident

    inc = Incident(id=r["id"], reported_at=r["reported_at"])
    for e in sorted(trail, key=moment.trail_order):
        if e["at"] <= t:
            inc = moment.step(inc, e)
    return inc


FIELDS = (
    "state",
    "accepted_at",
    "dispatched_at",
    "on_site_at",
    "resolved_at",
    "closed_at",
    "unit",
    "joint_units",
)


def test_the_fast_fold_equals_the_pipeline_on_random_trails() -> None:
    import random

    rng = random.Random(5)
    kinds = [
        "accept",
        "dispatch",
        "assign",
        "reassign",
        "arrive",
        "resolve",
        "close",
        "rate",
        "reject",
        "merge",
        "escalate",
        "comment",
        "overdue",
        "report",
    ]
    for case in range(400):
        trail = []
        for n in range(rng.randint(0, 9)):
            kind = rng.choice(kinds)
            detail: dict[str, Any] = {}
            if kind in ("dispatch", "assign", "reassign"):
                detail["unit"] = rng.choice(["u1", "u2", "u3"])
            if kind == "escalate":
                detail["units"] = rng.sample(["u4", "u5", "u6"], 2)
            if kind == "rate":
                detail["rating"] = rng.randint(1, 5)
            trail.append(ev(f"x{case}", kind, rng.randint(-5, 300), n, **detail))
        r = row(f"x{case}")
        for sec in (0, 50, 150, 400):
            t = T0 + sec * S
            fast, slow = moment.fold_at(r, trail, t), slow_fold(r, trail, t)
            assert [getattr(fast, f) for f in FIELDS] == [getattr(slow, f) for f in FIELDS]
            assert moment.summary_at(r, fast) == summary(moment.row_at(r, slow))


def test_an_incident_never_reassigned_is_read_from_its_stage_times() -> None:
    import random

    rng = random.Random(9)
    kinds = ["accept", "dispatch", "assign", "arrive", "resolve", "close", "escalate", "comment"]
    checked = 0
    for case in range(400):
        trail = []
        for n in range(rng.randint(0, 7)):
            kind = rng.choice(kinds)
            detail: dict[str, Any] = {}
            if kind in ("dispatch", "assign"):
                detail["unit"] = rng.choice(["u1", "u2"])
            if kind == "escalate":
                detail["units"] = rng.sample(["u4", "u5", "u6"], 2)
            trail.append(ev(f"y{case}", kind, rng.randint(0, 300), n, **detail))
        final = slow_fold(row(f"y{case}"), trail, T0 + 10**9)
        r = row(
            f"y{case}",
            **{f: getattr(final, f) for f in FIELDS if f != "joint_units"},
            joint_units=json.dumps(list(final.joint_units)),
        )
        escalations = [e for e in trail if e["action"] == "escalate"]
        for sec in (0, 30, 100, 200, 400):
            t = T0 + sec * S
            want = slow_fold(r, trail, t)
            if want.state not in ("reported", "accepted", "dispatched", "on_site"):
                continue
            got = moment.from_stages(r, escalations, t)
            assert [getattr(got, f) for f in FIELDS] == [getattr(want, f) for f in FIELDS]
            checked += 1
    assert checked > 300
