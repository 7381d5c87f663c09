"""The `watchfloor` command: run everything, or one process at a time."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from feeds import constants as K
from feeds.connections import EmbeddedValkey, redis_client, require_redis_url
from feeds.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger("watchfloor")


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def handler(_sig: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    return stop


def cmd_init(settings: Settings, _args: argparse.Namespace) -> int:
    from feeds.seed import ensure_reference
    from feeds.store import make_engine

    engine = make_engine(settings)
    loaded = ensure_reference(engine)
    print("demo district loaded" if loaded else "store already initialised")
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


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise SystemExit("passwords differ")
    return first


def cmd_user(settings: Settings, args: argparse.Namespace) -> int:
    from feeds import users
    from feeds.store import create_schema, make_engine

    engine = make_engine(settings)
    create_schema(engine)
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


def cmd_kiosk(settings: Settings, args: argparse.Namespace) -> int:
    from feeds import users
    from feeds.store import create_schema, make_engine

    engine = make_engine(settings)
    create_schema(engine)
    with engine.begin() as conn:
        token = users.create_kiosk_token(conn, args.label, "cli")
    print(f"http://{settings.host}:{settings.port}/?kiosk={token}")
    return 0


def cmd_ingest(settings: Settings, _args: argparse.Namespace) -> int:
    from feeds.ingest import Worker
    from feeds.reference import Reference
    from feeds.seed import ensure_reference
    from feeds.sla import SlaPolicy
    from feeds.store import make_engine

    r = redis_client(require_redis_url(settings.redis_url))
    engine = make_engine(settings)
    ensure_reference(engine)
    with engine.connect() as conn:
        ref = Reference.load(conn)
    policy = SlaPolicy.load(settings.sla_file, settings.timezone)
    Worker(settings, r, engine, ref, policy).run(_stop_on_signals())
    return 0


def cmd_simulate(settings: Settings, args: argparse.Namespace) -> int:
    from feeds.simulator import Simulator
    from layers.district import build_district

    r = redis_client(require_redis_url(settings.redis_url))
    sim = Simulator(
        r,
        settings,
        build_district(),
        speed=args.speed,
        start=args.start,
        seed=args.seed,
        volume=args.volume,
        responders=not args.no_responders,
    )
    sim.run(_stop_on_signals())
    return 0


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def port_taken(settings: Settings) -> bool:
    """Say so when the web port is in use (uvicorn would hang on it)."""
    if port_free(settings.host, settings.port):
        return False
    print(
        f"port {settings.port} on {settings.host} is in use; set PORT to another", file=sys.stderr
    )
    return True


def cmd_web(settings: Settings, _args: argparse.Namespace) -> int:
    import uvicorn

    require_redis_url(settings.redis_url)
    if port_taken(settings):
        return 2
    uvicorn.run(
        "dashboard.app:create_server",
        factory=True,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        ws="websockets-sansio",
    )
    return 0


def cmd_check(settings: Settings, args: argparse.Namespace) -> int:
    """Exit 0 when an ingest worker (or the named one) has a fresh heartbeat, else 1."""
    r = redis_client(require_redis_url(settings.redis_url))
    pattern = settings.key(K.K_HEARTBEAT + (args.consumer or "*"))
    now = int(time.time() * 1000)
    fresh = []
    for key in r.scan_iter(match=pattern, count=100):
        beat = r.get(key)
        if beat and now - int(beat) <= K.HEARTBEAT_TTL_S * 1000:
            fresh.append(key.removeprefix(settings.key(K.K_HEARTBEAT)))
    if fresh:
        print("ok: ingest alive:", ", ".join(sorted(fresh)))
        return 0
    print("FAIL: no ingest worker heartbeat in the last", K.HEARTBEAT_TTL_S, "s", file=sys.stderr)
    return 1


def cmd_valkey(settings: Settings, args: argparse.Namespace) -> int:
    server = EmbeddedValkey(settings.var_dir / "valkey", port=args.port)
    print(f"REDIS_URL={server.start()}", flush=True)
    _stop_on_signals().wait()
    server.stop()
    return 0


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    """Everything on embedded defaults: Valkey, SQLite, ingest, simulator, web."""
    if port_taken(settings):
        return 2
    stop = _stop_on_signals()
    server = None
    env = dict(os.environ)
    if not settings.redis_url:
        server = EmbeddedValkey(settings.var_dir / "valkey")
        env["REDIS_URL"] = server.start()
    cmd_init(settings, args)
    exe = [sys.executable, "-m", "dashboard.cli"]
    procs = {
        "ingest": [*exe, "ingest"],
        "web": [*exe, "web"],
    }
    if not args.no_sim:
        procs["simulate"] = [*exe, "simulate", "--speed", str(args.speed), "--start", args.start]
    children = {name: subprocess.Popen(cmd, env=env) for name, cmd in procs.items()}
    url = f"http://{settings.host}:{settings.port}/"
    print(f"\nwatchfloor is running: {url}   (Ctrl-C stops everything)\n", flush=True)
    code = 0
    while not stop.wait(0.5):
        dead = {n: p.returncode for n, p in children.items() if p.poll() is not None}
        if dead:
            print(f"process exited: {dead}; stopping", file=sys.stderr)
            code = 1
            break
    for proc in children.values():
        if proc.poll() is None:
            proc.terminate()
    for proc in children.values():
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    if server is not None:
        server.stop()
    print("stopped")
    return code


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="watchfloor", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run everything on embedded defaults")
    run.add_argument("--speed", type=float, default=30.0, help="simulated day speed-up")
    run.add_argument("--start", default="18:30", help="simulated time of day to start at")
    run.add_argument("--no-sim", action="store_true", help="do not start the demo simulator")
    sub.add_parser("init", help="create tables and load the demo district")
    sub.add_parser("ingest", help="run an ingest worker")
    sim = sub.add_parser("simulate", help="produce a realistic day of reports and readings")
    sim.add_argument("--speed", type=float, default=30.0)
    sim.add_argument("--start", default=None, help="simulated time of day, HH:MM (default now)")
    sim.add_argument("--seed", type=int, default=1)
    sim.add_argument("--volume", type=float, default=1.0, help="report volume factor")
    sim.add_argument("--no-responders", action="store_true", help="only reports and readings")
    sub.add_parser("web", help="serve the web app")
    check = sub.add_parser("check", help="exit 0 if an ingest worker is alive, else 1")
    check.add_argument("--consumer", default=None)
    user = sub.add_parser("user", help="manage who may sign in")
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
    ksub = kiosk.add_subparsers(dest="action", required=True)
    kadd = ksub.add_parser("add", help="create a kiosk token and print the wall URL")
    kadd.add_argument("label")
    valkey = sub.add_parser("valkey", help="run the embedded Valkey on its own")
    valkey.add_argument("--port", type=int, default=6390)
    return p


COMMANDS = {
    "run": cmd_run,
    "init": cmd_init,
    "ingest": cmd_ingest,
    "simulate": cmd_simulate,
    "web": cmd_web,
    "check": cmd_check,
    "valkey": cmd_valkey,
    "user": cmd_user,
    "kiosk": cmd_kiosk,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    return COMMANDS[args.command](settings, args)


if __name__ == "__main__":
    sys.exit(main())
