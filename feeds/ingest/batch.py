"""A round's entries applied: streams in order, each batch to its stream's module, a batch
that fails split until the entries at fault are alone and dead-lettered."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from feeds import constants as K
from feeds.ingest import trims
from feeds.ingest.actions import apply_actions
from feeds.ingest.entries import TRANSIENT, Entry, dead_only, printable
from feeds.ingest.patrols import apply_patrols
from feeds.ingest.readings import apply_readings
from feeds.ingest.reports import apply_reports

if TYPE_CHECKING:
    from feeds.ingest.worker import Worker

log = logging.getLogger("watchfloor.ingest")


def handle_all(w: Worker, got: dict[str, list[Any]]) -> int:
    """Apply one round (stream -> entries read); the number of entries handled."""
    handled = 0
    # Reports first, so that actions in the same round find their incident.
    for stream in K.INPUT_STREAMS:
        entries = got.get(stream) or []
        if entries:
            # a pending entry read again after MAXLEN trimmed it comes without fields
            gone = [eid for eid, fields in entries if not fields]
            trims.lost_pending(w, stream, gone, "pending, trimmed before it was applied")
            started = time.perf_counter()
            w.handle(stream, [(eid, fields) for eid, fields in entries if fields])
            w.meter.batch(stream, time.perf_counter() - started)
            handled += len(entries)
    return handled


def handle(w: Worker, stream: str, entries: list[Entry], top: bool = True) -> None:
    """Apply entries. Bad entries are refused one by one while decoding; a batch that
    still fails is split in halves until the entries at fault are alone, and those are
    dead-lettered: a few round trips more, not one per entry, and one traceback."""
    try:
        apply(w, stream, entries)
    except TRANSIENT:
        raise
    except Exception as exc:
        if top:
            log.warning("a batch of %d %s entries failed", len(entries), stream, exc_info=True)
        if len(entries) == 1:
            eid, fields = entries[0]
            log.warning("entry %s %s failed: %r", stream, eid, exc)
            dead_only(w, stream, [(eid, printable(fields), f"processing failed: {exc!r}")])
            return
        half = len(entries) // 2
        w.handle(stream, entries[:half], top=False)
        w.handle(stream, entries[half:], top=False)


def apply(w: Worker, stream: str, entries: list[Entry]) -> None:
    if stream == K.STREAM_REPORTS:
        apply_reports(w, entries)
    elif stream == K.STREAM_SENSORS:
        apply_readings(w, entries)
    elif stream == K.STREAM_PATROLS:
        apply_patrols(w, entries)
    else:
        apply_actions(w, entries)
