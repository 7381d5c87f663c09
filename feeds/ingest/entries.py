"""Stream entries: decoding them, dead letters, and acknowledging a batch."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import redis
from sqlalchemy.exc import OperationalError

from feeds import constants as K
from feeds import records, store
from feeds.schemas import InvalidEntry

if TYPE_CHECKING:
    from feeds.ingest.worker import Worker

log = logging.getLogger("watchfloor.ingest")

Entry = tuple[str, dict[str, str]]
Dead = tuple[str, dict[str, str], str]  # entry id, fields, reason
TRANSIENT = (redis.ConnectionError, redis.TimeoutError, OperationalError)


def decode(
    entries: list[Entry], decoder: Callable[[dict[str, str]], Any]
) -> tuple[list[Any], list[Dead]]:
    """The events that decode, and the dead letters of those that do not."""
    good, dead = [], []
    for eid, fields in entries:
        if not fields:  # trimmed from the stream before it was read (see trims.py)
            continue
        if not all(map(str.isascii, fields.values())) or not all(map(str.isascii, fields)):
            poison = not_utf8(fields)
            if poison is not None:
                dead.append((eid, printable(fields), poison))
                continue
        try:
            good.append(decoder(fields))
        except InvalidEntry as exc:
            dead.append((eid, fields, str(exc)))
    return good, dead


def escaped(text: str) -> str:
    """Text as read with surrogateescape, invalid UTF-8 bytes shown as ``\\xNN``."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def not_utf8(fields: dict[str, str]) -> str | None:
    """Why an entry is not valid UTF-8 (the client reads bytes it cannot decode as
    lone surrogates, see feeds/connections.py), or None."""
    for name, value in fields.items():
        for text, what in ((name, "field name"), (value, "value of")):
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                label = f"{what} {escaped(name)!r}" if what == "value of" else what
                return f"not valid UTF-8: {label}: {escaped(text)[:200]!r}"
    return None


def printable(fields: dict[str, str]) -> dict[str, str]:
    """The fields with invalid bytes as backslash escapes: safe to store and show."""
    return {escaped(k): escaped(v) for k, v in fields.items()}


def finish(
    w: Worker, pipe: Any, stream: str, entries: list[Entry], dead: list[Dead], now: int
) -> None:
    """Write dead letters to their stream, mark the newest event, acknowledge the batch."""
    for eid, fields, reason in dead:
        log.info("dead letter %s %s: %s", stream, eid, reason)
        pipe.xadd(
            w.s.key(K.STREAM_DEAD),
            records.dead_entry(stream, eid, fields, reason, now),
            maxlen=K.MAXLEN_DEAD,
            approximate=True,
        )
    pipe.set(w.s.key(K.K_LAST_EVENT), now)
    w.meter.acked(stream, len(entries), [reason for _, _, reason in dead])
    if entries:
        pipe.xack(w.stream_key(stream), K.GROUP, *[eid for eid, _ in entries])
    pipe.execute()


def dead_only(w: Worker, stream: str, dead: list[Dead]) -> None:
    """Dead-letter entries (SQL and stream) and acknowledge them."""
    now = w.clock()
    with w.engine.begin() as conn:
        fresh = record_dead(conn, stream, dead, now)
    finish(w, w.r.pipeline(transaction=False), stream, [(d[0], d[1]) for d in dead], fresh, now)


def record_dead(conn: Any, stream: str, dead: list[Dead], now: int) -> list[Dead]:
    """Dead letters into SQL; those not recorded before (the ones to add to the stream)."""
    if not dead:
        return []
    fresh = store.add_dead_letters(conn, [records.dead_row(stream, *d, at=now) for d in dead])
    return [d for d in dead if d[0] in fresh]
