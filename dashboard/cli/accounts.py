"""Accounts: the first run's admin and kiosk link, users and kiosk tokens."""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from feeds.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine


def cmd_init(settings: Settings, _args: argparse.Namespace) -> int:
    from feeds.seed import ensure_reference
    from feeds.store import make_engine

    engine = make_engine(settings)
    loaded = ensure_reference(engine)
    print("demo district loaded" if loaded else "store already initialised")
    from feeds.stats import rollup

    with engine.begin() as conn:  # a store from before some of the figures' rollups
        done = rollup.ensure(conn, settings.timezone)
    if done:
        print(done)
    first_run_accounts(settings, engine)
    return 0


def first_run_accounts(settings: Settings, engine: Engine) -> bool:
    """On a fresh store: an `admin` user and a kiosk token, printed and saved (mode 0600)."""
    from feeds import users

    with engine.begin() as conn:
        if users.count_users(conn) > 0:
            return False
        password = secrets.token_urlsafe(12)
        users.create_user(conn, "admin", "admin", password, "管理员 Administrator")
        token = users.create_kiosk_token(conn, "wall", "admin")
    url = f"http://{settings.host}:{settings.port}/"
    text = (
        "watchfloor first run: sign in with\n"
        f"  user: admin\n  password: {password}\n"
        f"  wall screen (no sign-in): {url}?kiosk={token}\n"
        "Change the password with `watchfloor user passwd admin`.\n"
    )
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    path = settings.var_dir / "first-run.txt"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)
    print("\n" + "=" * 64 + "\n" + text + f"(also written to {path})\n" + "=" * 64, flush=True)
    return True


def _on_store(
    command: Callable[[Engine, Settings, argparse.Namespace], int],
    settings: Settings,
    args: argparse.Namespace,
) -> int:
    """Run an account command on the configured store, its schema made first."""
    from feeds.store import create_schema, make_engine

    engine = make_engine(settings)
    try:
        create_schema(engine)
        return command(engine, settings, args)
    finally:
        engine.dispose()


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise SystemExit("passwords differ")
    return first


def cmd_user(settings: Settings, args: argparse.Namespace) -> int:
    return _on_store(_cmd_user, settings, args)


def _cmd_user(engine: Engine, settings: Settings, args: argparse.Namespace) -> int:
    from feeds import users

    try:
        with engine.begin() as conn:
            if args.action == "list":
                for u in users.list_users(conn):
                    state = " (disabled)" if u["disabled"] else ""
                    print(f"{u['username']}\t{u['role']}\t{u['display_name']}{state}")
            elif args.action == "add":
                users.create_user(
                    conn, args.name, args.role, _read_password(args), args.display or args.name
                )
                print(f"user {args.name} ({args.role}) created")
            else:
                users.set_password(conn, args.name, _read_password(args))
                print(f"password of {args.name} changed")
    except users.AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _when(ms: int, settings: Settings) -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.fromtimestamp(ms / 1000, ZoneInfo(settings.timezone)).strftime("%Y-%m-%d %H:%M")


def cmd_kiosk(settings: Settings, args: argparse.Namespace) -> int:
    return _on_store(_cmd_kiosk, settings, args)


def _cmd_kiosk(engine: Engine, settings: Settings, args: argparse.Namespace) -> int:
    from feeds import users

    try:
        with engine.begin() as conn:
            if args.action == "add":
                token = users.create_kiosk_token(conn, args.label, "cli")
                print(f"http://{settings.host}:{settings.port}/?kiosk={token}")
            elif args.action == "list":
                for k in users.list_kiosks(conn):
                    state = "revoked" if k["revoked"] else "valid"
                    made = _when(int(str(k["created_at"])), settings)
                    print(f"{k['id']}\t{state}\t{made}\t{k['created_by']}\t{k['label']}")
            else:
                label = users.revoke_kiosk(conn, args.id)
                print(f"kiosk token {args.id} ({label}) revoked; its screens are signed out")
    except users.AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_session(settings: Settings, args: argparse.Namespace) -> int:
    return _on_store(_cmd_session, settings, args)


def _cmd_session(engine: Engine, settings: Settings, args: argparse.Namespace) -> int:
    from feeds import sessions

    with engine.begin() as conn:
        if args.action == "list":
            for s in sessions.list_sessions(conn):
                since = _when(int(str(s["since"])), settings)
                seen = _when(int(str(s["last_seen"])), settings)
                print(f"{s['id']}\t{s['who']}\tsince {since}\tfrom {s['address']}\tseen {seen}")
            return 0
        if sessions.revoke_session(conn, args.id.strip().lower()) == 0:
            print(f"error: no single live session with id {args.id}", file=sys.stderr)
            return 2
    print(f"session {args.id} ended")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser("init", help="create tables and load the demo district").set_defaults(
        func=cmd_init
    )
    user = sub.add_parser("user", help="manage who may sign in")
    user.set_defaults(func=cmd_user)
    usub = user.add_subparsers(dest="action", required=True)
    add = usub.add_parser("add", help="create a user")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=["wall", "officer", "leader", "admin"])
    add.add_argument("--display", default="", help="name shown in the trail")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    passwd = usub.add_parser("passwd", help="set a user's password")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")
    usub.add_parser("list", help="list users")
    kiosk = sub.add_parser("kiosk", help="tokens for unattended wall screens")
    kiosk.set_defaults(func=cmd_kiosk)
    ksub = kiosk.add_subparsers(dest="action", required=True)
    kadd = ksub.add_parser("add", help="create a kiosk token and print the wall URL")
    kadd.add_argument("label")
    ksub.add_parser("list", help="list kiosk tokens (id, state, made, by whom, label)")
    krevoke = ksub.add_parser("revoke", help="revoke a kiosk token; its screens go dark")
    krevoke.add_argument("id", help="the id `kiosk list` shows")
    session = sub.add_parser("session", help="who is signed in: list and end sessions")
    session.set_defaults(func=cmd_session)
    ssub = session.add_subparsers(dest="action", required=True)
    ssub.add_parser("list", help="live sessions: id, who, since, from where, last seen")
    srevoke = ssub.add_parser("revoke", help="end a session (that browser must sign in again)")
    srevoke.add_argument("id", help="the id `session list` shows")
