"""Responders' plans: how the simulated responders will handle one incident. Pure.

A plan is drawn from a generator seeded with (seed, incident), so the same incident is
always handled the same way however often the simulator restarts.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np

from feeds.sim.rhythm import RATING_P
from feeds.sim.text import COMMENTS, OFFICERS, REJECT_REASONS


@dataclass(frozen=True)
class Plan:
    """How one incident will be handled; delays in real seconds unless named sim."""

    officer: str
    accept_s: float  # after the report
    dispatch_s: float  # after it was seen accepted
    arrive_s: float  # after it was seen dispatched
    answer_s: float  # enquiries and suggestions: answered by phone once dispatched
    work_sim_s: float  # on site until resolved, simulated seconds
    close_s: float  # after resolved
    rate_s: float  # after closed
    rating: int | None
    reject: str | None
    escalate: bool
    comment: str | None


def plan_for(seed: int, incident: str, src: str, priority: str, kind: str | None) -> Plan:
    """Pure: the same seed and incident always give the same plan."""
    rng = np.random.default_rng([seed, 9, zlib.crc32(incident.encode())])
    u = rng.random(4)
    urgent = priority == "urgent"
    rating = int(rng.choice(5, p=RATING_P)) + 1
    reason = REJECT_REASONS[int(rng.integers(len(REJECT_REASONS)))]
    comment = COMMENTS[int(rng.integers(len(COMMENTS)))]
    return Plan(
        officer=OFFICERS[int(rng.integers(len(OFFICERS)))],
        accept_s=float(rng.lognormal(math.log(30), 0.59)),  # median 30 s, 12% over a minute
        dispatch_s=float(rng.lognormal(math.log(70), 0.6)),
        arrive_s=float(rng.lognormal(math.log(100 if urgent else 150), 0.5)),
        answer_s=float(rng.uniform(60, 240)),
        work_sim_s=float(rng.uniform(20, 90)) * 60,
        close_s=float(rng.uniform(5, 30)),
        rate_s=float(rng.uniform(10, 60)),
        rating=rating if src in ("qr", "hotline") and u[0] < 0.7 else None,
        reject=reason if kind == "enquiry" and u[1] < 0.1 else None,
        escalate=bool(urgent and u[2] < 0.3),
        comment=comment if u[3] < 0.15 else None,
    )
