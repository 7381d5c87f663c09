"""The list's rows: one per incident, late first. Each cell carries its column's label, so
on a phone the rows become cards (assets/console.css) with the labels beside the values."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard import console
from feeds import numbering
from feeds.vocab import CATEGORIES, SOURCES, STATES

HEAD = [
    ("编号", "No."),
    ("状态", "State"),
    ("时限", "SLA"),
    ("分类", "Category"),
    ("来源", "Source"),
    ("位置", "Where"),
    ("上报时间", "Reported"),
    ("处置单位", "Unit"),
    ("联系电话", "Phone"),
    ("内容", "Text"),
]
LABELS = [f"{zh} {en}" for zh, en in HEAD]


def row(
    row: dict[str, Any], names: dict[str, str], units: dict[str, str], colour: str | None, tz: str
) -> html.Tr:
    sla = console.SLA_LABELS.get(colour or "", ("–", ""))
    where = " / ".join(names.get(c, c) for c in (row["street"], row["community"], row["grid"]) if c)
    cells: list[tuple[Any, str]] = [
        (
            dcc.Link(
                numbering.shown(row),
                href=f"/incident/{row['id']}",
                className="wf-id",
                title=row["id"],
            ),
            "wf-cell-no",
        ),
        (console.lab(STATES, row["state"]), "wf-cell-state"),
        (html.Span(sla[0], className=f"wf-sla wf-sla-{colour or 'none'}"), "wf-cell-sla"),
        (console.lab(CATEGORIES, row["category"]), "wf-cell-category"),
        (console.lab(SOURCES, row["source"]), "wf-cell-source"),
        (where, "wf-cell-where"),
        (console.when(row["reported_at"], tz), "wf-cell-when"),
        (console.unit_name(row["unit"], units), "wf-cell-unit"),
        (console.mask_phone(row["contact"]), "wf-phone"),
        (row["text"][:80], "wf-text"),
    ]
    return html.Tr(
        [
            html.Td(value, className=cls, **{"data-label": label})
            for (value, cls), label in zip(cells, LABELS, strict=True)
        ],
        className=f"wf-row wf-row-{colour or 'none'}",
        **{"data-id": row["id"], "data-number": row.get("number") or ""},
    )
