"""Reports as jobs in SQL: asked for (queued), claimed by one maker, progress, done or failed.

The row's id says what the report covers (``daily:2026-11-30``), so asking twice, from
two web processes or two leaders, asks once. A maker claims a row with a conditional
UPDATE (only one UPDATE can win) and keeps a heartbeat; a row whose maker stopped
beating is claimed again by another.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from sqlalchemy import Connection, delete, or_, select, update

from feeds import store
from feeds.tables import report_files, reports

Row = dict[str, Any]
STATUSES: Final = ("queued", "making", "done", "failed")
FORMATS: Final = ("html", "pdf", "xlsx")
STALE_MS: Final = 5 * 60_000  # a maker silent this long is presumed dead
LIST_LIMIT: Final = 200


def ask(
    conn: Connection,
    report_id: str,
    kind: str,
    params: Mapping[str, str],
    title: str,
    by: str,
    now: int,
    again: bool = False,
) -> bool:
    """Queue a report unless it is there already; ``again`` re-queues a done or failed one.

    True when this call queued it.
    """
    row = {
        "id": report_id,
        "kind": kind,
        "params": json.dumps(dict(params), ensure_ascii=False, sort_keys=True),
        "title": title,
        "status": "queued",
        "progress": 0,
        "step": "",
        "error": "",
        "requested_by": by[:64],
        "requested_at": now,
    }
    if store.insert_new(conn, reports, "id", [row]):
        return True
    if not again:
        return False
    done = conn.execute(
        update(reports)
        .where(reports.c.id == report_id, reports.c.status.in_(("done", "failed")))
        .values(
            status="queued",
            progress=0,
            step="",
            error="",
            requested_by=by[:64],
            requested_at=now,
            owner=None,
        )
    )
    return bool(done.rowcount)


def claim(conn: Connection, owner: str, now: int, stale_ms: int = STALE_MS) -> Row | None:
    """Take the oldest queued report (or one whose maker went silent) for this owner."""
    waiting = or_(
        reports.c.status == "queued",
        (reports.c.status == "making") & (reports.c.heartbeat_at < now - stale_ms),
    )
    candidates = conn.execute(
        select(reports.c.id, reports.c.status, reports.c.heartbeat_at)
        .where(waiting)
        .order_by(reports.c.requested_at)
        .limit(5)
    ).all()
    for cand in candidates:
        same = (reports.c.status == cand.status) & (
            reports.c.heartbeat_at.is_(None)
            if cand.heartbeat_at is None
            else reports.c.heartbeat_at == cand.heartbeat_at
        )
        won = conn.execute(
            update(reports)
            .where(reports.c.id == cand.id, same)
            .values(
                status="making",
                owner=owner,
                started_at=now,
                heartbeat_at=now,
                progress=0,
                step="",
                error="",
            )
        )
        if won.rowcount == 1:
            return get(conn, cand.id)
    return None


def progress(conn: Connection, report_id: str, owner: str, pct: int, step: str, now: int) -> bool:
    """Record progress (and the heartbeat); False when the report is no longer ours."""
    done = conn.execute(
        update(reports)
        .where(reports.c.id == report_id, reports.c.owner == owner, reports.c.status == "making")
        .values(progress=max(0, min(100, pct)), step=step[:100], heartbeat_at=now)
    )
    return bool(done.rowcount)


def finish(
    conn: Connection, report_id: str, owner: str, files: Mapping[str, bytes], now: int
) -> bool:
    """Keep the files and mark the report done (only if this owner still holds it)."""
    held = conn.execute(
        select(reports.c.id).where(
            reports.c.id == report_id, reports.c.owner == owner, reports.c.status == "making"
        )
    ).first()
    if held is None:
        return False
    conn.execute(delete(report_files).where(report_files.c.report == report_id))
    conn.execute(
        report_files.insert(),
        [
            {"report": report_id, "format": fmt, "content": data, "size": len(data)}
            for fmt, data in files.items()
        ],
    )
    conn.execute(
        update(reports)
        .where(reports.c.id == report_id)
        .values(status="done", progress=100, step="", finished_at=now, heartbeat_at=now)
    )
    return True


def fail(conn: Connection, report_id: str, owner: str, error: str, now: int) -> None:
    conn.execute(
        update(reports)
        .where(reports.c.id == report_id, reports.c.owner == owner)
        .values(status="failed", error=error[:2000], finished_at=now, heartbeat_at=now)
    )


def get(conn: Connection, report_id: str) -> Row | None:
    row = conn.execute(select(reports).where(reports.c.id == report_id)).mappings().first()
    return _with_params(dict(row)) if row else None


def listing(conn: Connection, limit: int = LIST_LIMIT) -> list[Row]:
    """Newest asked first, with the formats kept for each."""
    rows = [
        _with_params(dict(r))
        for r in conn.execute(
            select(reports).order_by(reports.c.requested_at.desc()).limit(limit)
        ).mappings()
    ]
    kept: dict[str, list[str]] = {}
    if rows:
        for f in conn.execute(
            select(report_files.c.report, report_files.c.format, report_files.c.size).where(
                report_files.c.report.in_([r["id"] for r in rows])
            )
        ):
            kept.setdefault(f.report, []).append(f.format)
    for r in rows:
        r["formats"] = sorted(kept.get(r["id"], []), key=FORMATS.index)
    return rows


def file_of(conn: Connection, report_id: str, fmt: str) -> bytes | None:
    row = conn.execute(
        select(report_files.c.content).where(
            report_files.c.report == report_id, report_files.c.format == fmt
        )
    ).first()
    return bytes(row.content) if row else None


def _with_params(row: Row) -> Row:
    try:
        row["params"] = json.loads(row["params"])
    except ValueError:
        row["params"] = {}
    return row
