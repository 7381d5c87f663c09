"""The load: readings, reports and each report's actions in console order, with known ids.

A load is a schedule (seconds from its start, stream, fields) and what it should leave
behind: every report an incident, every action in the trail, each incident's final state.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import redis

from feeds import constants as K
from feeds import shards
from feeds.connections import is_cluster, replicated
from feeds.reference import Reference
from feeds.routing import Router
from feeds.schemas import Action, Report, SensorReading, encode
from feeds.settings import Settings

Fields = dict[str, Any]  # str values, or bytes for the malformed ones
Item = tuple[float, str, Fields]  # seconds from the start, stream, fields

# what an incident is in after its last action (automatic routing folds accept + dispatch)
AFTER = {
    "accept": "accepted",
    "dispatch": "dispatched",
    "arrive": "on_site",
    "resolve": "resolved",
    "close": "closed",
    "rate": "closed",
}
MAXLEN = {
    K.STREAM_REPORTS: K.MAXLEN_REPORTS,
    K.STREAM_SENSORS: K.MAXLEN_SENSORS,
    K.STREAM_ACTIONS: K.MAXLEN_ACTIONS,
}
CATEGORIES = ("environment", "property", "parking", "neighbour", "safety", "fire", "wages")
NORMAL = {  # readings inside their normal ranges: no alarm opens an incident
    "crowd": (1.0, 30.0),
    "gas": (0.0, 8.0),
    "fume": (0.3, 1.2),
    "muck_truck": (0.0, 0.0),
    "ebike_charging": (48.0, 55.0),
}


@dataclass
class Load:
    schedule: list[Item] = field(default_factory=list)
    reports: set[str] = field(default_factory=set)
    actions: dict[str, str] = field(default_factory=dict)  # action id -> incident
    trail: set[str] = field(default_factory=set)  # every event id the trail must hold
    state: dict[str, str] = field(default_factory=dict)  # incident -> final state
    readings: set[str] = field(default_factory=set)

    @property
    def valid_ids(self) -> set[str]:
        return self.reports | self.actions.keys() | self.readings

    def __len__(self) -> int:
        return len(self.schedule)

    def merge(self, other: Load, offset: float) -> None:
        self.schedule.extend((t + offset, s, f) for t, s, f in other.schedule)
        self.schedule.sort(key=lambda item: item[0])
        self.reports |= other.reports
        self.actions.update(other.actions)
        self.trail |= other.trail
        self.state.update(other.state)
        self.readings |= other.readings


def chain(router: Router, category: str, priority: str, rng: random.Random) -> list[str]:
    """The actions an officer and a crew send, in order, cut off at a random stage."""
    auto = router.automatic(category, priority)
    full = ["accept", *([] if auto else ["dispatch"]), "arrive", "resolve", "close"]
    if rng.random() < 0.1:
        full.append("rate")
    return full[: rng.choice([0, 1, 2, 3, 4, 5, 5, 5, 6, 6])]


def make_load(
    ref: Reference,
    events: int,
    seconds: float,
    tag: str,
    seed: int = 1,
    report_share: float = 0.05,
    quiet: frozenset[str] = frozenset(),
) -> Load:
    """About ``events`` entries over ``seconds``: 5% reports, their actions, the rest readings
    (from every sensor but the ``quiet`` ones)."""
    rng = random.Random(seed)
    load = Load()
    buildings = sorted(ref.buildings)
    units = sorted(ref.unit_ids)
    sensors = sorted((s for s in ref.sensors.values() if s.id not in quiet), key=lambda s: s.id)
    t0 = int(time.time() * 1000)
    n_reports = max(1, int(events * report_share))
    # actions run ~3.5 per report; readings fill the rest
    for i in range(n_reports):
        at = rng.uniform(0, seconds * 0.75)
        rid = f"{tag}-r{i}"
        category = rng.choice(CATEGORIES)
        priority = "urgent" if rng.random() < 0.2 else "ordinary"
        by_address = i % 2 == 0
        code = rng.choice(buildings)
        lon, lat, _micro = ref.buildings[code]
        rep = Report(
            id=rid,
            source="qr" if by_address else "hotline",
            kind="complaint",
            category=category,
            priority=priority,  # type: ignore[arg-type]
            ts=t0 + int(at * 1000),
            text="小区门口垃圾堆放三天无人清理",
            address=code if by_address else None,
            lon=None if by_address else lon + 1e-5,
            lat=None if by_address else lat + 1e-5,
            contact="13800001111",
        )
        load.schedule.append((at, K.STREAM_REPORTS, encode(rep)))
        load.reports.add(rid)
        load.trail.add(rid)
        state = "reported"
        for j, kind in enumerate(chain(ref.router, category, priority, rng)):
            at += rng.uniform(0.2, 2.0)
            aid = f"{rid}-a{j}"
            extra: dict[str, Any] = {}
            if kind == "dispatch":
                extra["unit"] = rng.choice(units)
            if kind == "rate":
                extra["rating"] = rng.randint(1, 5)
            if kind == "resolve":
                extra["note"] = "已处置完毕"
            act = Action(
                id=aid,
                incident=rid,
                action=kind,  # type: ignore[arg-type]
                actor="值班员 李",
                ts=t0 + int(at * 1000),
                **extra,
            )
            load.schedule.append((at, K.STREAM_ACTIONS, encode(act)))
            load.actions[aid] = rid
            load.trail.add(aid)
            state = AFTER[kind]
            if kind == "accept" and ref.router.automatic(category, priority):
                load.trail.add(f"{aid}:assign")
                state = "dispatched"
        load.state[rid] = state
    for i in range(max(0, events - len(load.schedule))):
        at = rng.uniform(0, seconds)
        s = rng.choice(sensors)
        lo, hi = NORMAL.get(s.kind, (0.0, 1.0))
        sid = f"{tag}-s{i}"
        reading = SensorReading(
            id=sid,
            sensor=s.id,
            kind=s.kind,
            value=round(rng.uniform(lo, hi), 2),
            unit="x",
            ts=t0 + int(at * 1000),
        )
        load.schedule.append((at, K.STREAM_SENSORS, encode(reading)))
        load.readings.add(sid)
    load.schedule.sort(key=lambda item: item[0])
    return load


def kept(r: redis.Redis, keys: list[str]) -> None:
    """On a Cluster, WAIT for a replica on each primary these keys live on (a primary with
    no replica, just after a failover, keeps them alone: nothing better to do)."""
    if not is_cluster(r):
        return
    by_node = {r.get_node_from_key(k).name: k for k in keys}
    for key in by_node.values():
        replicated(r, key, timeout_ms=500)


def send(
    connect: Callable[[], redis.Redis],
    settings: Settings,
    schedule: list[Item],
    deadline: float,
    paused: Callable[[], bool] = lambda: False,
    step: float = 0.05,
) -> list[str]:
    """XADD the schedule at its pace, as a producer would: resend a chunk after a lost link.

    Returns the stream entry id of each item (of its last send). Resending is harmless:
    every write is idempotent on the event id. Each event goes to its shard's stream; on
    a Cluster a chunk counts as sent once a replica has it too (WAIT), so that a primary
    killed right after acknowledging it loses nothing.
    """
    entry_ids: list[str] = []
    start = time.monotonic()
    i = 0
    r = connect()
    while i < len(schedule):
        if time.monotonic() > deadline:
            raise TimeoutError(f"producer sent {i} of {len(schedule)} before its deadline")
        now = time.monotonic() - start
        j = i
        while j < len(schedule) and schedule[j][0] <= now:
            j += 1
        if j == i or paused():
            time.sleep(step)
            continue
        chunk = schedule[i:j]
        try:
            pipe = r.pipeline(transaction=False)
            keys = [shards.key_for(settings, stream, fields) for _t, stream, fields in chunk]
            for key, (_t, stream, fields) in zip(keys, chunk, strict=True):
                pipe.xadd(key, fields, maxlen=MAXLEN[stream], approximate=True)
            ids = pipe.execute()
            kept(r, keys)
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            time.sleep(0.2)
            r = connect()
            continue
        entry_ids.extend(str(eid) for eid in ids)
        i = j
    return entry_ids
