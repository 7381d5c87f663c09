"""The sign-in throttle and the trail of sign-ins.

Per address first: 5 failures in 10 minutes lock that address, for 1 minute and then
twice as long each time it happens again that day (up to an hour). Per account second,
and bounded: 10 failures from anywhere since its last lock lock the account for at most
5 minutes, and never for an address that has signed in to it before; so an attacker
cannot lock everyone out for good, and guessing a password stays slow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy import Column, ColumnElement, Connection, delete, func, select

from feeds.tables import reveals, signins

WINDOW_MS: Final = 10 * 60_000
ADDRESS_FAILS: Final = 5
ACCOUNT_FAILS: Final = 10
BASE_LOCK_MS: Final = 60_000
ADDRESS_MAX_LOCK_MS: Final = 3600_000
ACCOUNT_MAX_LOCK_MS: Final = 5 * 60_000
HISTORY_MS: Final = 86_400_000  # how far back earlier locks make the next one longer
KNOWN_MS: Final = 30 * 86_400_000  # an address that signed in to an account this recently
KEEP_MS: Final = 90 * 86_400_000  # the trail is kept this long


@dataclass(frozen=True)
class Lock:
    scope: str  # address or account
    until: int  # epoch ms


def lock_ms(earlier_locks: int, cap_ms: int) -> int:
    """How long the next lock lasts: doubling from a minute, capped."""
    return int(min(BASE_LOCK_MS * 2 ** min(earlier_locks, 20), cap_ms))


def _count(conn: Connection, *where: ColumnElement[bool]) -> int:
    return int(conn.execute(select(func.count()).select_from(signins).where(*where)).scalar_one())


def _last_lock(conn: Connection, scope: str, column: Column[str], value: str) -> int:
    last = conn.execute(
        select(func.max(signins.c.until)).where(
            signins.c.outcome == "lock", signins.c.scope == scope, column == value
        )
    ).scalar_one()
    return int(last or 0)


def known_address(conn: Connection, username: str, address: str, now: int) -> bool:
    return (
        _count(
            conn,
            signins.c.username == username,
            signins.c.address == address,
            signins.c.outcome == "ok",
            signins.c.at > now - KNOWN_MS,
        )
        > 0
    )


def locked(conn: Connection, username: str, address: str, now: int) -> Lock | None:
    """The lock in force for this address, or for this account from this address, if any."""
    until = _last_lock(conn, "address", signins.c.address, address)
    if until > now:
        return Lock("address", until)
    until = _last_lock(conn, "account", signins.c.username, username)
    if until > now and not known_address(conn, username, address, now):
        return Lock("account", until)
    return None


def _record(
    conn: Connection,
    now: int,
    username: str,
    address: str,
    outcome: str,
    scope: str = "",
    until: int | None = None,
) -> None:
    conn.execute(
        signins.insert().values(
            at=now,
            username=username[:64],
            address=address[:64],
            outcome=outcome,
            scope=scope,
            until=until,
        )
    )


def record_ok(conn: Connection, username: str, address: str, now: int) -> None:
    _record(conn, now, username, address, "ok")


def record_refused(conn: Connection, username: str, address: str, now: int, lock: Lock) -> None:
    """An attempt turned away while locked (not counted as a failure: it was never checked)."""
    _record(conn, now, username, address, "refused", lock.scope, lock.until)


def record_failure(conn: Connection, username: str, address: str, now: int) -> Lock | None:
    """Record a wrong password; the lock it brings about, if any (recorded too)."""
    _record(conn, now, username, address, "fail")
    since = now - WINDOW_MS
    fails = _count(
        conn, signins.c.address == address, signins.c.outcome == "fail", signins.c.at > since
    )
    if fails >= ADDRESS_FAILS:
        earlier = _count(
            conn,
            signins.c.address == address,
            signins.c.outcome == "lock",
            signins.c.scope == "address",
            signins.c.at > now - HISTORY_MS,
        )
        lock = Lock("address", now + lock_ms(earlier, ADDRESS_MAX_LOCK_MS))
        _record(conn, now, username, address, "lock", lock.scope, lock.until)
        _forget_old(conn, now)
        return lock
    after = max(since, _last_lock(conn, "account", signins.c.username, username))
    account_fails = _count(
        conn, signins.c.username == username, signins.c.outcome == "fail", signins.c.at > after
    )
    if account_fails >= ACCOUNT_FAILS:
        earlier = _count(
            conn,
            signins.c.username == username,
            signins.c.outcome == "lock",
            signins.c.scope == "account",
            signins.c.at > now - HISTORY_MS,
        )
        lock = Lock("account", now + lock_ms(earlier, ACCOUNT_MAX_LOCK_MS))
        _record(conn, now, username, address, "lock", lock.scope, lock.until)
        return lock
    return None


def _forget_old(conn: Connection, now: int) -> None:
    conn.execute(delete(signins).where(signins.c.at < now - KEEP_MS))


def trail(
    conn: Connection, limit: int = 50, problems_only: bool = False
) -> list[dict[str, object]]:
    """The latest sign-ins, newest first (only failures, locks and refusals if asked)."""
    stmt = select(signins).order_by(signins.c.id.desc()).limit(limit)
    if problems_only:
        stmt = stmt.where(signins.c.outcome != "ok")
    return [dict(r._mapping) for r in conn.execute(stmt)]


def record_reveal(conn: Connection, username: str, what: str, target: str, now: int) -> None:
    """Someone was shown personal data a view masks: who, what, when."""
    conn.execute(
        reveals.insert().values(at=now, username=username[:64], what=what[:32], target=target[:120])
    )


def recent_reveals(conn: Connection, limit: int = 20) -> list[dict[str, object]]:
    stmt = select(reveals).order_by(reveals.c.id.desc()).limit(limit)
    return [dict(r._mapping) for r in conn.execute(stmt)]
