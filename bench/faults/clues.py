"""What a fault run left behind that explains it: who holds the entries left pending,
and what the workers' logs say."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import redis

from feeds import constants as K
from feeds import shards
from feeds.settings import Settings


def pending_owners(r: redis.Redis, settings: Settings, running: Iterable[str]) -> str:
    """Who holds the entries left pending (with shards: in which shard, owned by whom),
    how long idle, and whether that worker runs. Closes ``r``."""
    alive = set(running)
    out = []
    try:
        owners = shards.owners(r, settings)
        for shard, stream, key in shards.stream_keys(settings):
            for c in r.xpending(key, K.GROUP).get("consumers") or []:
                name = c["name"]
                some = r.xpending_range(key, K.GROUP, "-", "+", 10, consumername=name)
                idle = max(int(x["time_since_delivered"]) for x in some) if some else 0
                state = "running" if name in alive else "gone"
                where = f"shard {shard} (owner {owners.get(shard)}) " if owners else ""
                out.append(
                    f"{where}{stream} {name} ({state}) {c['pending']} idle {idle / 1000:.0f}s"
                )
    finally:
        r.close()
    return ", ".join(out)


def worker_logs_count(logs: Path, text: str) -> int:
    """Lines of the workers' logs (``logs``/w*.log) that hold ``text``: "Traceback" (a
    worker that died of an entry, for one), a warning."""
    n = 0
    for log in logs.glob("w*.log"):
        n += sum(text in line for line in log.read_text(errors="replace").splitlines())
    return n
