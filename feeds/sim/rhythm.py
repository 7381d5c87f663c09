"""The simulated day's rhythm: reports per hour, category mixes, crowd curves, episodes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Reports per simulated day at volume 1, and each source's share of them by hour.
DAILY_REPORTS: dict[str, float] = {"qr": 220.0, "patrol": 120.0, "hotline": 60.0}
_RAW_HOURLY: dict[str, tuple[float, ...]] = {
    "qr": (
        0.3,
        0.15,
        0.1,
        0.1,
        0.15,
        0.4,
        1.2,
        2.5,
        4.0,
        5.0,
        5.2,
        4.2,
        3.0,
        3.0,
        3.6,
        3.8,
        4.2,
        4.8,
        5.0,
        4.4,
        3.4,
        2.4,
        1.4,
        0.7,
    ),
    # grid workers patrol 8-12 and 14-18
    "patrol": (0, 0, 0, 0, 0, 0, 0, 0.5, 3, 4, 4, 3, 0.5, 0.5, 3, 4, 4, 3, 0.5, 0, 0, 0, 0, 0),
    "hotline": (
        0.2,
        0.1,
        0.1,
        0.1,
        0.1,
        0.2,
        0.5,
        1.5,
        3.5,
        4.5,
        4.5,
        3.5,
        2.5,
        3.0,
        4.0,
        4.0,
        3.8,
        3.5,
        3.0,
        2.2,
        1.6,
        1.2,
        0.8,
        0.4,
    ),
}
HOURLY: dict[str, tuple[float, ...]] = {
    k: tuple(w / sum(v) for w in v) for k, v in _RAW_HOURLY.items()
}
# Residents report mostly environment and property management (DOMAIN.md).
CATEGORY_MIX: dict[str, dict[str, float]] = {
    "qr": {
        "environment": 0.33,
        "property": 0.31,
        "parking": 0.10,
        "neighbour": 0.07,
        "construction": 0.07,
        "consumer": 0.04,
        "safety": 0.03,
        "fire": 0.01,
        "illegal_building": 0.02,
        "wages": 0.02,
    },
    "patrol": {
        "environment": 0.38,
        "parking": 0.14,
        "construction": 0.11,
        "illegal_building": 0.10,
        "property": 0.09,
        "safety": 0.08,
        "fire": 0.04,
        "consumer": 0.06,
    },
    "hotline": {
        "environment": 0.16,
        "property": 0.16,
        "construction": 0.15,
        "consumer": 0.15,
        "neighbour": 0.12,
        "wages": 0.08,
        "parking": 0.08,
        "safety": 0.04,
        "fire": 0.02,
        "illegal_building": 0.04,
    },
}

# Crowd per zone: (hour of day, people in the whole zone), linearly interpolated.
CROWD_KNOTS: dict[str, tuple[tuple[float, float], ...]] = {
    "Z01": (
        (0, 800),
        (6, 1_500),
        (9, 3_000),
        (15, 4_500),
        (17, 6_000),
        (18, 20_000),
        (19, 80_000),
        (19.75, 230_000),
        (20, 305_000),
        (20.5, 335_000),
        (20.9, 312_000),
        (21.2, 240_000),
        (21.6, 120_000),
        (22, 60_000),
        (23, 15_000),
        (24, 800),
    ),
    "Z02": (
        (0, 500),
        (6, 2_000),
        (8, 15_000),
        (9, 28_000),
        (10, 31_000),
        (11, 32_000),
        (12, 30_000),
        (14, 26_000),
        (16, 27_000),
        (18, 33_000),
        (19, 36_000),
        (20, 34_000),
        (21, 25_000),
        (22, 10_000),
        (23, 3_000),
        (24, 500),
    ),
    "Z03": (
        (0, 200),
        (6, 1_500),
        (8, 9_000),
        (9.5, 4_000),
        (17, 5_000),
        (18, 10_000),
        (19.5, 4_000),
        (23, 800),
        (24, 200),
    ),
    "Z04": (
        (0, 100),
        (6, 2_500),
        (8, 3_000),
        (10, 1_500),
        (17, 3_000),
        (19, 8_000),
        (21, 6_000),
        (23, 500),
        (24, 100),
    ),
    "Z05": ((0, 50), (8, 500), (9.5, 9_000), (12, 11_000), (16, 9_000), (18, 1_000), (24, 50)),
    "Z06": (
        (0, 300),
        (7, 1_000),
        (9, 22_000),
        (12, 25_000),
        (18, 20_000),
        (20, 6_000),
        (22, 1_000),
        (24, 300),
    ),
    "Z07": (
        (0, 300),
        (10, 800),
        (11.5, 4_000),
        (13, 3_500),
        (14.5, 1_200),
        (17.5, 3_000),
        (19, 6_500),
        (21, 4_000),
        (23, 1_200),
        (24, 300),
    ),
    "Z08": (
        (0, 400),
        (7, 1_500),
        (8.5, 4_500),
        (11, 4_200),
        (13, 2_500),
        (15, 3_200),
        (17, 1_800),
        (20, 900),
        (24, 400),
    ),
}
GENERIC_KNOTS: tuple[tuple[float, float], ...] = (
    (0, 200),
    (9, 2_000),
    (12, 3_000),
    (19, 3_500),
    (24, 200),
)
CROWD_NOISE: float = 0.06  # each counter reads within +-6% of its share


@dataclass(frozen=True)
class EpisodeRule:
    per_day: float
    hours: tuple[float, ...]  # relative weight of each hour of the day
    minutes: tuple[float, float]  # simulated duration
    values: tuple[float, float]


def _hours(weights: dict[int, float], rest: float = 0.0) -> tuple[float, ...]:
    return tuple(weights.get(h, rest) for h in range(24))


# Out-of-limit episodes; readings in between are normal. Muck trucks run at night.
EPISODES: dict[str, EpisodeRule] = {
    "muck_truck": EpisodeRule(
        100, _hours(dict.fromkeys((22, 23, 0, 1, 2, 3, 4), 12.0), 0.9), (0, 0), (1, 1)
    ),
    "gas": EpisodeRule(3, _hours({}, 1.0), (5, 20), (28, 60)),
    "fume": EpisodeRule(
        8, _hours({11: 1.0, 12: 1.2, 17: 0.8, 18: 1.2, 19: 0.8}), (15, 40), (2.1, 3.8)
    ),
    "ebike_charging": EpisodeRule(
        2, _hours(dict.fromkeys((*range(19, 24), *range(6)), 1.0)), (10, 30), (59.0, 61.5)
    ),
}
PERIOD_S: dict[str, float] = {"crowd": 10.0}  # real seconds between readings; others once a minute
HEARTBEAT_S: float = 60.0
OFFLINE_SHARE: float = 0.025  # of the site sensors: never send, so the wall shows some offline
URGENT_ALWAYS: frozenset[str] = frozenset({"fire", "safety"})
URGENT_OTHERS: float = 0.02
KIND_MIX: tuple[tuple[str, float], ...] = (
    ("complaint", 0.70),
    ("enquiry", 0.15),
    ("suggestion", 0.15),
)
RATING_P: tuple[float, ...] = (0.02, 0.03, 0.05, 0.20, 0.70)  # 1..5 stars, mean about 4.5


def crowd_level(zone: str | None, sim: float) -> float:
    """People expected in a whole zone at a simulated time."""
    knots = CROWD_KNOTS.get(zone or "", GENERIC_KNOTS)
    hour = (sim / 3600.0) % 24.0
    return float(np.interp(hour, [k[0] for k in knots], [k[1] for k in knots]))
