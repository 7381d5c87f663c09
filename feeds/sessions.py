"""Server-side sessions: who is signed in where, checked on every request, revocable.

The browser holds a random session id (signed, in a cookie); SQL holds its SHA-256 with
the account or kiosk token it belongs to. Each request costs one primary-key read joined
to that account or token, so a disabled account, a changed password (its sessions are
deleted), a revoked kiosk token or a signed-out session stops working at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Connection, delete, select, update

from feeds.clock import now_ms
from feeds.tables import kiosk_tokens, sessions, users
from feeds.users import KIOSK_PREFIX, User

TOUCH_MS: Final = 60_000  # last_seen is written at most once a minute per session
SHORT_ID: Final = 12  # characters of the hash shown and accepted as a session's id


@dataclass(frozen=True)
class Session:
    id_hash: str
    user: User
    kiosk: str | None  # the kiosk token's hash for a wall screen's session


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def open_session(
    conn: Connection,
    ttl_s: int,
    address: str,
    agent: str,
    username: str | None = None,
    kiosk: str | None = None,
) -> str:
    """A new session for an account (``username``) or a kiosk token (its hash): its id."""
    sid = secrets.token_urlsafe(32)
    now = now_ms()
    conn.execute(
        sessions.insert().values(
            id_hash=digest(sid),
            username=username,
            kiosk=kiosk,
            created_at=now,
            last_seen=now,
            expires_at=now + ttl_s * 1000,
            address=address[:64],
            agent=agent[:200],
        )
    )
    return sid


def check_session(conn: Connection, sid: str) -> Session | None:
    """The live session of this id as its account or token is now, else None."""
    if not sid or len(sid) > 100:
        return None
    h = digest(sid)
    row = conn.execute(
        select(
            sessions.c.username,
            sessions.c.kiosk,
            sessions.c.expires_at,
            sessions.c.last_seen,
            users.c.display_name,
            users.c.role,
            users.c.disabled,
            kiosk_tokens.c.label,
            kiosk_tokens.c.disabled.label("kiosk_disabled"),
        )
        .select_from(
            sessions.outerjoin(users, users.c.username == sessions.c.username).outerjoin(
                kiosk_tokens, kiosk_tokens.c.token_hash == sessions.c.kiosk
            )
        )
        .where(sessions.c.id_hash == h)
    ).first()
    now = now_ms()
    if row is None or row.expires_at < now:
        return None
    if row.username is not None:
        if row.role is None or row.disabled:
            return None
        user = User(row.username, row.display_name, row.role)
    elif row.kiosk is not None:
        if row.label is None or row.kiosk_disabled:
            return None
        user = kiosk_user(row.label)
    else:
        return None
    if now - row.last_seen > TOUCH_MS:
        conn.execute(update(sessions).where(sessions.c.id_hash == h).values(last_seen=now))
    return Session(h, user, row.kiosk)


def kiosk_user(label: str) -> User:
    return User(f"{KIOSK_PREFIX}{label}"[:64], label, "wall")


def close_session(conn: Connection, id_hash: str) -> None:
    conn.execute(delete(sessions).where(sessions.c.id_hash == id_hash))


def close_sessions_of(conn: Connection, username: str) -> int:
    """Sign an account out everywhere: the number of sessions ended."""
    return int(conn.execute(delete(sessions).where(sessions.c.username == username)).rowcount)


def close_kiosk_sessions(conn: Connection, token_hash: str) -> int:
    return int(conn.execute(delete(sessions).where(sessions.c.kiosk == token_hash)).rowcount)


def revoke_session(conn: Connection, short_id: str) -> int:
    """End the session whose id (as listed) starts with ``short_id``; how many ended (0 or 1)."""
    if len(short_id) < 8 or not all(c in "0123456789abcdef" for c in short_id):
        return 0
    found = conn.execute(
        select(sessions.c.id_hash).where(sessions.c.id_hash.startswith(short_id)).limit(2)
    ).all()
    if len(found) != 1:
        return 0
    close_session(conn, found[0].id_hash)
    return 1


def list_sessions(conn: Connection) -> list[dict[str, object]]:
    """Live sessions, newest activity first: id, who, since, from where, last seen."""
    stmt = (
        select(
            sessions.c.id_hash,
            sessions.c.username,
            sessions.c.kiosk,
            sessions.c.created_at,
            sessions.c.last_seen,
            sessions.c.address,
            sessions.c.agent,
            kiosk_tokens.c.label,
        )
        .select_from(
            sessions.outerjoin(kiosk_tokens, kiosk_tokens.c.token_hash == sessions.c.kiosk)
        )
        .where(sessions.c.expires_at >= now_ms())
        .order_by(sessions.c.last_seen.desc())
    )
    out: list[dict[str, object]] = []
    for r in conn.execute(stmt):
        who = r.username if r.username is not None else f"{KIOSK_PREFIX}{r.label or '?'}"
        out.append(
            {
                "id": r.id_hash[:SHORT_ID],
                "who": who,
                "since": r.created_at,
                "address": r.address,
                "last_seen": r.last_seen,
                "agent": r.agent,
            }
        )
    return out


def prune(conn: Connection) -> int:
    """Forget expired sessions."""
    return int(conn.execute(delete(sessions).where(sessions.c.expires_at < now_ms())).rowcount)
