"""The history generator: realistic days, idempotent, rollups equal to a recount."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from feeds.history.day import fireworks_night, muck_per_day
from feeds.history.load import generate
from feeds.sla import SlaPolicy
from feeds.stats import rollup, sensing
from feeds.stats.period import Period
from feeds.stats.rollup import crowd
from feeds.tables import incident_events, incidents, reading_minutes
from tests.stats_history import TZ, ms

NOW = ms(2026, 8, 2, 9)  # a Sunday morning; Saturday 1 August was a fireworks night


def count(engine: Engine, table: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_three_days_of_history_idempotent_with_rollups(engine: Engine) -> None:
    policy = SlaPolicy()
    # made in the maker processes the first time, in this one the second
    first = generate(engine, policy, 3, NOW, scale=1.0, parallel=True)
    n, events, minutes = (
        count(engine, incidents),
        count(engine, incident_events),
        count(engine, reading_minutes),
    )
    assert first.incidents == n
    # about 400 field reports a weekday (fewer at weekends), about 100+ muck-truck alarms
    assert 3 * 300 < n < 3 * 700
    assert events > 4 * n  # a trail of several steps each
    assert minutes >= 3 * 8 * 1440  # eight crowd zones, every minute
    again = generate(engine, policy, 3, NOW, scale=1.0, parallel=False)
    assert first.patrols > 3 * 800  # check-ins, fewer on the weekend
    assert again.incidents == again.events == again.minutes == again.patrols == 0
    assert (count(engine, incidents), count(engine, incident_events)) == (n, events)
    with engine.connect() as conn:
        stored = rollup.stored(conn)
        assert stored == rollup.recount(conn, TZ)
        assert sum(n for n, _ in stored["roll_patrol_days"].values()) == first.patrols
        assert crowd.stored(conn) == crowd.recount(conn) != {}
        states = dict(
            conn.execute(select(incidents.c.state, func.count()).group_by(incidents.c.state)).all()
        )
        late = conn.execute(select(func.count()).where(incidents.c.late != "")).scalar_one()
        returns = conn.execute(
            select(func.count()).where(incident_events.c.action == "reassign")
        ).scalar_one()
        rated = conn.execute(
            select(func.count()).where(incidents.c.rating.is_not(None))
        ).scalar_one()
        peaks = sensing.crowd_peaks(conn, Period.days(date(2026, 8, 1), date(2026, 8, 1), TZ))
    assert states.get("closed", 0) > n // 2
    assert late > 0 and returns > 0 and rated > 0
    z01 = next(p for p in peaks if p["zone"] == "Z01")
    assert z01["peak"] > 300_000  # the fireworks night
    assert ms(2026, 8, 1, 20) <= z01["at"] < ms(2026, 8, 1, 21, 30)


def test_rates_through_the_year() -> None:
    today = date(2026, 12, 1)
    assert muck_per_day(today - timedelta(days=365), today) == 300
    assert muck_per_day(today - timedelta(days=1), today) < 101
    assert fireworks_night(date(2026, 10, 1)) and not fireworks_night(date(2026, 10, 2))


@pytest.mark.own_servers
def test_the_history_command_runs_in_a_fresh_process(tmp_path: Path) -> None:
    """`watchfloor history` imports cleanly on its own (no import cycle) and fills a store."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["WATCHFLOOR_VAR"] = str(tmp_path)
    out = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "history", "--days", "1", "--no-crowd", "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "history added: 1 days:" in out.stdout
    assert "patrol check-ins" in out.stdout
