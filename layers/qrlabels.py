"""QR code label sheets: A4 pages of labels, one per building, to print and stick up.

Each label carries the building's address code, its address, where it is (community ·
grid) and a QR code of the residents' form for that address. One self-contained HTML
page (inline SVG, no external resources): print it from a browser, or to PDF with
headless Chromium. Every page holds the same grid of labels, so the page count is
known before printing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Final

import segno

COLUMNS: Final = 3
ROWS: Final = 7
PER_PAGE: Final = COLUMNS * ROWS
# Error correction M (15% of the code may be lost): labels outdoors get scratched.
ERROR: Final = "m"
FONT: Final = "'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif"


@dataclass(frozen=True)
class Label:
    code: str  # the unified address code
    address: str  # the building's address text
    place: str  # community · grid
    url: str  # what the QR code opens: the residents' form for this address


@dataclass(frozen=True)
class Sheet:
    title: str  # the area's name and code
    labels: tuple[Label, ...]

    @property
    def pages(self) -> int:
        return max(1, math.ceil(len(self.labels) / PER_PAGE))


def qr_svg(url: str) -> str:
    """The URL's QR code as inline SVG, sized by CSS (a 4-module quiet zone included)."""
    return str(segno.make(url, error=ERROR, micro=False).svg_inline(border=4, omitsize=True))


STYLE = f"""
@page {{ size: A4; margin: 0; }}
* {{ box-sizing: border-box; }}
html, body {{ margin: 0; padding: 0; font-family: {FONT}; color: #111; }}
.page {{ width: 210mm; height: 297mm; padding: 9mm 8mm 6mm; overflow: hidden;
  break-after: page; page-break-after: always; display: flex; flex-direction: column; }}
.page:last-child {{ break-after: auto; page-break-after: auto; }}
.head {{ display: flex; justify-content: space-between; font-size: 8pt; color: #555;
  height: 6mm; }}
.grid {{ display: grid; grid-template-columns: repeat({COLUMNS}, 1fr);
  grid-template-rows: repeat({ROWS}, 1fr); flex: 1; gap: 0; }}
.label {{ border: 0.3mm dashed #9ca3af; padding: 2.5mm; display: flex; gap: 2mm;
  overflow: hidden; }}
.qr {{ flex: 0 0 31mm; height: 31mm; }}
.qr svg {{ width: 31mm; height: 31mm; display: block; }}
.text {{ display: flex; flex-direction: column; min-width: 0; font-size: 7.5pt;
  line-height: 1.25; }}
.code {{ font: 700 9pt ui-monospace, 'DejaVu Sans Mono', monospace; word-break: break-all; }}
.addr {{ font-weight: 700; margin-top: 1mm; overflow-wrap: anywhere; }}
.place {{ color: #444; margin-top: 0.8mm; overflow-wrap: anywhere; }}
.call {{ margin-top: auto; font-size: 7pt; color: #111; }}
.call .en {{ color: #555; display: block; }}
"""


def _label(label: Label) -> str:
    return (
        f'<div class="label" data-code="{escape(label.code)}">'
        f'<div class="qr">{qr_svg(label.url)}</div><div class="text">'
        f'<span class="code">{escape(label.code)}</span>'
        f'<span class="addr">{escape(label.address)}</span>'
        f'<span class="place">{escape(label.place)}</span>'
        '<span class="call">扫码反映问题<span class="en">Scan to report a problem</span>'
        "</span></div></div>"
    )


def sheet_html(sheet: Sheet) -> str:
    """The whole sheet as one printable HTML page."""
    pages = []
    chunks: Sequence[tuple[Label, ...]] = [
        sheet.labels[i : i + PER_PAGE] for i in range(0, len(sheet.labels), PER_PAGE)
    ] or [()]
    for n, chunk in enumerate(chunks, start=1):
        empty = (
            '<p class="empty">此区域没有楼幢 · No buildings in this area</p>' if not chunk else ""
        )
        pages.append(
            f'<section class="page"><div class="head"><span>{escape(sheet.title)} · '
            "楼幢二维码 Building QR codes</span>"
            f"<span>第 {n} 页 / 共 {len(chunks)} 页 · page {n} of {len(chunks)}</span></div>"
            f'{empty}<div class="grid">{"".join(_label(x) for x in chunk)}</div></section>'
        )
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(sheet.title)} · 楼幢二维码 Building QR codes</title>"
        f"<style>{STYLE}</style></head><body>{''.join(pages)}</body></html>"
    )
