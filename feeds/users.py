"""People who sign in, and kiosk tokens for unattended wall screens: SQL I/O and hashing.

Passwords are stored as bcrypt hashes; kiosk tokens (long random strings) as SHA-256,
which is enough for secrets with 256 bits of entropy and cheap to check per request.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Final

import bcrypt
from sqlalchemy import Connection, delete, func, select, update

from feeds.clock import now_ms
from feeds.tables import kiosk_tokens, sessions, users

ROLES: Final[dict[str, tuple[str, str]]] = {
    "wall": ("大屏", "Wall display"),
    "officer": ("值班员", "Duty officer"),
    "leader": ("领导", "Leader"),
    "admin": ("管理员", "Administrator"),
}
KIOSK_PREFIX: Final = "kiosk:"  # how a wall screen's session is named in the trail and lists
KIOSK_ID: Final = 12  # characters of a kiosk token's hash shown and accepted as its id
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")
MIN_PASSWORD = 8


class AccountError(ValueError):
    """A request about an account that cannot be met; the message says why."""


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def _check_new(username: str, role: str, password: str) -> None:
    if not USERNAME.match(username):
        raise AccountError("username: letters, digits, . _ - (up to 64)")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password: at least {MIN_PASSWORD} characters")


def create_user(
    conn: Connection, username: str, role: str, password: str, display_name: str = ""
) -> User:
    _check_new(username, role, password)
    if conn.execute(select(users.c.username).where(users.c.username == username)).first():
        raise AccountError(f"user {username} exists")
    name = (display_name or username)[:100]
    conn.execute(
        users.insert().values(
            username=username,
            display_name=name,
            role=role,
            password_hash=hash_password(password),
            disabled=0,
            created_at=now_ms(),
        )
    )
    return User(username, name, role)


def set_password(conn: Connection, username: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password: at least {MIN_PASSWORD} characters")
    done = conn.execute(
        update(users)
        .where(users.c.username == username)
        .values(password_hash=hash_password(password))
    )
    if done.rowcount == 0:
        raise AccountError(f"no user {username}")
    # a new password signs the account out everywhere (the one who changed it signs in again)
    conn.execute(delete(sessions).where(sessions.c.username == username))


def set_disabled(conn: Connection, username: str, disabled: bool) -> None:
    conn.execute(update(users).where(users.c.username == username).values(disabled=int(disabled)))
    if disabled:
        conn.execute(delete(sessions).where(sessions.c.username == username))


def authenticate(conn: Connection, username: str, password: str) -> User | None:
    """The user when the password matches and the account is enabled, else None."""
    row = conn.execute(select(users).where(users.c.username == username)).first()
    if row is None:
        bcrypt.checkpw(b"x", _DUMMY)  # same cost whether or not the name exists
        return None
    if not bcrypt.checkpw(password.encode(), row.password_hash.encode()) or row.disabled:
        return None
    return User(row.username, row.display_name, row.role)


_DUMMY = bcrypt.hashpw(b"dummy", bcrypt.gensalt(4))


def get_user(conn: Connection, username: str) -> User | None:
    row = conn.execute(
        select(users).where(users.c.username == username, users.c.disabled == 0)
    ).first()
    return User(row.username, row.display_name, row.role) if row else None


def list_users(conn: Connection) -> list[dict[str, object]]:
    stmt = select(
        users.c.username, users.c.display_name, users.c.role, users.c.disabled, users.c.created_at
    ).order_by(users.c.username)
    return [dict(r._mapping) for r in conn.execute(stmt)]


def count_users(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(users)).scalar_one())


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_kiosk_token(conn: Connection, label: str, created_by: str) -> str:
    """A new kiosk token (shown once; only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    conn.execute(
        kiosk_tokens.insert().values(
            token_hash=_digest(token),
            label=label[:100],
            created_by=created_by[:64],
            disabled=0,
            created_at=now_ms(),
        )
    )
    return token


def kiosk_of(conn: Connection, token: str) -> tuple[str, str] | None:
    """(hash, label) of a valid, not revoked kiosk token, else None."""
    if not token or len(token) > 200:
        return None
    row = conn.execute(
        select(kiosk_tokens.c.token_hash, kiosk_tokens.c.label).where(
            kiosk_tokens.c.token_hash == _digest(token), kiosk_tokens.c.disabled == 0
        )
    ).first()
    return (str(row.token_hash), str(row.label)) if row else None


def kiosk_label(conn: Connection, token: str) -> str | None:
    """The label of a valid kiosk token, else None."""
    found = kiosk_of(conn, token)
    return found[1] if found else None


def list_kiosks(conn: Connection) -> list[dict[str, object]]:
    """Every kiosk token (never the token itself): id, label, who made it, when, revoked."""
    stmt = select(
        kiosk_tokens.c.token_hash,
        kiosk_tokens.c.label,
        kiosk_tokens.c.created_by,
        kiosk_tokens.c.created_at,
        kiosk_tokens.c.disabled,
    ).order_by(kiosk_tokens.c.created_at)
    return [
        {
            "id": r.token_hash[:KIOSK_ID],
            "label": r.label,
            "created_by": r.created_by,
            "created_at": r.created_at,
            "revoked": bool(r.disabled),
        }
        for r in conn.execute(stmt)
    ]


def revoke_kiosk(conn: Connection, short_id: str) -> str:
    """Revoke the kiosk token with this id (as listed) and end its screens' sessions: its label."""
    short_id = short_id.strip().lower()
    if len(short_id) < 8 or not all(c in "0123456789abcdef" for c in short_id):
        raise AccountError("a kiosk id is at least 8 hex characters, as listed")
    found = conn.execute(
        select(kiosk_tokens.c.token_hash, kiosk_tokens.c.label)
        .where(kiosk_tokens.c.token_hash.startswith(short_id))
        .limit(2)
    ).all()
    if len(found) != 1:
        raise AccountError(f"no single kiosk token with id {short_id}")
    h = found[0].token_hash
    conn.execute(update(kiosk_tokens).where(kiosk_tokens.c.token_hash == h).values(disabled=1))
    conn.execute(delete(sessions).where(sessions.c.kiosk == h))
    return str(found[0].label)
