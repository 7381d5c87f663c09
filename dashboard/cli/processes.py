"""The processes: everything at once (`run`), or ingest, simulate, web, valkey."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from dashboard.cli.accounts import cmd_init
from feeds import constants as K
from feeds.connections import EmbeddedValkey, redis_client, require_redis_url
from feeds.settings import Settings

log = logging.getLogger("watchfloor")


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def handler(_sig: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    return stop


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
    from feeds.workdays import WorkCalendar

    calendar = WorkCalendar.load(settings.calendar_dir)
    policy = SlaPolicy.load(settings.sla_file, settings.timezone, calendar)
    from feeds.stats import rollup

    with engine.begin() as conn:  # a store from before the figures' rollups
        done = rollup.ensure(conn, settings.timezone)
    if done:
        logging.getLogger("watchfloor.ingest").info(done)
    from feeds import numbering

    with engine.begin() as conn:  # a store from before incidents had short numbers
        numbered = numbering.backfill(conn, settings.timezone)
    if numbered:
        logging.getLogger("watchfloor.ingest").info("numbered %d older incidents", numbered)
    Worker(settings, r, engine, ref, policy).run(_stop_on_signals())
    return 0


def cmd_simulate(settings: Settings, args: argparse.Namespace) -> int:
    from feeds.sim.simulator import Simulator
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


def cmd_valkey(settings: Settings, args: argparse.Namespace) -> int:
    server = EmbeddedValkey(settings.var_dir / "valkey", port=args.port or None)
    print(f"REDIS_URL={server.start()}", flush=True)
    _stop_on_signals().wait()
    server.stop()
    return 0


def _free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class Child:
    """One process `watchfloor run` keeps going: restarted with a backoff when it exits."""

    def __init__(self, name: str, cmd: list[str], env: dict[str, str]) -> None:
        self.name, self.cmd, self.env = name, cmd, env
        self.proc: subprocess.Popen[bytes] | None = None
        self.failures = 0
        self.started = 0.0
        self.restart_at: float | None = None

    def start(self, stdout: int | None = None) -> subprocess.Popen[bytes]:
        # Its own process group: Ctrl-C in the terminal reaches `run` alone, which then
        # stops the processes in order (producers and web, ingest, Valkey last).
        self.proc = subprocess.Popen(self.cmd, env=self.env, process_group=0, stdout=stdout)
        self.started = time.monotonic()
        self.restart_at = None
        return self.proc

    def watch(self) -> None:
        """Restart it, after a backoff, if it exited."""
        now = time.monotonic()
        if self.restart_at is not None:
            if now >= self.restart_at:
                print(f"restarting {self.name}", file=sys.stderr, flush=True)
                self.start()
            return
        if self.proc is None or self.proc.poll() is None:
            return
        if now - self.started > K.RESTART_RESET_AFTER_S:
            self.failures = 0
        delay = min(K.RESTART_BACKOFF_S * 2**self.failures, K.RESTART_BACKOFF_MAX_S)
        self.failures += 1
        print(
            f"{self.name} exited with code {self.proc.returncode}; restarting it in {delay:g} s",
            file=sys.stderr,
            flush=True,
        )
        self.restart_at = now + delay

    def stop(self, timeout: float) -> None:
        self.restart_at = None
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            print(f"{self.name} did not stop in {timeout:g} s; killing it", file=sys.stderr)
            self.proc.kill()
            self.proc.wait()


def _start_valkey(exe: list[str], env: dict[str, str]) -> tuple[Child, str]:
    valkey = Child("valkey", [*exe, "valkey", "--port", str(_free_port())], env)
    proc = valkey.start(stdout=subprocess.PIPE)
    assert proc.stdout is not None
    line = proc.stdout.readline().decode().strip()
    if not line.startswith("REDIS_URL="):
        valkey.stop(5)
        raise SystemExit(f"embedded Valkey did not start ({line or 'no output'})")
    return valkey, line.removeprefix("REDIS_URL=")


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    """Everything on embedded defaults: Valkey, SQLite, ingest, simulator, web."""
    if port_taken(settings):
        return 2
    stop = _stop_on_signals()
    env = dict(os.environ)
    exe = [sys.executable, "-m", "dashboard.cli"]
    valkey = None
    if not settings.redis_url:
        valkey, env["REDIS_URL"] = _start_valkey(exe, env)
    try:
        cmd_init(settings, args)
    except BaseException:
        if valkey is not None:
            valkey.stop(10)
        raise
    producers = [Child("web", [*exe, "web"], env)]
    if not args.no_sim:
        sim = [*exe, "simulate", "--speed", str(args.speed), "--start", args.start]
        producers.append(Child("simulate", sim, env))
    ingest = Child("ingest", [*exe, "ingest"], env)
    for child in (ingest, *producers):
        child.start()
    url = f"http://{settings.host}:{settings.port}/"
    print(f"\nwatchfloor is running: {url}   (Ctrl-C stops everything)\n", flush=True)
    while not stop.wait(0.5):
        for child in (ingest, *producers, *([valkey] if valkey else [])):
            child.watch()
    print("stopping: web and simulator, then ingest, then Valkey", flush=True)
    for child in producers:
        child.stop(timeout=10)
    ingest.stop(timeout=30)  # it finishes the batch in hand
    if valkey is not None:
        valkey.stop(timeout=10)
    print("stopped", flush=True)
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = sub.add_parser("run", help="run everything on embedded defaults")
    run.set_defaults(func=cmd_run)
    run.add_argument("--speed", type=float, default=30.0, help="simulated day speed-up")
    run.add_argument("--start", default="18:30", help="simulated time of day to start at")
    run.add_argument("--no-sim", action="store_true", help="do not start the demo simulator")
    sub.add_parser("ingest", help="run an ingest worker").set_defaults(func=cmd_ingest)
    sim = sub.add_parser("simulate", help="produce a realistic day of reports and readings")
    sim.set_defaults(func=cmd_simulate)
    sim.add_argument("--speed", type=float, default=30.0)
    sim.add_argument("--start", default=None, help="simulated time of day, HH:MM (default now)")
    sim.add_argument("--seed", type=int, default=1)
    sim.add_argument("--volume", type=float, default=1.0, help="report volume factor")
    sim.add_argument("--no-responders", action="store_true", help="only reports and readings")
    sub.add_parser("web", help="serve the web app").set_defaults(func=cmd_web)
    valkey = sub.add_parser("valkey", help="run the embedded Valkey on its own")
    valkey.set_defaults(func=cmd_valkey)
    valkey.add_argument("--port", type=int, default=6390, help="0: any free port")
