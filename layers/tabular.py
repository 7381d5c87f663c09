"""Tables of figures as data, and their exports: CSV (UTF-8 with BOM) and Excel (xlsx).

A table is what the page shows and what a leader downloads: the same rows, the same
numbers. Values stay raw (a share is 0.873, a duration is seconds); formatting is the
page's and the spreadsheet's business.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

Kind = Literal["text", "int", "float", "share", "seconds", "rating"]
BOM = "\ufeff"
# Excel number formats per kind: numbers stay numbers, only their look changes.
XLSX_FORMATS: dict[str, str] = {
    "int": "#,##0",
    "float": "#,##0.0",
    "share": "0.0%",
    "seconds": "#,##0",
    "rating": "0.00",
}


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    kind: Kind = "text"

    def head(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Table:
    """Rows of values in column order; ``links`` gives each row's /incidents query."""

    key: str  # file names and element ids: a-z, 0-9, _
    title: tuple[str, str]  # zh, en
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    period: str  # what the rows cover, e.g. "2026-11-01 – 2026-11-30"
    note: tuple[str, str] = ("", "")
    links: tuple[str | None, ...] = field(default=())

    def __post_init__(self) -> None:
        width = len(self.columns)
        for row in self.rows:
            if len(row) != width:
                raise ValueError(f"table {self.key}: row of {len(row)} values, {width} columns")
        if self.links and len(self.links) != len(self.rows):
            raise ValueError(f"table {self.key}: {len(self.links)} links for {len(self.rows)} rows")

    def link(self, i: int) -> str | None:
        return self.links[i] if self.links else None

    def column(self, key: str) -> list[Any]:
        i = [c.key for c in self.columns].index(key)
        return [row[i] for row in self.rows]


def format_value(value: Any, kind: Kind, lang: str = "zh") -> str:
    """How the page and the printed report show a value."""
    if value is None:
        return "–"
    if kind == "share":
        return f"{float(value) * 100:.1f}%"
    if kind == "seconds":
        return format_seconds(float(value), lang)
    if kind == "int":
        return f"{int(value):,}"
    if kind == "float":
        return f"{float(value):,.1f}"
    if kind == "rating":
        return f"{float(value):.2f}"
    return str(value)


def format_seconds(s: float, lang: str = "zh") -> str:
    """42 s, 3:05 (minutes), 5.2 h, 2.1 d: a duration as a leader reads it."""
    if s < 60:
        return f"{s:.0f} s" if lang == "en" else f"{s:.0f}秒"
    if s < 3600:
        return f"{int(s // 60)}:{int(s % 60):02d}"
    if s < 86400:
        return f"{s / 3600:.1f} h" if lang == "en" else f"{s / 3600:.1f}小时"
    return f"{s / 86400:.1f} d" if lang == "en" else f"{s / 86400:.1f}天"


def _csv_cell(value: Any) -> Any:
    return "" if value is None else value


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese text correctly.

    One header row (Chinese and English in each cell) keeps the file easy to load
    elsewhere; values are raw numbers.
    """
    out = io.StringIO()
    out.write(BOM)
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow([f"{c.zh} {c.en}" for c in table.columns])
    for row in table.rows:
        w.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8")


TITLE_FONT = Font(bold=True, size=14)
HEAD_FILL = PatternFill("solid", fgColor="DCE6F2")


def add_sheet(wb: Workbook, table: Table, first: bool = False) -> None:
    """One sheet per table: a title row with the period, headers in zh-CN and English,
    then the rows (numbers as numbers), then the note if any."""
    ws = wb.active if first else wb.create_sheet()
    ws.title = _sheet_title(table.title[0], [s.title for s in wb.worksheets if s is not ws])
    width = len(table.columns)
    ws.cell(row=1, column=1, value=f"{table.title[0]} {table.title[1]} · {table.period}")
    ws.cell(row=1, column=1).font = TITLE_FONT
    if width > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    for j, col in enumerate(table.columns, start=1):
        for r, text in ((2, col.zh), (3, col.en)):
            cell = ws.cell(row=r, column=j, value=text)
            cell.font = Font(bold=r == 2)
            cell.fill = HEAD_FILL
            cell.alignment = Alignment(horizontal="center")
        letter = get_column_letter(j)
        longest = max([len(col.zh) * 2, len(col.en)] + [len(str(row[j - 1])) for row in table.rows])
        ws.column_dimensions[letter].width = min(max(10, longest + 2), 48)
    for i, row in enumerate(table.rows, start=4):
        for j, (value, col) in enumerate(zip(row, table.columns, strict=True), start=1):
            cell = ws.cell(row=i, column=j, value=value)
            fmt = XLSX_FORMATS.get(col.kind)
            if fmt and value is not None:
                cell.number_format = fmt
    if table.note[0]:
        ws.cell(row=len(table.rows) + 5, column=1, value=f"{table.note[0]} {table.note[1]}")
    ws.freeze_panes = "A4"


def _sheet_title(name: str, taken: Sequence[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and unique in the workbook
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:28] or "Sheet"
    title, n = base, 2
    while title in taken:
        title, n = f"{base}{n}", n + 1
    return title


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """One workbook, one sheet per table, in order."""
    if not tables:
        raise ValueError("no table to export")
    wb = Workbook()
    for i, table in enumerate(tables):
        add_sheet(wb, table, first=i == 0)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def file_name(table_key: str, period_key: str, ext: str) -> str:
    """figures-units-2026-11.xlsx: safe for any file system and a download header."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in f"{table_key}-{period_key}")
    return f"figures-{safe}.{ext}"
