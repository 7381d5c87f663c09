"""Duty officers and units of the simulated district, acting on the open incidents.

``Responders`` poll the open-incident summaries and XADD actions after each incident's
plan (``feeds.sim.plans.plan_for``): accept or reject, dispatch by the router, arrive,
comment, escalate to joint handling, resolve or answer, then close and rate later. Their
delays run in real seconds, however fast the simulated day goes.
"""

from __future__ import annotations

import heapq
import itertools
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import msgspec
import redis

from feeds import constants as K
from feeds.pipeline import ALLOWED
from feeds.producer import send
from feeds.routing import Router, street_of
from feeds.schemas import Action, ActionKind
from feeds.settings import Settings
from feeds.sim.events import action_id, ms, remember
from feeds.sim.plans import Plan, plan_for
from feeds.sim.text import ANSWERS, RESOLUTIONS
from feeds.sim.world import World

POLL_S = 1.0  # responders read the open incidents this often
# Units called in when an urgent incident goes to joint handling (联动处置).
JOINT_KINDS = {
    "gas_leak": ("emergency", "fire", "police"),
    "fire": ("fire", "police"),
    "crowd": ("police", "emergency"),
    "safety": ("emergency", "police"),
}
ESCALATE_AFTER_S = 20.0
MIN_WORK_S = 20.0  # on site at least this long in real time, however fast the day runs


def _source_of(iid: str) -> str:
    """The source of an incident the simulator did not report: the worker's alarms are
    sensor incidents; anything else came through a resident's QR code."""
    return "sensor" if iid.startswith(("alarm:", "crowd:")) else "qr"


@dataclass
class _Track:
    plan: Plan
    state: str
    since: float  # real seconds when first seen in this state
    sent: set[str] = field(default_factory=set)


class Responders:
    """Duty officers and units: poll the open incidents, act after each plan's delays.

    ``kinds`` and ``sources`` map report id -> report kind and source for the reports the
    caller produced (open-incident summaries carry neither: screens get only what they
    draw); enquiries may be rejected or answered, residents' and callers' reports rated.
    """

    def __init__(
        self,
        r: redis.Redis,
        settings: Settings,
        world: World,
        *,
        seed: int = 7,
        speed: float = 1.0,
        kinds: Mapping[str, str | None] | None = None,
        sources: Mapping[str, str | None] | None = None,
        poll_s: float = POLL_S,
        only: Callable[[str], bool] | None = None,
    ) -> None:
        self.r = r
        self.s = settings
        self.seed = seed
        self.speed = speed
        self.kinds: Mapping[str, str | None] = kinds if kinds is not None else {}
        self.sources: Mapping[str, str | None] = sources if sources is not None else {}
        self.poll_s = poll_s
        self.only = only  # which incidents these responders may act on (None: all)
        self.router = Router(list(world.units))
        self.unit_names = world.unit_names
        self._unit_of: dict[tuple[str, str | None], str] = {}
        for unit in sorted(world.units, key=lambda u: u.id):
            self._unit_of.setdefault((unit.kind, unit.street), unit.id)
        self._tracks: dict[str, _Track] = {}
        self._later: list[tuple[float, int, Action]] = []  # close and rate, after resolve
        self._seq = itertools.count()
        self._done: dict[str, str | None] = {}
        self._next_poll = -math.inf
        self.sent = 0

    def step(self, now: float) -> int:
        """Act on what is due; the number of actions sent."""
        if now < self._next_poll:
            return 0
        self._next_poll = now + self.poll_s
        raw = {str(k): str(v) for k, v in self.r.hgetall(self.s.key(K.K_OPEN)).items()}
        actions: list[Action] = []
        for iid in sorted(raw):
            if iid not in self._done and (self.only is None or self.only(iid)):
                actions.extend(self._decide(iid, json.loads(raw[iid]), now))
        while self._later and self._later[0][0] <= now:
            actions.append(msgspec.structs.replace(heapq.heappop(self._later)[2], ts=ms(now)))
        for iid in [i for i in self._tracks if i not in raw or i in self._done]:
            del self._tracks[iid]
        if actions:
            pipe = self.r.pipeline(transaction=False)
            for a in actions:
                send(pipe, self.s, a)
            pipe.execute()
        self.sent += len(actions)
        return len(actions)

    def _decide(self, iid: str, s: dict[str, object], now: float) -> list[Action]:
        state = str(s.get("state"))
        t = self._tracks.get(iid)
        if t is None:
            src = self.sources.get(iid) or str(s.get("src") or _source_of(iid))
            pri = str(s.get("pri"))
            t = self._tracks[iid] = _Track(
                plan_for(self.seed, iid, src, pri, self.kinds.get(iid)), state, now
            )
        elif t.state != state:
            t.state, t.since = state, now
        p, waited = t.plan, now - t.since
        cat = str(s.get("cat"))
        grid = g if isinstance(g := s.get("grid"), str) else None
        unit = u if isinstance(u := s.get("unit"), str) else None
        crew = self.unit_names.get(unit or "", p.officer)
        kind = self.kinds.get(iid)
        out: list[Action] = []

        def act(
            action: ActionKind,
            actor: str,
            unit: str | None = None,
            units: tuple[str, ...] = (),
            note: str = "",
            reason: str = "",
        ) -> bool:
            """Only once, and only what the state allows."""
            if action in t.sent or state not in ALLOWED[action]:
                return False
            t.sent.add(action)
            out.append(
                Action(
                    id=action_id(iid, action),
                    incident=iid,
                    action=action,
                    actor=actor,
                    ts=ms(now),
                    unit=unit,
                    units=units,
                    note=note,
                    reason=reason,
                )
            )
            return True

        # Escalate and comment before a resolve sent in the same round.
        if p.escalate and state in ("dispatched", "on_site") and waited >= ESCALATE_AFTER_S:
            joint = self._joint(cat, grid, unit)
            if joint:
                act("escalate", p.officer, units=joint, note="转联动处置")
        resolve: str | None = None
        if state == "reported" and now >= float(str(s.get("at") or 0)) / 1000 + p.accept_s:
            if p.reject is None:
                act("accept", p.officer)
            elif act("reject", p.officer, reason=p.reject):
                remember(self._done, iid)
        elif state == "accepted" and waited >= p.dispatch_s:
            pick = self.router.suggest(cat, grid)
            if pick is not None:
                act("dispatch", p.officer, unit=pick.unit, note=f"值班员派遣：{pick.rule}")
        elif state == "dispatched" and kind in ANSWERS:
            resolve = ANSWERS[str(kind)] if waited >= p.answer_s else None
        elif state == "dispatched" and waited >= p.arrive_s:
            act("arrive", crew, unit=unit)
        elif state == "on_site":
            work = max(MIN_WORK_S, p.work_sim_s / self.speed)
            if p.comment and waited >= work / 2:
                act("comment", crew, note=p.comment)
            if waited >= work:
                resolve = RESOLUTIONS.get(cat, "已处置完毕")
        if resolve and act("resolve", crew, unit=unit, note=resolve):
            self._follow_up(iid, p, now)
        return out

    def _follow_up(self, iid: str, p: Plan, now: float) -> None:
        """Close, then rate: a resolved incident has left the open set, so schedule them."""
        at = now + p.close_s
        close = Action(
            id=action_id(iid, "close"), incident=iid, action="close", actor=p.officer, ts=ms(at)
        )
        heapq.heappush(self._later, (at, next(self._seq), close))
        if p.rating is not None:
            at += p.rate_s
            rate = Action(
                id=action_id(iid, "rate"),
                incident=iid,
                action="rate",
                actor="报告人",
                ts=ms(at),
                rating=p.rating,
            )
            heapq.heappush(self._later, (at, next(self._seq), rate))
        remember(self._done, iid)

    def _joint(self, cat: str, grid: str | None, current: str | None) -> tuple[str, ...]:
        street = street_of(grid)
        picks = (
            self._unit_of.get((k, street)) or self._unit_of.get((k, None))
            for k in JOINT_KINDS.get(cat, ("police", "grid_worker"))
        )
        return tuple(dict.fromkeys(u for u in picks if u and u != current))
