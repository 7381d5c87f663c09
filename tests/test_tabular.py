from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from layers.tabular import (
    Column,
    Table,
    file_name,
    format_seconds,
    format_value,
    to_csv,
    to_xlsx,
)

COLS = (
    Column("unit", "单位", "Unit"),
    Column("assigned", "派遣数", "Assigned", "int"),
    Column("closed", "结案率", "Closure rate", "share"),
    Column("p90", "到场P90(秒)", "On-site p90 (s)", "seconds"),
    Column("rating", "满意度", "Satisfaction", "rating"),
)
ROWS = (
    ("滨江城管一中队", 1234, 0.9512, 270.0, 4.61),
    ("长河物业", 12, None, None, None),
)


def table() -> Table:
    return Table(
        "units",
        ("单位排名", "Units league"),
        COLS,
        ROWS,
        "2026-11-01 – 2026-11-30",
        note=("至少 20 件方参与排名", "Ranked from 20 incidents"),
        links=("/incidents?unit=u1", None),
    )


def test_rows_must_match_columns() -> None:
    with pytest.raises(ValueError, match="row of 2 values, 5 columns"):
        Table("t", ("t", "t"), COLS, (("a", 1),), "p")
    with pytest.raises(ValueError, match="1 links for 2 rows"):
        Table("t", ("t", "t"), COLS, ROWS, "p", links=("x",))


def test_csv_has_bom_bilingual_header_and_raw_numbers() -> None:
    data = to_csv(table())
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [
        "单位 Unit",
        "派遣数 Assigned",
        "结案率 Closure rate",
        "到场P90(秒) On-site p90 (s)",
        "满意度 Satisfaction",
    ]
    assert rows[1] == ["滨江城管一中队", "1234", "0.9512", "270.0", "4.61"]
    assert rows[2] == ["长河物业", "12", "", "", ""]


def test_xlsx_title_headers_numbers() -> None:
    other = Table("cats", ("单位排名", "dup title"), COLS[:2], (("x", 1),), "p")
    wb = load_workbook(io.BytesIO(to_xlsx([table(), other])))
    ws = wb.worksheets[0]
    assert ws.title == "单位排名"
    assert wb.worksheets[1].title == "单位排名2"  # sheet names are unique
    assert ws["A1"].value == "单位排名 Units league · 2026-11-01 – 2026-11-30"
    assert [c.value for c in ws[2]] == ["单位", "派遣数", "结案率", "到场P90(秒)", "满意度"]
    assert [c.value for c in ws[3]] == [
        "Unit",
        "Assigned",
        "Closure rate",
        "On-site p90 (s)",
        "Satisfaction",
    ]
    assert [c.value for c in ws[4]] == ["滨江城管一中队", 1234, 0.9512, 270.0, 4.61]
    assert ws["B4"].number_format == "#,##0"
    assert ws["C4"].number_format == "0.0%"
    assert [c.value for c in ws[5]] == ["长河物业", 12, None, None, None]
    assert ws["A7"].value == "至少 20 件方参与排名 Ranked from 20 incidents"
    assert ws.freeze_panes == "A4"


def test_xlsx_needs_a_table() -> None:
    with pytest.raises(ValueError):
        to_xlsx([])


@pytest.mark.parametrize(
    ("value", "kind", "lang", "text"),
    [
        (None, "int", "zh", "–"),
        (12345, "int", "zh", "12,345"),
        (0.8766, "share", "zh", "87.7%"),
        (1.0, "share", "en", "100.0%"),
        (4.666, "rating", "zh", "4.67"),
        (12.25, "float", "zh", "12.2"),
        (42, "seconds", "zh", "42秒"),
        (42, "seconds", "en", "42 s"),
        (185, "seconds", "zh", "3:05"),
        (5 * 3600 + 720, "seconds", "en", "5.2 h"),
        (2.5 * 86400, "seconds", "zh", "2.5天"),
        ("长河街道", "text", "zh", "长河街道"),
    ],
)
def test_format_value(value: object, kind: str, lang: str, text: str) -> None:
    assert format_value(value, kind, lang) == text  # type: ignore[arg-type]


def test_format_seconds_boundaries() -> None:
    assert format_seconds(59.4) == "59秒"
    assert format_seconds(60) == "1:00"
    assert format_seconds(3599) == "59:59"
    assert format_seconds(3600, "en") == "1.0 h"


def test_file_name_is_safe() -> None:
    assert file_name("units", "2026-11", "xlsx") == "figures-units-2026-11.xlsx"
    assert file_name("a/b", "../x y", "csv") == "figures-a-b----x-y.csv"
