"""People who sign in, their sessions and sign-ins, and residents' tracking numbers."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table

from .base import EVENT_ID, metadata

# --- people who sign in (issue: the duty officer's console) ---------------------

users = Table(
    "users",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("display_name", String(100), nullable=False),
    Column("role", String(16), nullable=False),  # wall, officer, leader, admin
    Column("password_hash", String(100), nullable=False),  # bcrypt
    Column("disabled", Integer, nullable=False, default=0),
    Column("created_at", BigInteger, nullable=False),
)

kiosk_tokens = Table(
    "kiosk_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # sha256 hex of the token
    Column("label", String(100), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("disabled", Integer, nullable=False, default=0),
    Column("created_at", BigInteger, nullable=False),
)

# Server-side sessions: the cookie carries a signed random id; only its SHA-256 is kept.
# Deleting a row signs that browser out (sign-out, password change, disable, revoke).
sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("username", String(64), index=True),  # a person's session, else NULL
    Column("kiosk", String(64), index=True),  # a wall screen's: its token's hash, else NULL
    Column("created_at", BigInteger, nullable=False),
    Column("last_seen", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("address", String(64), nullable=False),  # where it signed in from
    Column("agent", String(200), nullable=False),
)

# The trail of sign-ins: every success, failure, lock and attempt refused while locked.
signins = Table(
    "signins",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", BigInteger, nullable=False, index=True),
    Column("username", String(64), nullable=False),
    Column("address", String(64), nullable=False),
    Column("outcome", String(16), nullable=False),  # ok, fail, lock, refused
    Column("scope", String(16), nullable=False),  # lock rows: address or account
    Column("until", BigInteger),  # lock rows: locked until
)
Index("ix_signins_address_at", signins.c.address, signins.c.at)
Index("ix_signins_username_at", signins.c.username, signins.c.at)

# Who saw personal data that views mask (a dead letter shown whole on /status).
reveals = Table(
    "reveals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", BigInteger, nullable=False, index=True),
    Column("username", String(64), nullable=False),
    Column("what", String(32), nullable=False),  # deadletter
    Column("target", String(120), nullable=False),  # its entry id
)

# Residents' own reports: an unguessable tracking number for the public progress page.
trackings = Table(
    "trackings",
    metadata,
    Column("number", String(40), primary_key=True),
    Column("incident_id", String(EVENT_ID), nullable=False, unique=True),
    Column("created_at", BigInteger, nullable=False),
    Column("rating", Integer),  # the one rating sent (set once: a conditional UPDATE)
    Column("rated_at", BigInteger),
)
