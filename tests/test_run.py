"""`watchfloor run`: a killed ingest is restarted, and Ctrl-C stops everything in order
(web and simulator, then ingest, then the embedded Valkey) with no tracebacks."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.system import free_port


def wait_for(cond: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.timeout(240)
@pytest.mark.own_servers
def test_run_restarts_ingest_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("REDIS_URL", "DATABASE_URL", "WATCHFLOOR_KEY_PREFIX")
    }
    env.update(WATCHFLOOR_VAR=str(tmp_path / "var"), PORT=str(free_port()))
    with out.open("wb") as sink:
        # its own process group, as a terminal's foreground job: Ctrl-C is SIGINT to it
        proc = subprocess.Popen(
            [sys.executable, "-m", "dashboard.cli", "run", "--speed", "60"],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            process_group=0,
        )

    def text() -> str:
        return out.read_text(errors="replace")

    def started() -> list[str]:
        return re.findall(r"ingest worker \S+-(\d+) started", text())

    try:
        wait_for(lambda: "watchfloor is running" in text() and started(), 150, "start-up")
        children = [
            int(p)
            for p in subprocess.run(
                ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True
            ).stdout.split()
        ]
        assert len(children) == 4  # valkey, ingest, web, simulate
        first = int(started()[0])
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: len(started()) >= 2, 60, "ingest restarted")
        assert "ingest exited with code -9; restarting it in" in text()
        second = int(started()[1])
        assert second != first and alive(second)
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=90) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    log = text()
    assert "Traceback" not in log, log[-3000:]
    assert log.rstrip().endswith("stopped")
    # ingest stopped cleanly, after its batch, before Valkey went away
    assert re.search(rf"ingest worker \S+-{second} stopped", log)
    assert not [p for p in children if p != first and alive(p)]
