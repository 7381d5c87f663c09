"""The progress page a resident follows a report on: its markup (escaped throughout)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from dashboard import plain
from feeds import numbering
from feeds.vocab import ACTIONS, CATEGORIES, REPORT_KINDS, STATES

STEPS: Final = (
    ("reported_at", "report"),
    ("accepted_at", "accept"),
    ("dispatched_at", "dispatch"),
    ("on_site_at", "arrive"),
    ("resolved_at", "resolve"),
    ("closed_at", "close"),
)


# The short incident number the console shows (given by the ingest worker): the page shows
# it beside the tracking number, to quote on the phone. The tracking number stays the secret.
HUMAN_NUMBER: Final = numbering.COLUMN
PLACE_LEVELS: Final = ("street", "community", "grid")


def sent_note() -> str:
    """Just sent (the redirect after the form): thanks, and keep the number."""
    keep = plain.bi(
        "请保存下面的查询编号，凭此查看进度和评价。",
        "Keep the tracking number below to follow and rate your report.",
    )
    thanks = plain.bi("已提交，感谢您的反映。", "Sent: thank you.")
    return f"<p class='ok' id='sent'>{thanks}<br>{keep}</p>"


def number_block(number: str, row: dict[str, Any] | None = None) -> str:
    short = (row or {}).get(HUMAN_NUMBER)
    shown = (
        f"<p id='incident-no'>{plain.bi('事件编号', 'Incident number')}: "
        f"<b>{plain.esc(short)}</b></p>"
        if short
        else ""
    )
    return (
        f"<p>{plain.bi('查询编号', 'Tracking number')}<br>"
        f'<span class="track" id="tracking">{plain.esc(number)}</span></p>{shown}'
    )


def facts(row: dict[str, Any], place: dict[str, Any] | None) -> str:
    """What was reported and where, by name: the kind and category, the building and its
    grid, community and street."""
    kind = REPORT_KINDS.get(row.get("kind") or "")
    cat = CATEGORIES.get(row.get("category") or "", (row.get("category") or "", ""))
    what = (f"{plain.bi(*kind)} · " if kind else "") + plain.bi(*cat)
    where = ""
    if place:
        chain = " · ".join(
            plain.esc(place[f"{lv}_name"]) for lv in PLACE_LEVELS if place.get(f"{lv}_name")
        )
        where = (
            f"<dt>{plain.bi('地点', 'Place')}</dt><dd id='place'>{plain.esc(place['name'])}"
            f"<br><span class='muted'>{chain}</span></dd>"
        )
    return (
        f"<dl class='facts'><dt>{plain.bi('事项分类', 'Category')}</dt>"
        f"<dd id='category'>{what}</dd>{where}</dl>"
    )


def photo_refs(row: dict[str, Any]) -> list[str]:
    try:
        refs = json.loads(row.get("photos") or "[]")
    except ValueError:
        return []
    return [str(r) for r in refs] if isinstance(refs, list) else []


def photos(row: dict[str, Any], number: str) -> str:
    """Thumbnails of the report's photos, opened by the tracking number (never /media/:
    that is for the console)."""
    links = [
        f"<a href='/t/{plain.esc(number)}/photo/{plain.esc(ref)}'>"
        f"<img class='thumb' src='/t/{plain.esc(number)}/photo/{plain.esc(ref)}' "
        f"alt='照片 {i} Photo {i}'></a>"
        for i, ref in enumerate(photo_refs(row), 1)
    ]
    return f"<div class='photos' id='photos'>{''.join(links)}</div>" if links else ""


def _when(ms: int | None, tz: str) -> str:
    if ms is None:
        return ""
    return datetime.fromtimestamp(ms / 1000, ZoneInfo(tz)).strftime("%m-%d %H:%M:%S")


def status_page(
    row: dict[str, Any],
    number: str,
    tz: str,
    csrf: tuple[str, str] | None,
    rated: bool,
    place: dict[str, Any] | None = None,
    sent: bool = False,
) -> str:
    steps = []
    for column, action in STEPS:
        at = row.get(column)
        label = ACTIONS[action]
        cls = "done" if at else "todo"
        steps.append(
            f"<li class='{cls}' data-step='{action}'>{plain.esc(label[0])} "
            f"<span class='en'>{plain.esc(label[1])}</span>"
            f"<br><span class='muted'>{plain.esc(_when(at, tz))}</span></li>"
        )
    state = STATES.get(row["state"], (row["state"], row["state"]))
    extra = ""
    if row["state"] in ("rejected", "merged"):
        extra = (
            f"<p class='ok'>{plain.esc(state[0])} · {plain.esc(row.get('reject_reason') or '')}</p>"
        )
    if row.get("resolution"):
        extra += f"<p>办理结果 <span class='en'>Outcome</span>: {plain.esc(row['resolution'])}</p>"
    rating = ""
    if row.get("rating") is not None:
        stars = "★" * int(row["rating"])
        rating = f"<p class='ok' id='rated'>{plain.bi('您的评价', 'Your rating')}: {stars}</p>"
    elif rated:
        rating = (
            "<p class='ok' id='rated'>感谢您的评价 <span class='en'>Thank you for rating</span></p>"
        )
    elif row["state"] in ("resolved", "closed") and csrf is not None:
        stars = "".join(
            f"<label><input type='radio' name='rating' value='{n}' required> {n} {'★' * n}</label>"
            for n in range(5, 0, -1)
        )
        rating = f"""
<form method="post" action="/t/{plain.esc(number)}/rate" id="rate-form">
<input type="hidden" name="csrf" value="{plain.esc(csrf[1])}">
<fieldset><legend>{plain.bi("满意度评价", "How satisfied are you?")}</legend>{stars}</fieldset>
<label for="comment">意见（选填） <span class="en">Comment (optional)</span></label>
<textarea id="comment" name="comment" maxlength="500"></textarea>
<button type="submit" id="rate-submit">提交评价 <span class="en">Send rating</span></button>
</form>"""
    return f"""
<h1>办理进度 <span class="en">Progress</span></h1>
{sent_note() if sent else ""}{number_block(number, row)}
<p id="state"><b>{plain.esc(state[0])}</b> <span class="en">{plain.esc(state[1])}</span></p>
{facts(row, place)}
<p class="muted" id="report-text">{plain.esc(row.get("text") or "")}</p>
{photos(row, number)}
<ol class="stages">{"".join(steps)}</ol>
{extra}{rating}"""
