"""Patrol check-ins (wire format v2): validated, applied by the ingest worker (a patrol
that found nothing is logged too), idempotent; coverage per grid worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest
import redis
from sqlalchemy import Engine, func, select

from feeds import constants as K
from feeds.ingest import Worker
from feeds.reference import Reference
from feeds.schemas import InvalidEntry, Patrol, decode_patrol, encode
from feeds.settings import Settings
from feeds.sim.patrols import Patrols
from feeds.stats import patrolling
from feeds.stats.period import Period
from feeds.tables import dead_letters, patrols
from tests.helpers import drain, xadd
from tests.stats_history import TZ, ms

DAY = date(2026, 3, 10)


def checkin(n: int, address: str, ts: int, **over: object) -> Patrol:
    base: dict[str, object] = dict(id=f"p-{n}", worker="网格员 王", address=address, ts=ts)
    base.update(over)
    return Patrol(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"id": "p1", "address": "330108-000001", "ts": "1"}, "worker"),
        ({"id": "p1", "worker": "王", "ts": "1"}, "address"),
        (
            {"id": "p1", "worker": "王", "address": "330108-000001", "ts": "1", "found": "maybe"},
            "found",
        ),
        (
            {"id": "p1", "worker": "王", "address": "330108-000001", "ts": "1", "report": "r1"},
            "found nothing",
        ),
        ({"id": "p1", "worker": " ", "address": "330108-000001", "ts": "1"}, "worker"),
    ],
)
def test_bad_checkins_are_refused_with_a_reason(fields: dict[str, str], reason: str) -> None:
    with pytest.raises(InvalidEntry, match=reason):
        decode_patrol(fields)


def test_a_checkin_round_trips_as_v2() -> None:
    p = checkin(1, "330108-000001", 1_700_000_000_000, found="issue", report="R1", note="井盖松动")
    fields = encode(p)
    assert fields["v"] == "2"
    assert decode_patrol(fields) == p


def grid_buildings(reference: Reference, grid: str) -> list[str]:
    return sorted(
        c for c, (_lo, _la, micro) in reference.buildings.items() if micro.startswith(grid + "-")
    )


def test_worker_applies_checkins_and_coverage_per_grid(
    worker: Worker, reference: Reference, engine: Engine, settings: Settings, r: redis.Redis
) -> None:
    g1, g2 = "BJ01-C01-G01", "BJ01-C01-G02"
    b1, b2 = grid_buildings(reference, g1), grid_buildings(reference, g2)
    t = ms(2026, 3, 10, 9)
    # g1: three of its buildings, one of them twice; g2: one; the rest of the district none
    events = [
        checkin(1, b1[0], t),
        checkin(2, b1[1], t + 60_000),
        checkin(3, b1[2], t + 120_000, found="issue", note="楼道堆物，已现场处理"),
        checkin(4, b1[0], t + 3_600_000),
        checkin(5, b2[0], t + 600_000),
    ]
    bad = {"v": "2", "id": "p-x", "worker": "王", "address": "330108-999999", "ts": str(t)}
    xadd(r, settings, K.STREAM_PATROLS, *events, bad, *events[:2])  # and two redelivered
    drain(worker)
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(patrols)).scalar_one()
        reasons = (
            conn.execute(
                select(dead_letters.c.reason).where(dead_letters.c.stream == K.STREAM_PATROLS)
            )
            .scalars()
            .all()
        )
        cov = patrolling.coverage(conn, Period.days(DAY, DAY, TZ))
        week = patrolling.coverage(conn, Period.days(DAY, date(2026, 3, 12), TZ))
        without = patrolling.days_without_patrol(conn, Period.days(DAY, date(2026, 3, 11), TZ))
    assert stored == 5
    assert reasons == ["unknown address code '330108-999999'"]
    rows = {g["grid"]: g for g in cov["grids"]}
    assert rows[g1]["visited"] == 3 and rows[g1]["checkins"] == 4 and rows[g1]["issues"] == 1
    assert rows[g1]["coverage"] == pytest.approx(3 / len(b1))
    assert rows[g2]["coverage"] == pytest.approx(1 / len(b2))
    assert g1 not in cov["no_patrol"] and g2 not in cov["no_patrol"]
    assert len(cov["no_patrol"]) == len(cov["grids"]) - 2
    assert week["grids"][0]["days"] == 3
    assert {g["grid"]: g["days_without"] for g in week["grids"]}[g1] == 2
    assert [d["grids_without"] for d in without] == [len(cov["grids"]) - 2, len(cov["grids"])]


def test_simulated_patrols_leave_some_grids_unvisited(reference: Reference) -> None:
    walks = Patrols([(c, b[2]) for c, b in reference.buildings.items()], seed=7)
    day = [c for h in range(24) for c in walks.in_hour(h)]
    assert 2000 < len(day) < 4000
    assert all(7 * 3600 <= c.t < 19 * 3600 for c in day)  # patrol hours only
    visited = {c.address for c in day}
    grids = {walks.grids[i] for i, codes in enumerate(walks.codes) if visited & set(codes)}
    assert len(walks.grids) - len(grids) >= 10  # the neglected ones show up
    assert 0 < sum(c.found == "issue" for c in day) < len(day) * 0.1
