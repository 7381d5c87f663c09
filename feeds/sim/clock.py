"""The simulation's two clocks, and times of day written as HH:MM.

Simulated time (seconds since midnight of the first simulated day) runs ``speed`` times
faster than real time from ``sim_start``: ``sim = sim_start + (real - real_start) * speed``.
It sets only the day's rhythm (``feeds.sim.day``). Every event carries a real wall-clock
timestamp (epoch ms), and whatever is measured against the 1/3/5-minute limits runs in
real seconds (sensor heartbeats, responders' delays), so a sped-up day still shows true
SLA colours.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SimClock:
    real_start: float  # epoch seconds
    sim_start: float  # seconds since midnight of the first simulated day
    speed: float

    def sim(self, real: float) -> float:
        return self.sim_start + (real - self.real_start) * self.speed

    def real(self, sim: float) -> float:
        return self.real_start + (sim - self.sim_start) / self.speed


def parse_time_of_day(text: str) -> float:
    """'18:30' or '18:30:15' -> seconds since midnight."""
    parts = [int(p) for p in text.split(":")]
    if not 2 <= len(parts) <= 3 or min(parts) < 0 or parts[0] >= 24 or max(parts[1:]) >= 60:
        raise ValueError(f"time of day {text!r}: expected HH:MM or HH:MM:SS")
    return float(parts[0] * 3600 + parts[1] * 60 + (parts[2] if len(parts) == 3 else 0))


def clock_label(sim: float) -> str:
    minutes = int(sim // 60) % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
