"""Printed reports as one self-contained HTML page: A4, print CSS, zh-CN, no external resources.

A document is chapters (a page break before each), each of sections holding headline
tiles, inline SVG charts and tables. Every printed page carries the district, the
report's title and date, and its page number (CSS page margin boxes, which Chromium
prints to PDF).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from layers.tabular import Table, format_value


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    changes: tuple[tuple[str, str], ...] = ()  # ("▲ +12.5% 较上期", tone: good bad flat none)


@dataclass(frozen=True)
class Section:
    title: str
    caption: str = ""  # what it counts and over which period
    tiles: tuple[Tile, ...] = ()
    charts: tuple[str, ...] = ()  # inline SVG
    tables: tuple[Table, ...] = ()
    note: str = ""
    max_rows: int = 15


@dataclass(frozen=True)
class Chapter:
    title: str  # e.g. the grid's name; "" for a one-chapter document
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Document:
    title: str  # 滨江区城市运行日报
    district: str
    period: str  # 2026-11-30 (星期一)
    made_at: str
    chapters: tuple[Chapter, ...]
    footnote: str = ""
    lang: str = "zh-CN"
    meta: dict[str, str] = field(default_factory=dict)


PAGE = """
@page { size: A4; margin: 16mm 14mm 16mm 14mm;
  @top-left { content: @@LEFT@@; font: 8pt @@FONT@@; color: #6b7280; }
  @top-right { content: @@RIGHT@@; font: 8pt @@FONT@@; color: #6b7280; }
  @bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页";
    font: 8pt @@FONT@@; color: #6b7280; } }
"""
FONT = "'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif"
CSS = """
* { box-sizing: border-box; }
html { background: #e5e7eb; }
body { margin: 0 auto; max-width: 210mm; background: #fff; color: #111827;
  font-family: 'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif;
  font-size: 10pt; line-height: 1.45; padding: 12mm 14mm; }
header.doc { border-bottom: 2px solid #1e3a8a; padding-bottom: 4mm; margin-bottom: 5mm; }
header.doc .district { color: #1e3a8a; font-weight: 700; font-size: 11pt; letter-spacing: .1em; }
header.doc h1 { font-size: 19pt; margin: 1mm 0; }
header.doc .period { font-size: 12pt; }
header.doc .made { color: #6b7280; font-size: 8.5pt; }
h2.chapter { font-size: 15pt; color: #1e3a8a; margin: 0 0 3mm; border-left: 4px solid #1e3a8a;
  padding-left: 3mm; }
section { margin: 0 0 5mm; break-inside: avoid-page; }
section.long { break-inside: auto; }
section h3 { font-size: 12pt; margin: 0 0 1mm; }
.caption { color: #4b5563; font-size: 8.5pt; margin: 0 0 2mm; }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2.5mm; margin-bottom: 2mm; }
.tile { border: 1px solid #d1d5db; border-radius: 2mm; padding: 2mm 3mm; }
.tile .label { color: #4b5563; font-size: 8.5pt; }
.tile .value { font-size: 15pt; font-weight: 700; font-variant-numeric: tabular-nums; }
.tile .change { font-size: 8pt; color: #4b5563; }
.tile .change.good { color: #15803d; } .tile .change.bad { color: #b91c1c; }
table { width: 100%; border-collapse: collapse; font-size: 8.5pt; margin: 1mm 0 2mm; }
th, td { border-bottom: 1px solid #e5e7eb; padding: 1mm 1.5mm; text-align: left; }
th { background: #eef2f7; font-weight: 700; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
.chart { margin: 1mm 0 2mm; }
.note, .more { color: #6b7280; font-size: 8pt; }
.chapter-wrap + .chapter-wrap { break-before: page; }
footer.doc { color: #6b7280; font-size: 8pt; border-top: 1px solid #d1d5db; padding-top: 2mm;
  margin-top: 4mm; }
@media print {
  html { background: #fff; }
  body { max-width: none; padding: 0; }
}
"""


def _css_string(text: str) -> str:
    """A CSS string literal that cannot close the string or the style element."""
    safe = "".join(ch if ch.isalnum() or ch in " ·-–:()（）/" else f"\\{ord(ch):x} " for ch in text)
    return f'"{safe}"'


def _tile(t: Tile) -> str:
    lines = "".join(
        f'<div class="change {escape(tone)}">{escape(text)}</div>' for text, tone in t.changes
    )
    return (
        f'<div class="tile"><div class="label">{escape(t.label)}</div>'
        f'<div class="value">{escape(t.value)}</div>{lines}</div>'
    )


def table_html(table: Table, max_rows: int = 15) -> str:
    numeric = [c.kind != "text" for c in table.columns]
    head = "".join(
        f'<th class="{"n" if n else ""}">{escape(c.zh)}</th>'
        for c, n in zip(table.columns, numeric, strict=True)
    )
    body = []
    for row in table.rows[:max_rows]:
        cells = "".join(
            f'<td class="{"n" if n else ""}">{escape(format_value(v, c.kind))}</td>'
            for v, c, n in zip(row, table.columns, numeric, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    if not table.rows:
        body.append(f'<tr><td colspan="{len(table.columns)}" class="note">本期无数据</td></tr>')
    more = (
        f'<p class="more">另有 {len(table.rows) - max_rows} 行未列出（见 Excel 导出）</p>'
        if len(table.rows) > max_rows
        else ""
    )
    note = f'<p class="note">{escape(table.note[0])}</p>' if table.note[0] else ""
    return (
        f'<table data-table="{escape(table.key)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>{more}{note}"
    )


def _section(s: Section) -> str:
    parts = [f"<h3>{escape(s.title)}</h3>"]
    if s.caption:
        parts.append(f'<p class="caption">{escape(s.caption)}</p>')
    if s.tiles:
        parts.append('<div class="tiles">' + "".join(_tile(t) for t in s.tiles) + "</div>")
    parts.extend(f'<div class="chart">{svg}</div>' for svg in s.charts)
    parts.extend(table_html(t, s.max_rows) for t in s.tables)
    if s.note:
        parts.append(f'<p class="note">{escape(s.note)}</p>')
    long = sum(min(len(t.rows), s.max_rows) for t in s.tables) > 8
    return f'<section class="{"long" if long else ""}">' + "".join(parts) + "</section>"


def render(doc: Document) -> str:
    """The whole document as one HTML string (UTF-8, inline CSS and SVG, no scripts)."""
    head_left = f"{doc.district} · {doc.title}"
    page = (
        PAGE.replace("@@FONT@@", FONT)
        .replace("@@RIGHT@@", _css_string(doc.period))
        .replace("@@LEFT@@", _css_string(head_left))
    )
    chapters = []
    for ch in doc.chapters:
        title = f'<h2 class="chapter">{escape(ch.title)}</h2>' if ch.title else ""
        chapters.append(
            '<div class="chapter-wrap">'
            + title
            + "".join(_section(s) for s in ch.sections)
            + "</div>"
        )
    meta = "".join(
        f'<meta name="{escape(k)}" content="{escape(v)}">' for k, v in sorted(doc.meta.items())
    )
    footer = f'<footer class="doc">{escape(doc.footnote)}</footer>' if doc.footnote else ""
    return (
        f'<!DOCTYPE html><html lang="{escape(doc.lang)}"><head><meta charset="utf-8">'
        f"<title>{escape(doc.title)} {escape(doc.period)}</title>{meta}"
        f"<style>{page}{CSS}</style></head><body>"
        f'<header class="doc"><div class="district">{escape(doc.district)}</div>'
        f"<h1>{escape(doc.title)}</h1><div class='period'>{escape(doc.period)}</div>"
        f'<div class="made">{escape(doc.made_at)}</div></header>'
        + "".join(chapters)
        + footer
        + "</body></html>"
    )
