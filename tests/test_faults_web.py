"""The web fault suite, short: every case of bench/faults_web/ refused or served as it
should, with the wall's WebSocket delivering deltas through every phase."""

from __future__ import annotations

import redis
from sqlalchemy import Engine

from bench.faults_web import run, table
from feeds.reference import Reference
from feeds.settings import Settings


def test_web_faults_short(
    settings: Settings, engine: Engine, reference: Reference, r: redis.Redis
) -> None:
    rows = run((settings, engine, reference), short=True)
    failed = [row for row in rows if not row[4]]
    assert not failed, table(rows)
    groups = {row[0] for row in rows}
    assert {"cookie", "origin", "role", "callback", "upload", "sign-in", "rating"} <= groups
    assert {"limit", "parallel", "wall"} <= groups
