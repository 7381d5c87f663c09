"""An admin page's import in a thread: its progress readable from Redis while it runs,
its report after, a failure reported, a key that lapsed said to be lost."""

from __future__ import annotations

import threading

import redis

from dashboard import imports
from feeds import constants as K
from feeds.settings import Settings


def test_progress_is_readable_while_the_import_runs_then_the_report(
    r: redis.Redis, settings: Settings
) -> None:
    placed, release = threading.Event(), threading.Event()

    def job(progress: imports.Progress) -> str:
        progress("reading", 1, 1)
        for done in range(0, 40_001, 100):  # many calls, written once per percent
            progress("placing", done, 100_000)
        placed.set()
        assert release.wait(30)
        progress("writing", 100_000, 100_000)
        return "imported as version 2"

    started = imports.start(r, settings, job)
    assert placed.wait(30)
    running = imports.read(r, settings, started.job)
    assert running == imports.Job(imports.RUNNING, "placing", 40_000, 100_000)
    assert not running.finished and running.share == 0.4
    ttl = r.ttl(settings.key(K.K_GEO_IMPORT + started.job))
    assert 0 < ttl <= K.GEO_IMPORT_RUNNING_TTL_S  # lapses if this process dies

    release.set()
    started.thread.join(30)
    assert not started.thread.is_alive()
    done = imports.read(r, settings, started.job)
    assert done == imports.Job(
        imports.DONE, "writing", 100_000, 100_000, "imported as version 2"
    )
    assert done.finished and done.share == 1.0
    ttl = r.ttl(settings.key(K.K_GEO_IMPORT + started.job))
    assert K.GEO_IMPORT_RUNNING_TTL_S < ttl <= K.GEO_IMPORT_KEEP_S


def test_an_import_that_raises_is_reported_as_failed(r: redis.Redis, settings: Settings) -> None:
    def job(progress: imports.Progress) -> str:
        progress("checking", 3, 10)
        raise OSError("disk full")

    started = imports.start(r, settings, job)
    started.thread.join(30)
    got = imports.read(r, settings, started.job)
    assert got.state == imports.FAILED and got.finished
    assert "disk full" in got.report
    assert (got.stage, got.done, got.total) == ("checking", 3, 10)  # where it stopped


def test_an_unknown_or_lapsed_job_is_lost(r: redis.Redis, settings: Settings) -> None:
    got = imports.read(r, settings, "0" * 32)
    assert got.state == imports.LOST and got.finished and got.share == 0.0
