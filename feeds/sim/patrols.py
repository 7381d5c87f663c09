"""Grid workers' patrols in the simulated day: check-ins at buildings (wire format v2),
most finding nothing. Pure and deterministic per (seed, hour), shared by the simulator
and the history generator."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Literal

import numpy as np

from feeds.sim.rhythm import HOURLY
from feeds.sim.text import person

CHECKINS_PER_DAY = 3000.0  # at volume 1: about a third of the district's buildings
ISSUE_SHARE = 0.03  # check-ins that found something (fixed on the spot or reported)
NEGLECTED_EVERY = 12  # one grid in twelve is seldom patrolled: the page must show it
NEGLECTED_WEIGHT = 0.03


@dataclass(frozen=True)
class CheckIn:
    t: float  # simulated seconds
    address: str
    worker: str
    found: Literal["nothing", "issue"]


def grid_of(micro_grid: str) -> str:
    return micro_grid.rsplit("-", 1)[0]


class Patrols:
    """Which buildings each grid's worker checks in at, hour by hour."""

    def __init__(self, buildings: list[tuple[str, str]], seed: int, volume: float = 1.0) -> None:
        """``buildings``: (address code, micro-grid) of every building."""
        by_grid: dict[str, list[str]] = {}
        for code, micro in sorted(buildings):
            by_grid.setdefault(grid_of(micro), []).append(code)
        self.grids = sorted(by_grid)
        self.codes = [by_grid[g] for g in self.grids]
        w = np.array(
            [
                NEGLECTED_WEIGHT if zlib.crc32(g.encode()) % NEGLECTED_EVERY == 0 else 1.0
                for g in self.grids
            ]
        ) * np.array([len(c) for c in self.codes])
        self.weights = w / w.sum()
        names = np.random.default_rng([seed, 31])
        self.workers = ["网格员 " + person(names) for _ in self.grids]
        self.seed = seed
        self.volume = volume

    def in_hour(self, hour: int, day_factor: float = 1.0) -> list[CheckIn]:
        """Check-ins in simulated hour ``hour`` (hours since the first midnight)."""
        rng = np.random.default_rng([self.seed, 5, hour])
        n = int(
            rng.poisson(CHECKINS_PER_DAY * self.volume * day_factor * HOURLY["patrol"][hour % 24])
        )
        if n == 0:
            return []
        grids = rng.choice(len(self.grids), size=n, p=self.weights)
        times = np.sort(rng.uniform(hour * 3600.0, (hour + 1) * 3600.0, n))
        out = []
        for t, g in zip(times, grids, strict=True):
            codes = self.codes[int(g)]
            found: Literal["nothing", "issue"] = (
                "issue" if rng.random() < ISSUE_SHARE else "nothing"
            )
            out.append(
                CheckIn(
                    float(t),
                    codes[int(rng.integers(len(codes)))],
                    self.workers[int(g)],
                    found,
                )
            )
        return out
