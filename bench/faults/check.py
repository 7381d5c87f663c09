"""The end figures of a fault run, from SQL and Redis: what is lost, duplicated, pending,
and whether live state equals a recount from SQL."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import redis
from sqlalchemy import Engine, func, select

from feeds import constants as K
from feeds import shards, store
from feeds.clock import day_start, now_ms
from feeds.live import BOARD_STAGES, Live
from feeds.pipeline import PENDING
from feeds.settings import Settings
from feeds.tables import dead_letters, incident_events, incidents


@dataclass
class Figures:
    lost_reports: int = 0
    lost_actions: int = 0
    wrong_state: int = 0
    dead_valid: int = 0
    duplicates: int = 0
    pending: int = 0
    unread: int = 0
    live_diff: dict[str, int] = field(default_factory=dict)
    dead_reasons: Counter[str] = field(default_factory=Counter)

    @property
    def lost(self) -> int:
        return self.lost_reports + self.lost_actions

    @property
    def live_ok(self) -> bool:
        return not any(self.live_diff.values())

    @property
    def clean(self) -> bool:
        return (
            self.lost == 0
            and self.wrong_state == 0
            and self.dead_valid == 0
            and self.duplicates == 0
            and self.pending == 0
            and self.unread == 0
            and self.live_ok
        )

    def worst(self) -> str:
        """The commonest reasons valid events were dead-lettered."""
        return "; ".join(f"{n}x {reason}" for reason, n in self.dead_reasons.most_common(2))


def dead_by_event(engine: Engine) -> list[tuple[str, str, str | None]]:
    """("stream/entry id", reason, the entry's own event id) of every dead letter."""
    out = []
    c = dead_letters.c
    with engine.connect() as conn:
        for stream, entry_id, reason, raw in conn.execute(
            select(c.stream, c.entry_id, c.reason, c.fields)
        ):
            entry = f"{stream}/{entry_id}"
            try:
                event = json.loads(raw).get("id")
            except (ValueError, AttributeError):
                event = None
            out.append((entry, reason, event if isinstance(event, str) else None))
    return out


def stream_figures(r: redis.Redis, s: Settings) -> tuple[int, int]:
    """Entries pending in the group, and entries not yet delivered to it (lag)."""
    pending = unread = 0
    for _shard, _stream, key in shards.stream_keys(s):
        try:
            pending += int(r.xpending(key, K.GROUP)["pending"])
            for g in r.xinfo_groups(key):
                if g["name"] == K.GROUP:
                    unread += int(g.get("lag") or 0)
        except redis.ResponseError:  # no stream or group (yet)
            unread += int(r.xlen(key)) if r.exists(key) else 0
    return pending, unread


def live_vs_sql(r: redis.Redis, s: Settings, engine: Engine) -> dict[str, int]:
    """Differences between live aggregates and a recount from SQL (all 0 when equal)."""
    now = now_ms()
    live = Live(r, s)
    with engine.connect() as conn:
        day = store.grid_counts(conn, day_start(now, s.timezone))
        active = store.active_incidents(conn)
        reports, _sum, _n = store.day_totals(conn, day_start(now, s.timezone))
    grids = {g: v[1] for g, v in live.all_grid_values(now).items() if v[1]}
    opened = {i: v["state"] for i, v in live.open_incidents().items()}
    sql_open = {row["id"]: row["state"] for row in active}
    sql_board: Counter[str] = Counter(PENDING[row["state"]] for row in active)
    board = live.board(now)
    return {
        "grids": sum(1 for g in grids.keys() | day.keys() if grids.get(g) != day.get(g)),
        "open": sum(1 for i in opened.keys() | sql_open.keys() if opened.get(i) != sql_open.get(i)),
        "board": sum(abs(board[st]["n"] - sql_board.get(st, 0)) for st in BOARD_STAGES),
        "reports": abs(int(live.headline(now)["reports"]) - reports),
    }


def figures(
    r: redis.Redis,
    s: Settings,
    engine: Engine,
    reports: Iterable[str],
    actions: Iterable[str],
    trail: Iterable[str],
    state: dict[str, str],
    valid: set[str],
) -> Figures:
    f = Figures()
    reports, actions, trail = set(reports), set(actions), set(trail)
    with engine.connect() as conn:
        have = {
            i: st for i, st in conn.execute(select(incidents.c.id, incidents.c.state)) if i in state
        }
        events = {e for (e,) in conn.execute(select(incident_events.c.event_id)) if e in trail}
        rows = conn.execute(select(func.count()).select_from(incident_events)).scalar_one()
        distinct = conn.execute(
            select(func.count(incident_events.c.event_id.distinct()))
        ).scalar_one()
    f.lost_reports = len(reports - have.keys())
    f.lost_actions = len(actions - events)
    f.wrong_state = sum(1 for i, st in have.items() if state[i] != st)
    dead = dead_by_event(engine)
    for _entry, reason, event in dead:
        if event in valid:
            f.dead_valid += 1
            f.dead_reasons[reason[:80]] += 1
    entries = Counter(entry for entry, _reason, _event in dead)
    f.duplicates = int(rows - distinct) + sum(n - 1 for n in entries.values() if n > 1)
    f.pending, f.unread = stream_figures(r, s)
    f.live_diff = live_vs_sql(r, s, engine)
    return f


def settle(
    measure: Callable[[], Figures], timeout: float, quiet: float = 15.0, moving: float = 1.0
) -> tuple[Figures, float]:
    """Measure until the figures are clean, or stop changing with nothing left to read
    for ``quiet`` seconds, or the deadline passes; (the last figures, seconds waited).
    ``moving`` > 1: past the deadline, go on while the figures still changed within
    ``quiet`` seconds (workers still at a backlog on a loaded machine), up to ``moving``
    times the deadline."""
    start = time.monotonic()
    last, since = None, start
    while True:
        f = measure()
        now = time.monotonic()
        key = (f.lost, f.wrong_state, f.dead_valid, f.duplicates, f.pending, f.unread,
               tuple(sorted(f.live_diff.items())))  # fmt: skip
        if key != last:
            last, since = key, now
        if f.clean:
            return f, now - start
        if now - start > timeout and (now - since > quiet or now - start > moving * timeout):
            return f, now - start
        if f.pending == 0 and f.unread == 0 and now - since > quiet:
            return f, now - start
        time.sleep(0.5)
