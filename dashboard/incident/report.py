"""What was reported: never changes, so it is drawn once (with its map)."""

from __future__ import annotations

import json
from typing import Any

from dash import html

from dashboard import console, ids
from dashboard.incident.map import incident_map
from feeds.vocab import CATEGORIES, PRIORITIES, REPORT_KINDS, SOURCES


def kv(label: tuple[str, str], value: Any, vid: str | None = None) -> html.Div:
    kw = {"id": vid} if vid else {}
    return html.Div([html.Dt(console.bi(label)), html.Dd(value, **kw)], className="wf-kv")


def report_part(data: dict[str, Any], tz: str, acting: bool) -> html.Div:
    """What was reported: never changes, so it is drawn once."""
    row, names = data["row"], data["names"]
    photos = json.loads(row["photos"] or "[]")
    where = " / ".join(
        names.get(c, c)
        for c in (row["street"], row["community"], row["grid"], row["micro_grid"])
        if c
    )
    contact: list[Any] = [html.Span(console.mask_phone(row["contact"]), id=ids.CONTACT)]
    if acting and row["contact"]:
        contact.append(
            html.Button("查看 Reveal", id=ids.ACT_REVEAL, className="wf-btn wf-btn-small")
        )
    media: list[Any] = [
        html.A(
            html.Img(src=f"/media/{p}", className="wf-thumb", alt=p),
            href=f"/media/{p}",
            target="_blank",
            className="wf-thumb-link",
        )
        for p in photos
    ]
    if row["voice"]:
        media.append(html.Audio(src=f"/media/{row['voice']}", controls=True, className="wf-voice"))
    return html.Div(
        [
            html.Div(
                [
                    html.Dl(
                        [
                            kv(("分类", "Category"), console.lab(CATEGORIES, row["category"])),
                            kv(("优先级", "Priority"), console.lab(PRIORITIES, row["priority"])),
                            kv(
                                ("来源", "Source"),
                                f"{console.lab(SOURCES, row['source'])} · "
                                f"{console.lab(REPORT_KINDS, row['kind'])}",
                            ),
                            kv(("上报时间", "Reported"), console.when(row["reported_at"], tz)),
                            kv(("位置", "Where"), where or "–"),
                            kv(("地址码", "Address code"), row["address"] or "–"),
                            kv(("上报人", "Reporter"), row["reporter"] or "–"),
                            kv(("联系电话", "Phone"), contact),
                        ],
                        className="wf-kvs",
                    ),
                    html.H2(console.bi(("内容", "What was reported"))),
                    html.P(row["text"] or "–", className="wf-report-text", id="inc-text"),
                    html.Div(media, className="wf-media") if media else None,
                ],
                className="wf-report",
            ),
            incident_map(data),
        ],
        className="wf-report-row",
    )
