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


@pytest.mark.parametrize(
    ("state", "kind", "can_wait"),
    [
        ("reported", "arrive", True),  # the dispatch is still on its way
        ("reported", "resolve", True),
        ("reported", "close", True),
        ("reported", "rate", True),
        ("reported", "reassign", True),
        ("accepted", "arrive", True),
        ("dispatched", "close", True),
        ("on_site", "close", True),
        ("on_site", "rate", True),
        ("resolved", "close", False),  # allowed: nothing to wait for
        ("accepted", "accept", False),  # behind it: never again
        ("on_site", "accept", False),
        ("on_site", "arrive", False),
        ("dispatched", "reject", False),
        ("resolved", "resolve", False),
        ("closed", "close", False),
        ("closed", "resolve", False),
        ("rejected", "accept", False),  # off the way for good
        ("rejected", "resolve", False),
        ("merged", "arrive", False),
    ],
)
def test_which_refused_actions_may_become_legal(state: str, kind: str, can_wait: bool) -> None:
    from feeds.pipeline import may_become_legal

    if state in ALLOWED[kind]:
        assert not can_wait
        return
    assert may_become_legal(state, kind) is can_wait


def test_an_accept_that_arrives_after_its_dispatch_is_recorded() -> None:
    inc = apply(at_state("reported"), action("i1", "dispatch", ts=T0 + 9000, unit="U1"))
    assert inc.accepted_at == T0 + 9000
    late = apply(inc, action("i1", "accept", ts=T0 + 4000))
    assert late.state == "dispatched" and late.accepted_at == T0 + 4000
    with pytest.raises(IllegalTransition, match="cannot accept an incident that is dispatched"):
        apply(inc, action("i1", "accept", ts=T0 + 20_000))  # after the dispatch: a mistake


def test_a_close_that_arrives_after_the_rating_is_recorded() -> None:
    inc = apply(at_state("resolved"), action("i1", "rate", ts=T0 + 9000, rating=5))
    late = apply(inc, action("i1", "close", ts=T0 + 7000))
    assert late.state == "closed" and late.closed_at == T0 + 7000 and late.rating == 5
    with pytest.raises(IllegalTransition, match="cannot close"):
        apply(inc, action("i1", "close", ts=T0 + 10_000))


def test_a_dispatch_and_an_arrive_that_arrive_after_the_resolve_are_recorded() -> None:
    inc = apply(at_state("accepted"), action("i1", "resolve", ts=T0 + 50_000, note="ok"))
    inc = apply(inc, action("i1", "arrive", ts=T0 + 30_000))
    inc = apply(inc, action("i1", "dispatch", ts=T0 + 20_000, unit="U1"))
    assert inc.state == "resolved" and inc.resolved_at == T0 + 50_000
    assert (inc.dispatched_at, inc.on_site_at, inc.unit) == (T0 + 20_000, T0 + 30_000, "U1")
    with pytest.raises(IllegalTransition, match="cannot arrive"):
        apply(inc, action("i1", "arrive", ts=T0 + 40_000))  # it has its arrival already
    with pytest.raises(IllegalTransition, match="cannot arrive"):
        apply(inc, action("i1", "arrive", ts=T0 + 60_000))  # after the resolve: a mistake


@pytest.mark.parametrize("kind", ["accept", "arrive", "dispatch"])
def test_a_late_action_stamped_before_its_report_is_refused(kind: str) -> None:
    inc = apply(at_state("dispatched"), action("i1", "resolve", ts=T0 + 50_000, note="ok"))
    inc = apply(inc, action("i1", "close", ts=T0 + 60_000))
    with pytest.raises(IllegalTransition, match=f"cannot {kind} an incident that is closed"):
        apply(inc, action("i1", kind, ts=T0 - 1, **EXTRA.get(kind, {})))
