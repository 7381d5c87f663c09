"""An import started from /admin/geography: run in a thread of the web process that took
the upload, its stage, counts and report in Redis, so the page's polls show a progress
bar whichever web process serves them.

A running import renews its key every GEO_IMPORT_BEAT_S; if its process ends mid-way
the key lapses and the page says so (an import is all or nothing: nothing was written).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import redis

from feeds import constants as K
from feeds.settings import Settings

log = logging.getLogger("watchfloor.web")

Progress = Callable[[str, int, int], None]
Run = Callable[[Progress], str]  # the import itself; returns its report as text

RUNNING, DONE, FAILED, LOST = "running", "done", "failed", "lost"


@dataclass(frozen=True)
class Job:
    state: str
    stage: str = ""
    done: int = 0
    total: int = 0
    report: str = ""

    @property
    def share(self) -> float:
        return min(self.done / self.total, 1.0) if self.total > 0 else 0.0

    @property
    def finished(self) -> bool:
        return self.state != RUNNING


@dataclass(frozen=True)
class Started:
    job: str
    thread: threading.Thread


def start(r: redis.Redis, settings: Settings, run: Run) -> Started:
    job = uuid.uuid4().hex
    key = settings.key(K.K_GEO_IMPORT + job)
    pipe = r.pipeline(transaction=True)
    pipe.hset(key, mapping={"state": RUNNING, "stage": "reading", "done": 0, "total": 1})
    pipe.expire(key, K.GEO_IMPORT_RUNNING_TTL_S)
    pipe.execute()
    thread = threading.Thread(target=_run, args=(r, key, run), name="geo-import", daemon=True)
    thread.start()
    return Started(job, thread)


def read(r: redis.Redis, settings: Settings, job: str) -> Job:
    got = r.hgetall(settings.key(K.K_GEO_IMPORT + job))
    if not got:
        return Job(LOST)
    return Job(
        str(got.get("state", LOST)),
        str(got.get("stage", "")),
        int(got.get("done", 0)),
        int(got.get("total", 0)),
        str(got.get("report", "")),
    )


class _Writer:
    """The import's progress into its key, once per stage and percent."""

    def __init__(self, r: redis.Redis, key: str) -> None:
        self.r, self.key = r, key
        self.last: tuple[str, int] = ("", -1)

    def __call__(self, stage: str, done: int, total: int) -> None:
        step = int(100 * done / total) if total > 0 else 100
        if (stage, step) == self.last:
            return
        self.last = (stage, step)
        try:
            pipe = self.r.pipeline(transaction=True)
            pipe.hset(self.key, mapping={"stage": stage, "done": done, "total": total})
            pipe.expire(self.key, K.GEO_IMPORT_RUNNING_TTL_S)
            pipe.execute()
        except redis.RedisError as exc:  # the page misses a step; the import goes on
            log.warning("import progress not written: %r", exc)


def _beat(r: redis.Redis, key: str, stop: threading.Event) -> None:
    # steps can be far apart (reading a 70 MB CSV): the key must outlive them
    while not stop.wait(K.GEO_IMPORT_BEAT_S):
        try:
            r.expire(key, K.GEO_IMPORT_RUNNING_TTL_S)
        except redis.RedisError as exc:
            log.warning("import key not renewed: %r", exc)


def _run(r: redis.Redis, key: str, run: Run) -> None:
    stop = threading.Event()
    beat = threading.Thread(target=_beat, args=(r, key, stop), name="geo-import-beat", daemon=True)
    beat.start()
    try:
        report, state = run(_Writer(r, key)), DONE
    except Exception as exc:
        log.exception("an import from the admin page failed")
        report, state = f"导入失败 / the import failed: {exc!r}", FAILED
    finally:
        stop.set()
        beat.join()  # else its last renewal could shorten the finished key's life
    try:
        pipe = r.pipeline(transaction=True)
        pipe.hset(key, mapping={"state": state, "report": report})
        pipe.expire(key, K.GEO_IMPORT_KEEP_S)
        pipe.execute()
    except redis.RedisError as exc:
        log.warning("import report not written: %r", exc)
