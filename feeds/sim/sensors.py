"""The district's sensors in the simulation: heartbeat readings and episodes as they fall due.

Each live sensor ticks every ``Day.period`` real seconds from its ``Day.phase`` (silent
ones, ``Day.offline``, never do); an episode (a crowd building, a muck truck, fumes)
sends its value when it starts and shapes the sensor's readings until it ends.
"""

from __future__ import annotations

import heapq
import itertools

import numpy as np

from feeds.schemas import SensorReading
from feeds.sim.clock import SimClock
from feeds.sim.day import Day, Episode
from feeds.sim.events import CATCHUP_S, ms
from feeds.sim.world import World

# The worker keeps a batch's latest reading per sensor: a heartbeat 0 just after a
# muck-truck violation would hide it.
MUCK_QUIET_S = 3.0


class Sensors:
    """Readings due by a real instant: ``expect(episode)`` queues an episode,
    ``due(now, sim_now)`` returns the readings and how many episodes were dropped."""

    def __init__(self, world: World, day: Day, sim: SimClock, *, seed: int, run_tag: str) -> None:
        self.world = world
        self.day = day
        self.sim = sim
        self.seed = seed
        self.run_tag = run_tag
        self._seq = itertools.count()
        self._episodes: list[tuple[float, int, Episode]] = []  # a heap by real time due
        self._active: dict[int, Episode] = {}
        self._tick = np.zeros(len(world.sensors), dtype=np.int64)
        self._next = sim.real_start + day.phase
        self._next[sorted(day.offline)] = np.inf
        self._violation: dict[int, float] = {}
        self._n_readings = itertools.count(1)

    def expect(self, ep: Episode) -> None:
        heapq.heappush(self._episodes, (self.sim.real(ep.start), next(self._seq), ep))

    def due(self, now: float, sim_now: float) -> tuple[list[SensorReading], int]:
        dropped = 0
        due: list[tuple[float, int, float]] = []  # (real time, sensor, value)
        while self._episodes and self._episodes[0][0] <= now:
            at, _, ep = heapq.heappop(self._episodes)
            if at < now - CATCHUP_S:
                dropped += 1
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
        return out, dropped
