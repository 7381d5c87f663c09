"""The fault suite, short: kills, Redis restart and wipe, PostgreSQL restart, malformed
entries; each asserts the zeros (`make faults` runs the full sizes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import Engine, delete, insert

from bench.faults import cases
from bench.faults.__main__ import table
from bench.faults.check import Figures, figures, settle
from bench.faults.harness import Row
from bench.faults.load import make_load
from bench.faults.services import OwnPostgres
from feeds import records
from feeds.ingest import Worker
from feeds.reference import Reference
from feeds.schemas import decode_action, decode_report
from feeds.settings import Settings
from feeds.tables import dead_letters, incidents
from tests.helpers import drain

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def own_pg() -> Iterator[OwnPostgres]:
    """A PostgreSQL cluster of our own, so that restarting it disturbs nobody."""
    pg = OwnPostgres()
    pg.start()
    yield pg
    pg.stop()


def assert_zeros(row: Row) -> None:
    f = row.figures
    why = table([row])
    assert (f.lost_reports, f.lost_actions, f.wrong_state) == (0, 0, 0), why
    assert f.dead_valid == 0, why
    assert f.duplicates == 0, why
    assert (f.pending, f.unread) == (0, 0), why
    assert f.live_diff == dict.fromkeys(f.live_diff, 0), why
    assert row.ok, why


def test_the_load_is_what_a_console_would_send(reference: Reference) -> None:
    load = make_load(reference, 2_000, 5.0, "t")
    assert len(load) == 2_000
    seen: set[str] = set()
    for _at, stream, fields in load.schedule:
        if stream == "reports":
            seen.add(decode_report(fields).id)
        elif stream == "actions":
            act = decode_action(fields)
            assert act.incident in seen, "an action is sent after its report"
    assert load.reports == seen
    assert set(load.state.values()) >= {"reported", "dispatched", "closed"}


def test_the_figures_see_a_lost_report_a_refused_action_and_stale_live_state(
    settings: Settings, r: redis.Redis, engine: Engine, reference: Reference, worker: Worker
) -> None:
    load = make_load(reference, 600, 1.0, "f")
    pipe = r.pipeline(transaction=False)
    for _at, stream, fields in load.schedule:
        pipe.xadd(settings.key(stream), fields)
    pipe.execute()
    drain(worker, rounds=50)
    worker.reconcile()

    def measure() -> Figures:
        return figures(
            r, settings, engine, load.reports, load.actions, load.trail, load.state, load.valid_ids
        )

    clean = measure()
    assert clean.clean, clean
    gone = sorted(i for i, st in load.state.items() if st == "accepted")[0]
    action = next(a for a, i in load.actions.items() if i == gone)
    with engine.begin() as conn:
        conn.execute(delete(incidents).where(incidents.c.id == gone))
        row = records.dead_row("actions", "1-0", {"id": action}, "refused", at=1)
        conn.execute(insert(dead_letters), [row])
    broken = measure()
    assert broken.lost_reports == 1
    assert broken.dead_valid == 1
    assert broken.live_diff["open"] == 1
    assert broken.live_diff["grids"] == 1
    assert not broken.clean


def test_settle_waits_past_its_deadline_while_a_backlog_still_drains() -> None:
    left = iter([900, 700, 500, 300, 100] + [50] * 100)  # drains, then sticks at 50

    def draining() -> Figures:
        return Figures(unread=next(left))

    f, _waited = settle(draining, timeout=0.5, quiet=0.6)
    assert f.unread in (700, 500, 300)  # the deadline, however it moves
    f, waited = settle(draining, timeout=0.5, quiet=0.6, moving=20.0)
    assert f.unread == 50  # on while it moved
    assert waited < 6.0  # and stopped once it stuck, long before 20 x the deadline


@pytest.mark.own_servers
def test_kills_sqlite(tmp_path: Path) -> None:
    row = cases.kills(tmp_path, "sqlite", None, cases.SHORT)
    assert row.kills == cases.SHORT.kills
    assert_zeros(row)


@pytest.mark.own_servers
def test_kills_postgresql(tmp_path: Path, own_pg: OwnPostgres) -> None:
    row = cases.kills(tmp_path, "postgresql", own_pg.url, cases.SHORT)
    assert row.kills == cases.SHORT.kills
    assert_zeros(row)


@pytest.mark.own_servers
def test_redis_restart_loses_nothing_and_the_wall_reconnects(tmp_path: Path) -> None:
    assert_zeros(cases.redis_restart(tmp_path, "sqlite", None, cases.SHORT))


@pytest.mark.own_servers
def test_redis_wipe_keeps_sql_and_rebuilds_live_state(tmp_path: Path) -> None:
    assert_zeros(cases.redis_wipe(tmp_path, "sqlite", None, cases.SHORT))


@pytest.mark.own_servers
def test_postgresql_restart_loses_nothing(tmp_path: Path, own_pg: OwnPostgres) -> None:
    assert_zeros(cases.pg_restart(tmp_path, own_pg, cases.SHORT))


@pytest.mark.own_servers
def test_malformed_entries_are_dead_lettered_and_good_ones_applied(tmp_path: Path) -> None:
    assert_zeros(cases.malformed(tmp_path, "sqlite", None, cases.SHORT))


@pytest.mark.own_servers
def test_kills_on_a_redis_cluster_with_shards(tmp_path: Path) -> None:
    """Workers SIGKILLed while they own shards of a loopback Redis Cluster: the next owner
    takes each shard over with its pending entries (a primary killed is in test_cluster)."""
    row = cases.kills(tmp_path, "sqlite", None, cases.SHORT, cluster=True)
    assert row.kills == cases.SHORT.kills
    assert_zeros(row)
