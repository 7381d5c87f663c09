"""The figures page's tables and headline tiles as HTML strings, shown by one component each.

A table as Dash components is one component per cell; a month's page held thousands and
the browser spent seconds walking them. One HTML string per table costs nothing to show.
Every value is escaped here; links are local (/incidents, /incident/<id>, /api/figures)
and opened inside the app by assets/figures.js.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from layers.tabular import Table, format_value

ROWS_SHOWN = 12
NUM = ' class="n"'
MORE = ("{n} 行见下载", "{n} more rows in the download")


def _cell(value: object, kind: str, lang: str, link: str | None) -> str:
    text = escape(format_value(value, kind, lang))  # type: ignore[arg-type]
    cls = NUM if kind != "text" else ""
    if link:
        text = f'<a href="{escape(link)}" data-go="1">{text}</a>'
    return f"<td{cls}>{text}</td>"


def table(t: Table, lang: str, downloads: Sequence[tuple[str, str]], rows: int = ROWS_SHOWN) -> str:
    """The table's first ``rows`` rows, each linking to what it counts, then its notes and
    download links ((label, href) pairs)."""
    en = lang == "en"
    head = "".join(
        f"<th{NUM if c.kind != 'text' else ''}>{escape(c.head(lang))}</th>" for c in t.columns
    )
    # the link goes on the first text column (a name), else on the first column
    at = next((j for j, c in enumerate(t.columns) if c.kind == "text"), 0)
    body = []
    for i, row in enumerate(t.rows[:rows]):
        link = t.link(i)
        cells = "".join(
            _cell(v, c.kind, lang, link if j == at else None)
            for j, (v, c) in enumerate(zip(row, t.columns, strict=True))
        )
        attr = f' data-href="{escape(link)}"' if link else ""
        body.append(f'<tr class="wf-fig-row"{attr}>{cells}</tr>')
    if not t.rows:
        none = "Nothing in this period" if en else "本期无数据"
        body.append(f'<tr><td colspan="{len(t.columns)}" class="wf-muted">{none}</td></tr>')
    foot = []
    if len(t.rows) > rows:
        more = MORE[1 if en else 0].format(n=len(t.rows) - rows)
        foot.append(f'<span class="wf-muted">+{escape(more)}</span>')
    if t.note[0]:
        foot.append(f'<span class="wf-muted">{escape(t.note[1] if en else t.note[0])}</span>')
    links = "".join(
        f'<a class="wf-fig-dl" href="{escape(href)}" download>{escape(label)}</a>'
        for label, href in downloads
    )
    foot.append(f'<span class="wf-fig-dls">{links}</span>')
    return (
        f'<div class="wf-fig-tablebox"><table class="wf-table wf-fig-table" '
        f'data-table="{escape(t.key)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
        f'<div class="wf-fig-foot">{"".join(foot)}</div></div>'
    )


def tile(
    label: str,
    value: str,
    changes: Sequence[tuple[str, str, str, str]] = (),
    key: str = "",
    link: str | None = None,
    tone: str = "",
) -> str:
    """A headline tile; ``changes`` are (arrow, text, tone, against what) lines."""
    shown = escape(value)
    if link:
        shown = f'<a href="{escape(link)}" data-go="1">{shown}</a>'
    lines = "".join(
        f'<div class="wf-change wf-{escape(t)}"><span class="wf-arrow">{escape(a)}</span> '
        f'{escape(text)} <span class="wf-muted">{escape(against)}</span></div>'
        for a, text, t, against in changes
    )
    return (
        f'<div class="wf-fig-tile"><div class="wf-tile-label">{escape(label)}</div>'
        f'<div class="wf-tile-value {escape(tone)}" data-key="{escape(key)}">{shown}</div>'
        f"{lines}</div>"
    )
