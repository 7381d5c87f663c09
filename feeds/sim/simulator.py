"""The demo simulator: the district's day into the streams, and responders acting on it.

``Simulator`` emits what ``feeds.sim.day`` schedules (reports, sensor readings) as
it falls due and, unless turned off, runs ``Responders``: duty officers and units
who poll the open incidents and XADD actions after lifelike delays. Simulated time
sets only the day's rhythm; timestamps and responders' delays are real (see
feeds/sim/day.py), so the wall's 1/3/5-minute colours mean what they say.
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import math
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec
import numpy as np
import redis

from feeds import constants as K
from feeds.pipeline import ALLOWED
from feeds.producer import send
from feeds.routing import Router, street_of
from feeds.schemas import Action, ActionKind, Patrol, Report, SensorReading
from feeds.settings import Settings
from feeds.sim.day import (
    ANSWERS,
    RESOLUTIONS,
    Day,
    Draft,
    Episode,
    Plan,
    SimClock,
    World,
    clock_label,
    parse_time_of_day,
    plan_for,
    world_of,
)
from feeds.sim.patrols import CheckIn, Patrols
from layers.district import District

log = logging.getLogger("watchfloor.simulate")

STEP_S = 0.2  # run(): how often due events are emitted
POLL_S = 1.0  # responders read the open incidents this often
PROGRESS_EVERY_S = 30.0
CATCHUP_S = 60.0  # events due longer ago than this (the process was stalled) are dropped
# The worker keeps a batch's latest reading per sensor: a heartbeat 0 just after a
# muck-truck violation would hide it.
MUCK_QUIET_S = 3.0
REMEMBER = 50_000  # report kinds and finished incidents kept in memory
# Units called in when an urgent incident goes to joint handling (联动处置).
JOINT_KINDS = {
    "gas_leak": ("emergency", "fire", "police"),
    "fire": ("fire", "police"),
    "crowd": ("police", "emergency"),
    "safety": ("emergency", "police"),
}
ESCALATE_AFTER_S = 20.0
MIN_WORK_S = 20.0  # on site at least this long in real time, however fast the day runs


def ms(seconds: float) -> int:
    return round(seconds * 1000)


SIM_PREFIX = "sim-"  # the simulator's event ids (reports sim-r-..., readings sim-s-...)


def simulated(incident: str) -> bool:
    """Did the simulator make this incident? Its reports' ids start sim-; alarms and crowd
    incidents end with the id of the simulated reading that opened them (alarm:sim-...,
    crowd:Z01:sim-...). A resident's report or a real sensor's alarm never does."""
    return incident.rsplit(":", 1)[-1].startswith(SIM_PREFIX)


def action_id(incident: str, action: str) -> str:
    """Deterministic, so that sending the same action twice is harmless."""
    aid = f"sim:{incident}:{action}"
    return aid if len(aid) <= 80 else f"sim:{zlib.crc32(incident.encode()):08x}:{action}"


def _remember(d: dict[str, str | None], key: str, value: str | None = None) -> None:
    d[key] = value
    if len(d) > REMEMBER:
        del d[next(iter(d))]


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
                _remember(self._done, iid)
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
        _remember(self._done, iid)

    def _joint(self, cat: str, grid: str | None, current: str | None) -> tuple[str, ...]:
        street = street_of(grid)
        picks = (
            self._unit_of.get((k, street)) or self._unit_of.get((k, None))
            for k in JOINT_KINDS.get(cat, ("police", "grid_worker"))
        )
        return tuple(dict.fromkeys(u for u in picks if u and u != current))


@dataclass
class Totals:
    reports: int = 0
    readings: int = 0
    actions: int = 0
    dropped: int = 0  # due while the process was stalled


class Simulator:
    """Emits the simulated day into the streams: ``step(now)`` in tests, ``run(stop)`` live.

    ``start`` is the simulated time of day at the first instant ("18:30"; default: the
    local time now); ``speed`` simulated seconds pass per real second; ``volume``
    scales the reports (about 400 a simulated day at 1).
    """

    def __init__(
        self,
        r: redis.Redis,
        settings: Settings,
        district: District,
        *,
        speed: float = 60.0,
        start: str | None = None,
        seed: int = 7,
        volume: float = 1.0,
        responders: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if speed <= 0 or volume < 0:
            raise ValueError("speed must be positive and volume not negative")
        self.r = r
        self.s = settings
        self.seed = seed
        self.clock = clock
        self.world = world_of(district)
        real_start = clock()
        if start is None:
            local = datetime.fromtimestamp(real_start, ZoneInfo(settings.timezone))
            sim_start = local.hour * 3600 + local.minute * 60 + local.second + 0.0
        else:
            sim_start = parse_time_of_day(start)
        self.sim = SimClock(real_start, sim_start, speed)
        self.day = Day(self.world, seed, volume)
        # Ids stay unique across restarts with the same seed.
        self.run_tag = np.base_repr(int(real_start), 36).lower()
        self.totals = Totals()
        self._hour = int(sim_start // 3600)  # next simulated hour to schedule
        self._seq = itertools.count()
        self._reports: list[tuple[float, int, Draft]] = []  # heaps by real time due
        self._episodes: list[tuple[float, int, Episode]] = []
        self._checkins: list[tuple[float, int, CheckIn]] = []
        self.patrols = Patrols([(b.code, b.micro_grid) for b in self.world.buildings], seed, volume)
        self._n_patrols = itertools.count(1)
        self._active: dict[int, Episode] = {}
        self._tick = np.zeros(len(self.world.sensors), dtype=np.int64)
        self._next = real_start + self.day.phase
        self._next[sorted(self.day.offline)] = np.inf
        self._violation: dict[int, float] = {}
        self._kinds: dict[str, str | None] = {}
        self._sources: dict[str, str | None] = {}
        self._n_reports = itertools.count(1)
        self._n_readings = itertools.count(1)
        self._progress_at = real_start
        self.responders = (
            # simulated responders act only on simulated incidents, never on real reports
            Responders(
                r,
                settings,
                self.world,
                seed=seed,
                speed=speed,
                kinds=self._kinds,
                sources=self._sources,
                only=simulated,
            )
            if responders
            else None
        )

    def run(self, stop: threading.Event) -> None:
        log.info(
            "simulator: sim %s, %gx, seed %d, volume %g, run %s",
            clock_label(self.sim.sim_start),
            self.sim.speed,
            self.seed,
            self.day.volume,
            self.run_tag,
        )
        while not stop.is_set():
            try:
                self.step(self.clock())
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                log.warning("store unavailable (%s); retrying", exc)
                stop.wait(2.0)
            stop.wait(STEP_S)

    def step(self, now: float) -> Totals:
        """Emit everything due up to ``now`` (epoch seconds); what this step sent."""
        sim_now = self.sim.sim(now)
        self._schedule(sim_now)
        reports = self._due_reports(now)
        readings = self._due_readings(now, sim_now)
        checkins = self._due_checkins(now)
        if reports or readings or checkins:
            pipe = self.r.pipeline(transaction=False)
            for rep in reports:
                send(pipe, self.s, rep)
            for reading in readings:
                send(pipe, self.s, reading)
            for checkin in checkins:
                send(pipe, self.s, checkin)
            pipe.execute()
        actions = self.responders.step(now) if self.responders else 0
        done = Totals(len(reports), len(readings), actions)
        self.totals.reports += done.reports
        self.totals.readings += done.readings
        self.totals.actions += done.actions
        if now - self._progress_at >= PROGRESS_EVERY_S:
            self._progress_at = now
            t = self.totals
            log.info(
                "sim %s | reports %s | readings %s | actions %s",
                clock_label(sim_now),
                f"{t.reports:,}",
                f"{t.readings:,}",
                f"{t.actions:,}",
            )
        return done

    def _schedule(self, sim_now: float) -> None:
        """Draw every simulated hour that has begun; nothing before the start."""
        while self._hour * 3600.0 <= sim_now:
            for t, draft in self.day.reports_in_hour(self._hour):
                if t >= self.sim.sim_start:
                    heapq.heappush(self._reports, (self.sim.real(t), next(self._seq), draft))
            for c in self.patrols.in_hour(self._hour):
                if c.t >= self.sim.sim_start:
                    heapq.heappush(self._checkins, (self.sim.real(c.t), next(self._seq), c))
            for ep in self.day.episodes_in_hour(self._hour):
                if ep.start >= self.sim.sim_start:
                    heapq.heappush(self._episodes, (self.sim.real(ep.start), next(self._seq), ep))
            self._hour += 1

    def _due_reports(self, now: float) -> list[Report]:
        out: list[Report] = []
        while self._reports and self._reports[0][0] <= now:
            at, _, draft = heapq.heappop(self._reports)
            if at < now - CATCHUP_S:
                self.totals.dropped += 1
                continue
            rid = f"sim-r-{self.seed}-{self.run_tag}-{next(self._n_reports)}"
            out.append(Report(id=rid, ts=ms(at), **draft))
            _remember(self._kinds, rid, draft["kind"])
            _remember(self._sources, rid, draft["source"])
        return out

    def _due_checkins(self, now: float) -> list[Patrol]:
        """Grid workers' patrol check-ins due by now (wire format v2)."""
        out: list[Patrol] = []
        while self._checkins and self._checkins[0][0] <= now:
            at, _, c = heapq.heappop(self._checkins)
            if at >= now - CATCHUP_S:
                pid = f"sim-p-{self.seed}-{self.run_tag}-{next(self._n_patrols)}"
                out.append(
                    Patrol(id=pid, worker=c.worker, address=c.address, ts=ms(at), found=c.found)
                )
        return out

    def _due_readings(self, now: float, sim_now: float) -> list[SensorReading]:
        due: list[tuple[float, int, float]] = []  # (real time, sensor, value)
        while self._episodes and self._episodes[0][0] <= now:
            at, _, ep = heapq.heappop(self._episodes)
            if at < now - CATCHUP_S:
                self.totals.dropped += 1
                continue
            self._active[ep.sensor] = ep
            due.append((at, ep.sensor, ep.value))
            if self.world.sensors[ep.sensor].kind == "muck_truck":
                self._violation[ep.sensor] = at
        phase, period = self.day.phase, self.day.period
        for i in (int(i) for i in np.flatnonzero(self._next <= now)):
            if now - self._next[i] > CATCHUP_S:  # stalled: only the latest tick
                self._tick[i] = int((now - self.sim.real_start - phase[i]) // period[i])
                self._next[i] = self.sim.real_start + phase[i] + self._tick[i] * period[i]
            while self._next[i] <= now:
                at, k = float(self._next[i]), int(self._tick[i])
                quiet = self._violation.get(i)
                if quiet is None or not 0 <= at - quiet < MUCK_QUIET_S:
                    value = self.day.reading(i, k, self.sim.sim(at), self._active.get(i))
                    due.append((at, i, value))
                self._tick[i] = k + 1
                self._next[i] = self.sim.real_start + phase[i] + (k + 1) * period[i]
        for i in [i for i, ep in self._active.items() if ep.end <= sim_now]:
            del self._active[i]
        due.sort(key=lambda d: (d[0], d[1]))
        out: list[SensorReading] = []
        for at, i, value in due:
            s = self.world.sensors[i]
            out.append(
                SensorReading(
                    id=f"sim-s-{self.seed}-{self.run_tag}-{next(self._n_readings)}",
                    sensor=s.id,
                    kind=s.kind,
                    value=value,
                    unit=s.unit,
                    ts=ms(at),
                    lon=s.lon,
                    lat=s.lat,
                    zone=s.zone,
                )
            )
        return out
