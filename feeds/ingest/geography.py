"""An ingest worker follows the geography: a new import's reference data, no restart.

The worker reads the geography key (feeds.geography.switch) in the pipeline it sends
every round anyway. When the value moved, a thread of its own loads the reference data
again from SQL (cells, the point-to-grid index, a million addresses: tens of seconds on
a busy machine) while the worker goes on applying entries with the reference it has;
the round after the load ends, the new reference is put in place between two batches.
A load that fails is logged and tried again after GEO_RELOAD_RETRY_S.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from feeds import constants as K
from feeds.geography import switch
from feeds.reference import Reference

if TYPE_CHECKING:
    from feeds.ingest.worker import Worker

log = logging.getLogger("watchfloor.ingest")


def load_reference(engine: Engine) -> Reference:
    with engine.connect() as conn:
        return Reference.load(conn)


class Reload:
    """One load of the reference data for the key's value `token`, in a daemon thread
    (a worker stopping mid-load does not wait for it)."""

    def __init__(self, token: str, load: Callable[[], Reference]) -> None:
        self.token = token
        self.done = threading.Event()
        self.ref: Reference | None = None
        self.error: BaseException | None = None
        self._load = load
        self._thread = threading.Thread(target=self._run, name="geo-reload", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.ref = self._load()
        except Exception as exc:  # the worker's thread logs it and tries again later
            self.error = exc
        finally:
            self.done.set()


def follow(w: Worker, value: str | None) -> bool:
    """Start a load when the key's value is not the one the worker's reference was
    loaded at, put a finished one in place; True if a new reference went in this round."""
    if value is None:
        # nothing announced since Redis started: write what the store holds, so that
        # the value an import sets later is a change to every worker
        w.geo_token = f"{w.ref.version}:0"
        w.r.set(w.s.key(K.K_GEO_VERSION), w.geo_token, nx=True)
        return False
    swapped = take(w)
    if value == w.geo_token:
        return swapped
    if w.geo_token is None and switch.version_of(value) == w.ref.version:
        w.geo_token = value  # the first value seen, and the version loaded: nothing new
        return swapped
    if w.reloading is None and time.monotonic() >= w.geo_retry_at:
        # a load for an older value still running goes in first; this one starts after
        engine = w.engine
        w.reloading = Reload(value, lambda: w.load_reference(engine))
    return swapped


def take(w: Worker) -> bool:
    """Put a finished load's reference in place; True if it did."""
    done = w.reloading
    if done is None or not done.done.is_set():
        return False
    w.reloading = None
    if done.ref is None:
        w.geo_retry_at = time.monotonic() + K.GEO_RELOAD_RETRY_S
        log.warning(
            "loading geography %s failed (%r); trying again in %d s",
            done.token,
            done.error,
            K.GEO_RELOAD_RETRY_S,
        )
        return False
    ref = done.ref
    w.ref = ref
    w.sensing.ref = ref
    w.geo_token = done.token
    w.register_sensors()
    log.info(
        "geography version %s in use: %d micro-grids, %d addresses",
        ref.version,
        len(ref.index),
        len(ref.buildings),
    )
    return True
