"""A small hand-built history for the figures' tests, sent through the real ingest
worker. Every expected value in tests/test_stats_*.py is worked out by hand from it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from feeds.ingest import Worker
from feeds.reference import Reference
from feeds.schemas import Action, Report
from tests.helpers import ACTIONS, REPORTS, drain, xadd

TZ = "Asia/Shanghai"
ZONE = ZoneInfo(TZ)


def ms(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> int:
    return int(datetime(y, mo, d, h, mi, s, tzinfo=ZONE).timestamp() * 1000)


class History:
    """Collects reports and actions, then feeds them to a worker in time order."""

    def __init__(self, ref: Reference, prefix: str) -> None:
        self.ref = ref
        self.prefix = prefix
        self.reports: list[Report] = []
        self.actions: list[Action] = []
        self._n = 0

    def report(self, name: str, ts: int, address: str, **over: Any) -> str:
        iid = f"{self.prefix}-{name}"
        base: dict[str, Any] = dict(
            id=iid,
            source="qr",
            kind="complaint",
            category="neighbour",
            ts=ts,
            text="测试",
            address=address,
        )
        base.update(over)
        self.reports.append(Report(**base))
        return iid

    def act(self, iid: str, action: str, ts: int, **over: Any) -> None:
        self._n += 1
        base: dict[str, Any] = dict(
            id=f"{iid}-{self._n}-{action}",
            incident=iid,
            action=action,
            actor="值班员 测试",
            ts=ts,
        )
        base.update(over)
        self.actions.append(Action(**base))

    def load(self, worker: Worker) -> None:
        xadd(worker.r, worker.s, REPORTS, *sorted(self.reports, key=lambda r: r.ts))
        drain(worker)
        xadd(worker.r, worker.s, ACTIONS, *sorted(self.actions, key=lambda a: a.ts))
        drain(worker)
