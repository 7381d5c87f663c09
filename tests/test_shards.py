"""Several workers and the order of one incident's actions: what a shared group keeps and
what it does not, and how shards (one owner each, hand-over on death) keep it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
import redis
from sqlalchemy import Engine

from feeds import constants as K
from feeds import shards, store
from feeds.ingest import Worker
from feeds.ingest.ownership import rebalance
from feeds.reference import Reference
from feeds.schemas import encode
from feeds.settings import Settings
from feeds.sla import SlaPolicy
from tests.helpers import ACTIONS, REPORTS, action, drain, report, xadd


def wait_until(cond: Callable[[], bool], timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < end, "condition not met in time"
        time.sleep(0.02)


def incident(engine: Engine, iid: str) -> dict[str, Any]:
    with engine.connect() as conn:
        return store.load_incidents(conn, [iid])[iid]


def make(settings: Settings, r: redis.Redis, engine: Engine, ref: Reference, name: str) -> Worker:
    w = Worker(settings.with_(consumer=name), r, engine, ref, SlaPolicy())
    w.ensure_groups()
    w.read_own_pending = False
    return w


def pending(r: redis.Redis, settings: Settings) -> int:
    keys = [k for _i, _s, k in shards.stream_keys(settings)]
    return sum(int(r.xpending(k, K.GROUP)["pending"]) for k in keys)


def hold(w: Worker, key: str, n: int = 1) -> list[tuple[str, dict[str, str]]]:
    """Read entries as ``w`` without applying them yet (a worker slow at its batch)."""
    res = w.r.xreadgroup(K.GROUP, w.consumer, {key: ">"}, count=n)
    return [e for _key, entries in res for e in entries]


# --- the rule producers follow -------------------------------------------------


@pytest.mark.parametrize(
    ("key", "n", "shard"),
    [
        ("anything", 1, 0),
        ("R-0001", 2, 0),
        ("R-0001", 4, 2),  # crc32 2467153938
        ("R-0002", 4, 0),  # crc32 168073640
        ("S-GAS-01", 4, 3),  # crc32 10124043
        ("330108-000123", 8, 1),  # crc32 2367794305
        ("受理", 3, 2),  # crc32 of the UTF-8 bytes, 1029554150
    ],
)
def test_shard_is_crc32_of_the_key_mod_n(key: str, n: int, shard: int) -> None:
    assert shards.shard_of(key, n) == shard


def test_one_shard_keeps_the_v2_keys_and_several_carry_a_hash_tag(settings: Settings) -> None:
    assert shards.key_for(settings, REPORTS, {"id": "x"}) == settings.key(REPORTS)
    four = settings.with_(shards=4)
    rep = encode(report(id="R-0001"))
    act = encode(action("R-0001", "accept"))
    assert shards.key_for(four, REPORTS, rep) == four.key("{s2}:reports")
    assert shards.key_for(four, ACTIONS, act) == four.key("{s2}:actions")  # its incident's
    assert len(shards.stream_keys(four)) == 4 * len(K.INPUT_STREAMS)


def test_bad_shard_settings_are_refused_with_a_reason() -> None:
    with pytest.raises(SystemExit, match="WATCHFLOOR_SHARDS must be a whole number"):
        Settings.from_env({"WATCHFLOOR_SHARDS": "zero"})
    assert Settings.from_env({"WATCHFLOOR_SHARDS": "4"}).shards == 4


# --- one shared group, two workers ----------------------------------------------


def test_shared_group_parks_an_action_that_overtakes_the_one_it_needs(
    settings: Settings, r: redis.Redis, engine: Engine, reference: Reference
) -> None:
    """What holds: an arrive applied by one worker before the dispatch another holds
    waits (parked) and is applied after it."""
    a, b = (make(settings, r, engine, reference, n) for n in ("wa", "wb"))
    rep = report(priority="urgent", category="safety")
    unit = sorted(reference.unit_ids)[0]
    xadd(r, settings, REPORTS, rep)
    xadd(r, settings, ACTIONS, action(rep.id, "accept", ts=rep.ts + 1_000))
    drain(a)
    xadd(r, settings, ACTIONS, action(rep.id, "dispatch", unit=unit, ts=rep.ts + 2_000))
    xadd(r, settings, ACTIONS, action(rep.id, "arrive", ts=rep.ts + 3_000))
    held = hold(a, settings.key(ACTIONS))  # a holds the dispatch
    drain(b)  # b applies the arrive first: it cannot, yet
    assert incident(engine, rep.id)["state"] == "accepted"
    a.handle(ACTIONS, held)
    row = incident(engine, rep.id)
    assert (row["state"], row["unit"]) == ("on_site", unit)
    assert row["dispatched_at"] == rep.ts + 2_000 and row["on_site_at"] == rep.ts + 3_000


def test_shared_group_lets_an_earlier_reassign_overwrite_a_later_one(
    settings: Settings, r: redis.Redis, engine: Engine, reference: Reference
) -> None:
    """What does not hold: two reassigns are each allowed in either order, so when the
    later one is applied first the incident ends with the earlier one's unit. Parking
    cannot see it; one owner per shard (below) is what keeps it."""
    a, b = (make(settings, r, engine, reference, n) for n in ("wa", "wb"))
    rep = report(priority="urgent", category="safety")
    u1, u2, u3 = sorted(reference.unit_ids)[:3]
    xadd(r, settings, REPORTS, rep)
    xadd(r, settings, ACTIONS, action(rep.id, "dispatch", unit=u1, ts=rep.ts + 1_000))
    drain(a)
    xadd(r, settings, ACTIONS, action(rep.id, "reassign", unit=u2, ts=rep.ts + 2_000))
    xadd(r, settings, ACTIONS, action(rep.id, "reassign", unit=u3, ts=rep.ts + 3_000))
    held = hold(a, settings.key(ACTIONS))
    drain(b)
    a.handle(ACTIONS, held)
    assert incident(engine, rep.id)["unit"] == u2  # not u3, the last one sent


# --- shards: one owner each -------------------------------------------------------


@pytest.fixture
def sharded(settings: Settings) -> Settings:
    return settings.with_(shards=2, shard_lease_ms=600)


def test_each_shard_has_one_owner_and_its_actions_keep_their_order(
    sharded: Settings, r: redis.Redis, engine: Engine, reference: Reference
) -> None:
    a = make(sharded, r, engine, reference, "wa")
    b = make(sharded, r, engine, reference, "wb")
    rebalance(a)  # a alone: it takes both shards
    assert a.ownership is not None and a.ownership.owned == {0, 1}
    rebalance(b)  # b joins: none free yet
    rebalance(a)  # a gives back what is over its share
    rebalance(b)
    assert b.ownership is not None
    assert (len(a.ownership.owned), len(b.ownership.owned)) == (1, 1)
    mine = a.ownership.owned
    assert shards.owners(r, sharded) == {i: ("wa" if i in mine else "wb") for i in (0, 1)}
    u1, u2, u3 = sorted(reference.unit_ids)[:3]
    reps = [report(priority="urgent", category="safety") for _ in range(6)]
    xadd(r, sharded, REPORTS, *reps)
    for rep in reps:
        xadd(r, sharded, ACTIONS, action(rep.id, "dispatch", unit=u1, ts=rep.ts + 1_000))
        xadd(r, sharded, ACTIONS, action(rep.id, "reassign", unit=u2, ts=rep.ts + 2_000))
        xadd(r, sharded, ACTIONS, action(rep.id, "reassign", unit=u3, ts=rep.ts + 3_000))
    # b reads only its own shard: whatever it does, a's incidents' actions stay a's
    assert drain(b) == 4 * sum(shards.shard_of(x.id, 2) in b.ownership.owned for x in reps)
    assert drain(a) == 4 * sum(shards.shard_of(x.id, 2) in a.ownership.owned for x in reps)
    assert {incident(engine, x.id)["unit"] for x in reps} == {u3}
    assert pending(r, sharded) == 0


def test_a_dead_owners_shard_is_taken_over_with_its_pending_entries(
    sharded: Settings, r: redis.Redis, engine: Engine, reference: Reference
) -> None:
    a = make(sharded, r, engine, reference, "wa")
    rebalance(a)
    reps = [report(priority="urgent", category="safety") for _ in range(8)]
    xadd(r, sharded, REPORTS, *reps)
    xadd(r, sharded, ACTIONS, *[action(x.id, "accept", ts=x.ts + 1) for x in reps])
    for i in (0, 1):  # a reads everything, then dies before applying it
        for key in shards.shard_keys(sharded, i):
            hold(a, key, 100)
    owner = shards.owner_key(sharded, 0)
    wait_until(lambda: r.get(owner) is None)  # its lease runs out
    b = make(sharded, r, engine, reference, "wb")
    rebalance(b)  # takes both, and claims what a held
    assert b.ownership is not None and b.ownership.owned == {0, 1}
    assert {incident(engine, x.id)["state"] for x in reps} == {"accepted"}
    assert drain(b) == 0
    assert pending(r, sharded) == 0
    with engine.connect() as conn:
        events = [e["event_id"] for x in reps for e in store.trail(conn, x.id)]
    assert len(events) == len(set(events)) == 16


def test_a_worker_stopping_gives_its_shards_back_at_once(
    sharded: Settings, r: redis.Redis, engine: Engine, reference: Reference
) -> None:
    a = make(sharded, r, engine, reference, "wa")
    rebalance(a)
    assert a.ownership is not None
    a.ownership.leave()
    assert shards.owners(r, sharded) == {0: None, 1: None}
    assert r.zcard(sharded.key(K.K_SHARD_MEMBERS)) == 0


def test_a_round_that_fails_after_a_take_still_reads_and_claims_the_shard_taken(
    sharded: Settings, r: redis.Redis, engine: Engine, reference: Reference
) -> None:
    a = make(sharded, r, engine, reference, "wa")
    assert a.ownership is not None
    good = a.ownership._start  # the shard its round tries first
    bad = 1 - good
    r.hset(shards.owner_key(sharded, bad), "x", "1")  # its lease key: a Redis error on it
    reps = [report() for _ in range(40)]
    ours = [x for x in reps if shards.shard_of(x.id, 2) == good]
    xadd(r, sharded, REPORTS, *ours)
    held = hold(
        make(sharded, r, engine, reference, "wd"), shards.stream_key(sharded, REPORTS, good), 3
    )
    assert len(held) == 3  # a worker that died holding these
    with pytest.raises(redis.ResponseError):
        rebalance(a)  # takes `good`, fails on `bad`
    assert a.ownership.owned == {good}
    assert set(a.keys) == set(shards.shard_keys(sharded, good))
    assert drain(a) == len(ours) - 3  # the held three claimed first, then the rest read
    with engine.connect() as conn:
        stored = store.load_incidents(conn, [x.id for x in ours])
    assert len(stored) == len(ours)
    assert pending(r, sharded) == 0
