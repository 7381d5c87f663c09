"""What a replay holds: the district's fixed reference data, the cursor with everything
known at a moment, and what one step forward changed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from feeds.pipeline import Incident
from feeds.store import load_rows
from feeds.tables import crowd_zones, sensors

Row = dict[str, Any]


@dataclass(frozen=True)
class Fixed:
    """The district's sensors and crowd zones (reference data, read once)."""

    kinds: dict[str, str]  # sensor -> kind
    where: dict[str, tuple[float, float]]  # crowd counter -> (lon, lat)
    zone_of: dict[str, str | None]  # crowd counter -> its zone
    zones: tuple[str, ...]
    meta: dict[str, list[Any]]  # sensor -> [kind, lon, lat], as Live.sensor_meta

    @classmethod
    def load(cls, conn: Connection) -> Fixed:
        rows = load_rows(conn, sensors)
        return cls(
            kinds={s["id"]: s["kind"] for s in rows},
            where={s["id"]: (s["lon"], s["lat"]) for s in rows if s["kind"] == "crowd"},
            zone_of={s["id"]: s["zone"] for s in rows if s["kind"] == "crowd"},
            zones=tuple(sorted(z["code"] for z in load_rows(conn, crowd_zones))),
            meta={s["id"]: [s["kind"], s["lon"], s["lat"]] for s in rows},
        )


@dataclass
class Changes:
    grids: set[str] = field(default_factory=set)
    upserts: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)


@dataclass
class Cursor:
    """Everything known at moment ``t``; ``advance`` moves it forward."""

    t: int
    day_start: int
    minutes: dict[int, Counter[str]]  # minute -> micro-grid -> reports, the rolling hour
    hour: Counter[str]
    day: Counter[str]
    day_rows: dict[str, Row]  # today's incidents, for the headline and compliance
    open: dict[str, tuple[Row, Incident]]
    summaries: dict[str, dict[str, Any]]  # open incident -> its wall summary at t
    ratings: list[int]
    latest: dict[str, tuple[int, Mapping[str, Any]]]  # reading key -> its latest minute row
    peak: dict[str, Any] | None
    seq: int = 0
    sent: dict[str, Any] = field(default_factory=dict)  # zones, sensors, board last sent
    compliance: tuple[int, dict[str, Any]] | None = None  # (minute, today's compliance then)
    # (minute, zones, sensors then): readings change only with the minute, a frame is 5 s at 60x
    readings: tuple[int, dict[str, int], dict[str, str]] | None = None
