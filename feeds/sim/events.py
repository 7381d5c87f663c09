"""The simulator's events: their ids and timestamps, and how much of them it remembers.

Every event the simulator sends carries an id starting ``sim-`` (reports sim-r-...,
readings sim-s-..., check-ins sim-p-...) or, for responders' actions, a deterministic
``sim:{incident}:{action}``; timestamps are real epoch milliseconds.
"""

from __future__ import annotations

import zlib

CATCHUP_S = 60.0  # events due longer ago than this (the process was stalled) are dropped
REMEMBER = 50_000  # report kinds and finished incidents kept in memory


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


def remember(d: dict[str, str | None], key: str, value: str | None = None) -> None:
    """Keep ``key`` in ``d``, forgetting the oldest entry past ``REMEMBER``."""
    d[key] = value
    if len(d) > REMEMBER:
        del d[next(iter(d))]
