"""The demo simulator: the district's day into the streams, and responders acting on it.

``Simulator`` emits what ``feeds.sim.day`` schedules as it falls due: reports (QR
codes, patrols, the hotline), grid workers' check-ins (``feeds.sim.patrols``) and
sensor readings (``feeds.sim.sensors``), and, unless turned off, runs ``Responders``
(``feeds.sim.responders``): duty officers and units who poll the open incidents and
XADD actions after lifelike delays. Simulated time sets only the day's rhythm;
timestamps and responders' delays are real (see feeds/sim/clock.py), so the wall's
1/3/5-minute colours mean what they say.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import redis

from feeds.producer import send
from feeds.schemas import Patrol, Report, SensorReading
from feeds.settings import Settings
from feeds.sim.clock import SimClock, clock_label, parse_time_of_day
from feeds.sim.day import Day, Draft
from feeds.sim.events import CATCHUP_S, action_id, ms, remember, simulated
from feeds.sim.patrols import CheckIn, Patrols
from feeds.sim.responders import Responders
from feeds.sim.sensors import Sensors
from feeds.sim.world import world_of
from layers.district import District

# Importers of this module also take the responders and the event ids from here.
__all__ = ["Responders", "Simulator", "Totals", "action_id", "simulated"]

log = logging.getLogger("watchfloor.simulate")

STEP_S = 0.2  # run(): how often due events are emitted
PROGRESS_EVERY_S = 30.0


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
        self._checkins: list[tuple[float, int, CheckIn]] = []
        self.patrols = Patrols([(b.code, b.micro_grid) for b in self.world.buildings], seed, volume)
        self._n_patrols = itertools.count(1)
        self.sensors = Sensors(self.world, self.day, self.sim, seed=seed, run_tag=self.run_tag)
        self._kinds: dict[str, str | None] = {}
        self._sources: dict[str, str | None] = {}
        self._n_reports = itertools.count(1)
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
                    self.sensors.expect(ep)
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
            remember(self._kinds, rid, draft["kind"])
            remember(self._sources, rid, draft["source"])
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
        readings, dropped = self.sensors.due(now, sim_now)
        self.totals.dropped += dropped
        return readings
