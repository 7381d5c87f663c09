from __future__ import annotations

import argparse
from pathlib import Path

import pytest
import redis

from dashboard.cli import build_parser, cmd_check, port_free
from feeds import constants as K
from feeds.clock import now_ms
from feeds.settings import Settings


def check(settings: Settings, consumer: str | None = None) -> int:
    return cmd_check(settings, argparse.Namespace(consumer=consumer))


def test_check_fails_without_a_heartbeat_and_passes_with_a_fresh_one(
    settings: Settings, r: redis.Redis, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(settings) == 1
    assert "no ingest worker heartbeat" in capsys.readouterr().err
    r.set(settings.key(K.K_HEARTBEAT + "w1"), now_ms(), ex=K.HEARTBEAT_TTL_S)
    assert check(settings) == 0
    assert check(settings, "w1") == 0
    assert check(settings, "w2") == 1
    r.set(settings.key(K.K_HEARTBEAT + "w1"), now_ms() - 60_000)  # stale
    assert check(settings) == 1


def test_check_needs_redis_url() -> None:
    with pytest.raises(SystemExit, match="REDIS_URL is not set"):
        check(Settings(redis_url=None))


def test_parser_knows_every_process_of_the_procfile() -> None:
    parser = build_parser()
    procfile = (Path(__file__).parent.parent / "Procfile").read_text().splitlines()
    assert {line.split(":")[0] for line in procfile} == {"web", "ingest", "simulate"}
    for line in procfile:
        args = line.split(":", 1)[1].split()[1:]
        assert isinstance(parser.parse_args(args), argparse.Namespace)


def test_port_free() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        assert not port_free("127.0.0.1", s.getsockname()[1])
