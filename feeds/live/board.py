"""Open incidents: the wall's summary of one, the open set and its stage clocks (due and
amber per stage), the 1/3/5 board, how many are late now, and the compliance figures."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from feeds import constants as K
from feeds.figures import DUE_COLUMN
from feeds.live.base import Dirty, LiveBase, Row
from feeds.pipeline import ACTIVE, PENDING, STAGES
from feeds.sla import amber_from

BOARD_STAGES = ("accept", "dispatch", "arrive")


def summary(row: Row, state: str | None = None) -> dict[str, Any]:
    """What the wall draws of an open incident, and nothing more: it goes to unattended screens.

    No text, contact, reporter, unit or source: a kiosk shows a marker and its countdown;
    people who may read more open the incident page, which reads SQL behind its own check.
    `state`: the incident's state when the row's is not it (a replayed moment).
    """
    state = row["state"] if state is None else state
    stage = PENDING.get(state)
    due = row[DUE_COLUMN[stage]] if stage else None
    return {
        "id": row["id"],
        "state": state,
        "stage": stage,
        "cat": row["category"],
        # priority, kind and time: the board puts urgent items first and marks them; a kiosk
        # click shows kind, category, place, stage and time (none of them personal)
        "pri": row["priority"],
        "kind": row["kind"],
        "at": row["reported_at"],
        "lon": row["lon"],
        "lat": row["lat"],
        "grid": row["micro_grid"],
        "due": due,
        "amber": amber_from(row["reported_at"], due) if due else None,
    }


class Board(LiveBase):
    # --- writes (into a pipeline the caller executes) ---------------------

    def put_incidents(
        self, pipe: Any, rows: Iterable[Row], dirty: Dirty, fresh: bool = False
    ) -> None:
        """Make the open set and the stage clocks match these rows' states.

        ``fresh``: the rows are new incidents, in no stage set yet.
        """
        items: dict[str, str] = {}
        due: dict[str, dict[str, int]] = defaultdict(dict)
        amber: dict[str, dict[str, int]] = defaultdict(dict)
        gone: list[str] = []
        for row in rows:
            iid = row["id"]
            if row["state"] in ACTIVE:
                item = summary(row)
                items[iid] = json.dumps(item, ensure_ascii=False)
                due[item["stage"]][iid] = item["due"]
                amber[item["stage"]][iid] = item["amber"]
                dirty.upserts[iid] = item
                dirty.removed.discard(iid)
            else:
                gone.append(iid)
                dirty.removed.add(iid)
                dirty.upserts.pop(iid, None)
        ids = [*items, *gone]
        if not ids:
            return
        if not fresh:
            for stage in STAGES:
                pipe.zrem(self.k(K.K_DUE + stage), *ids)
                pipe.zrem(self.k(K.K_AMBER + stage), *ids)
        if items:
            pipe.hset(self.k(K.K_OPEN), mapping=items)
        for pending, members in due.items():
            pipe.zadd(self.k(K.K_DUE + pending), members)
            pipe.zadd(self.k(K.K_AMBER + pending), amber[pending])
        if gone:
            pipe.hdel(self.k(K.K_OPEN), *gone)
        dirty.board = True

    # --- reads ------------------------------------------------------------

    def board(self, now: int) -> dict[str, Any]:
        """The 1/3/5 board: per stage counts by colour and the oldest items."""
        pipe = self.r.pipeline(transaction=False)
        for stage in BOARD_STAGES:
            due, amber = self.k(K.K_DUE + stage), self.k(K.K_AMBER + stage)
            pipe.zcard(due)
            pipe.zcount(due, "-inf", now)
            pipe.zcount(amber, "-inf", now)
            pipe.zrange(due, 0, K.BOARD_OLDEST - 1)
        res = pipe.execute()
        board: dict[str, Any] = {}
        ids: list[str] = []
        for i, stage in enumerate(BOARD_STAGES):
            total, red, amber_or_red, oldest = res[4 * i : 4 * i + 4]
            board[stage] = {
                "n": total,
                "red": red,
                "amber": amber_or_red - red,
                "green": total - amber_or_red,
                "oldest": oldest,
            }
            ids.extend(oldest)
        details = self.r.hmget(self.k(K.K_OPEN), ids) if ids else []
        by_id = {i: json.loads(d) for i, d in zip(ids, details, strict=True) if d}
        for stage in BOARD_STAGES:
            board[stage]["oldest"] = [by_id[i] for i in board[stage]["oldest"] if i in by_id]
        return board

    def late_now(self, now: int) -> int:
        pipe = self.r.pipeline(transaction=False)
        for stage in STAGES:
            pipe.zcount(self.k(K.K_DUE + stage), "-inf", now)
        return int(sum(pipe.execute()))

    def open_incidents(self) -> dict[str, dict[str, Any]]:
        raw = self.r.hgetall(self.k(K.K_OPEN))
        return {k: json.loads(v) for k, v in raw.items()}

    def compliance(self) -> dict[str, Any] | None:
        raw = self.r.get(self.k(K.K_COMPLIANCE))
        return json.loads(raw) if raw else None
