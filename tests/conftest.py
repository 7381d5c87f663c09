"""Real services for tests: Redis (TEST_REDIS_URL, else an embedded Valkey) and SQL
(TEST_DATABASE_URL, else a SQLite file). Each test gets its own key prefix."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import Engine, delete

from feeds import store
from feeds.connections import redis_client, valkey_unless
from feeds.ingest import Worker
from feeds.reference import Reference
from feeds.seed import reference_rows
from feeds.settings import Settings
from feeds.sla import SlaPolicy
from feeds.tables import (
    area_residents,
    building_updates,
    dead_letters,
    incident_days,
    incident_events,
    incident_facts,
    incidents,
    metadata,
    parked_actions,
    patrols,
    report_files,
    reports,
    roll_counts,
    roll_crowd_hours,
    roll_hours,
    roll_late,
    roll_outcomes,
    roll_patrol_days,
    roll_patrol_months,
    roll_stages,
    roll_stages_by,
    roll_stages_month,
    roll_units,
    signins,
)
from layers.district import District, build_district


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with valkey_unless(os.environ.get("TEST_REDIS_URL")) as url:
        yield url


@pytest.fixture(scope="session")
def district() -> District:
    return build_district()


@pytest.fixture(scope="session")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


@pytest.fixture(scope="session")
def session_engine(
    db_url: str, district: District, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    settings = Settings(database_url=db_url, var_dir=tmp_path_factory.mktemp("var"))
    engine = store.make_engine(settings)
    metadata.drop_all(engine)
    store.create_schema(engine)
    with engine.begin() as conn:
        store.save_reference(conn, reference_rows(district))
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def reference(session_engine: Engine) -> Reference:
    with session_engine.connect() as conn:
        return Reference.load(conn)


# Derived from incidents (feeds/stats/rollup.py): cleared with them.
FIGURE_TABLES = (
    roll_counts,
    roll_hours,
    roll_stages,
    roll_stages_month,
    roll_stages_by,
    roll_units,
    roll_outcomes,
    roll_late,
    roll_patrol_days,
    roll_patrol_months,
    roll_crowd_hours,  # (from reading_minutes, which the tests that use it clear)
    incident_facts,
    area_residents,
    patrols,
    building_updates,  # from patrols (and imports): feeds/freshness.py
)


@pytest.fixture
def engine(session_engine: Engine) -> Engine:
    with session_engine.begin() as conn:
        # signins too: a test's sign-in lock on 127.0.0.1 must not lock the next test out
        tables = (incidents, incident_days, incident_events, dead_letters, parked_actions, signins)
        for table in (*tables, *FIGURE_TABLES, report_files, reports):
            conn.execute(delete(table))
    return session_engine


@pytest.fixture
def settings(redis_url: str, db_url: str, tmp_path: Path) -> Settings:
    return Settings(
        redis_url=redis_url,
        database_url=db_url,
        var_dir=tmp_path,
        key_prefix=f"test:{uuid.uuid4().hex[:10]}:",
        consumer="test-worker",
        reports_auto=False,  # tests ask for the reports they need
    )


@pytest.fixture
def r(settings: Settings) -> Iterator[redis.Redis]:
    client = redis_client(settings.redis_url or "")
    yield client
    keys = list(client.scan_iter(match=settings.key_prefix + "*", count=1000))
    for i in range(0, len(keys), 500):
        client.delete(*keys[i : i + 500])
    client.close()


@pytest.fixture
def policy() -> SlaPolicy:
    return SlaPolicy()


@pytest.fixture
def worker(
    settings: Settings, r: redis.Redis, engine: Engine, reference: Reference, policy: SlaPolicy
) -> Worker:
    """An ingest worker on this test's streams, driven by the test (``drain``), not a thread."""
    w = Worker(settings, r, engine, reference, policy)
    w.ensure_groups()
    w.read_own_pending = False
    return w


# --- browser tests -----------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from tests.system import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def browser(chromium: Any) -> Iterator[Any]:
    """The session's Chromium; every page a test opened is closed after it, passed or
    failed (a wall left open keeps drawing and slows every later test)."""
    yield chromium
    for context in list(chromium.contexts):
        context.close()


@pytest.fixture
def system(
    settings: Settings, engine: Engine, reference: Reference, r: redis.Redis
) -> Iterator[object]:
    # takes r so that the keys are cleaned only after the system has stopped
    from tests.system import running_system

    with running_system(settings, engine, reference) as s:
        yield s


@pytest.fixture
def wall_url(system: object, engine: Engine) -> str:
    """The running system's wall with a valid kiosk token (wall role, no sign-in)."""
    from tests.signin import kiosk_token

    return f"{system.url}/?kiosk={kiosk_token(engine)}"  # type: ignore[attr-defined]


@pytest.fixture
def officer(engine: Engine) -> object:
    """A fresh duty-officer account (password tests.signin.PASSWORD)."""
    from tests.signin import make_user

    return make_user(engine, "officer", "值班员 测试")


ARTIFACTS = Path(__file__).parent / "artifacts"
