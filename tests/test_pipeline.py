from __future__ import annotations

import itertools

import pytest

from feeds.pipeline import ALLOWED, STAGES, IllegalTransition, Incident, apply, fold
from feeds.vocab import STATES
from tests.helpers import action

T0 = 1_764_000_000_000
EXTRA = {
    "dispatch": {"unit": "U1"},
    "reassign": {"unit": "U2"},
    "rate": {"rating": 4},
    "reject": {"reason": "重复"},
    "merge": {"into": "other"},
    "escalate": {"units": ("U3",)},
    "resolve": {"note": "done"},
}
EXPECTED_STATE = {
    "accept": "accepted",
    "dispatch": "dispatched",
    "reassign": "dispatched",
    "arrive": "on_site",
    "resolve": "resolved",
    "close": "closed",
    "rate": "closed",
    "reject": "rejected",
    "merge": "merged",
}


def at_state(state: str) -> Incident:
    return Incident(id="i1", reported_at=T0, state=state)  # type: ignore[arg-type]


@pytest.mark.parametrize(("state", "kind"), list(itertools.product(STATES, ALLOWED)))
def test_every_state_and_action(state: str, kind: str) -> None:
    inc = at_state(state)
    act = action("i1", kind, ts=T0 + 5000, **EXTRA.get(kind, {}))
    if state not in ALLOWED[kind]:
        with pytest.raises(IllegalTransition, match=f"cannot {kind}"):
            apply(inc, act)
        return
    new = apply(inc, act)
    assert new.state == EXPECTED_STATE.get(kind, state)
    assert new.updated_at == T0 + 5000


def test_the_whole_happy_path_records_each_moment() -> None:
    steps = [("accept", 20), ("dispatch", 100), ("arrive", 250), ("resolve", 3600), ("rate", 4000)]
    inc = fold(
        Incident(id="i1", reported_at=T0),
        [action("i1", k, ts=T0 + s * 1000, **EXTRA.get(k, {})) for k, s in steps],
    )
    assert inc.state == "closed"
    assert [inc.done_at(s) for s in STAGES] == [
        T0 + 20_000,
        T0 + 100_000,
        T0 + 250_000,
        T0 + 3_600_000,
    ]
    assert inc.rating == 4 and inc.closed_at == T0 + 4_000_000 and inc.unit == "U1"


def test_dispatch_straight_from_reported_also_accepts() -> None:
    inc = apply(at_state("reported"), action("i1", "dispatch", ts=T0 + 9000, unit="U9"))
    assert inc.accepted_at == inc.dispatched_at == T0 + 9000


def test_clock_behind_the_report_never_gives_negative_durations() -> None:
    inc = apply(at_state("reported"), action("i1", "accept", ts=T0 - 50_000))
    assert inc.accepted_at == T0


def test_escalate_keeps_units_unique_and_state() -> None:
    inc = fold(
        at_state("dispatched"),
        [action("i1", "escalate", units=("A", "B")), action("i1", "escalate", units=("B", "C"))],
    )
    assert inc.joint_units == ("A", "B", "C") and inc.state == "dispatched"


def test_reassign_clears_arrival() -> None:
    inc = Incident(id="i1", reported_at=T0, state="on_site", on_site_at=T0 + 1)
    new = apply(inc, action("i1", "reassign", unit="U7"))
    assert new.state == "dispatched" and new.on_site_at is None and new.unit == "U7"


def test_action_for_another_incident_is_refused() -> None:
    with pytest.raises(ValueError, match="applied to"):
        apply(at_state("reported"), action("i2", "accept"))
