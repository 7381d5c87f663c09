"""`watchfloor check`: is ingest alive (the exit status), and how far behind is it."""

from __future__ import annotations

import argparse
import sys
import unicodedata

import redis

from feeds import constants as K
from feeds import lag
from feeds.connections import redis_client, require_redis_url
from feeds.settings import Settings


def cmd_check(settings: Settings, args: argparse.Namespace) -> int:
    """Exit 0 when an ingest worker (or the named one) has a fresh heartbeat, else 1; either
    way, print the lag of every stream (per shard) and of every worker."""
    r = redis_client(require_redis_url(settings.redis_url))
    try:
        ages = lag.heartbeats(r, settings)
        rows = lag.stream_lags(r, settings)
    except redis.RedisError as exc:
        print(f"FAIL: Redis unreachable 无法连接 Redis: {exc}", file=sys.stderr)
        return 1
    fresh = sorted(
        name
        for name, age in ages.items()
        if age <= K.HEARTBEAT_TTL_S and (args.consumer is None or name == args.consumer)
    )
    if fresh:
        print("ok: ingest alive 入库进程在线:", ", ".join(fresh))
    else:
        print(
            f"FAIL: no ingest worker heartbeat in the last {K.HEARTBEAT_TTL_S} s "
            f"{K.HEARTBEAT_TTL_S} 秒内没有入库进程心跳",
            file=sys.stderr,
        )
    print()
    for line in lag_lines(rows, lag.worker_lags(rows, list(ages)), ages, settings.shards):
        print(line)
    return 0 if fresh else 1


def lag_lines(
    streams: list[lag.StreamLag], workers: list[lag.WorkerLag], ages: dict[str, float], n: int
) -> list[str]:
    """Two plain tables: streams per shard, then workers."""
    one = n <= 1  # one shard: every worker reads it, its lag is nobody's own
    table = [
        ["shard 分片", "stream 数据流", "length 长度", "lag 未读", "pending 待确认", "owner 归属"]
    ]
    for row in streams:
        owner = "(all 全部)" if one else (row.owner or "(none 无)")
        table.append(
            [str(row.shard), row.stream, str(row.length), _n(row.lag), str(row.pending), owner]
        )
    lines = _aligned(table)
    table = [["worker 进程", "heartbeat 心跳", "shards 分片", "lag 未读", "pending 待确认"]]
    for w in workers:
        age = ages.get(w.consumer)
        table.append(
            [
                w.consumer,
                "-" if age is None else f"{age:.1f} s",
                "0" if one else (",".join(map(str, w.shards)) or "-"),
                "-" if one else str(w.lag),
                str(w.pending),
            ]
        )
    return [*lines, "", *_aligned(table)]


def _n(value: int | None) -> str:
    return "?" if value is None else str(value)


def _aligned(table: list[list[str]]) -> list[str]:
    widths = [max(_width(row[i]) for row in table) for i in range(len(table[0]))]
    return [
        "  ".join(
            cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)
        ).rstrip()
        for row in table
    ]


def _width(text: str) -> int:
    """Columns a terminal gives the text (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = sub.add_parser("check", help="exit 0 if an ingest worker is alive, else 1")
    check.set_defaults(func=cmd_check)
    check.add_argument("--consumer", default=None)
