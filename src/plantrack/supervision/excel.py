"""Findings in Excel (a template per campaign and reading an upload back) and the ledger and
meetings as workbooks. Like the other templates, row 1 is the header people read and a hidden
row 2 carries the column codes, so re-ordered or renamed columns still import. No database."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from plantrack.reporting.excel import (
    _HEADER_FILL,
    Error,
    Malformed,
    _display,
    _save,
    malformed,
    marked_sheets,
)

__all__ = ["Error", "Malformed", "UploadRow", "findings_template", "read_findings"]

MARKER = "campaign="
SEVERITY_LABELS = {"general": "一般", "serious": "较重", "critical": "严重"}
TERM_LABELS = {"short": "短期", "medium": "中期", "long": "长期"}
COLUMNS = [
    ("region", "行政区划代码"),
    ("enterprise", "企业统一社会信用代码（可空）"),
    ("program", "工程编码（可空）"),
    ("description", "问题描述"),
    ("severity", "严重程度"),
    ("found_on", "发现日期"),
    ("term", "整改时限类型"),
    ("deadline", "整改期限（可空）"),
    ("required_evidence", "应提交的佐证材料"),
]


@dataclass(frozen=True)
class UploadRow:
    """One filled row of an uploaded sheet, keyed by column code."""

    sheet: str
    row: int
    campaign: str
    cells: Mapping[str, object]
    letters: Mapping[str, str]
    headers: Mapping[str, str]


def _header(ws: Worksheet, row: int, headers: Sequence[str]) -> None:
    for index, header in enumerate(headers, start=1):
        cell = ws.cell(row, index, header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(index)].width = min(40, max(10, _display(header)))


def findings_template(campaign_id: int, campaign_name: str, *, demo: bool) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "督查发现问题"
    _header(ws, 1, [header for _code, header in COLUMNS])
    for index, (code, _header_text) in enumerate(COLUMNS, start=1):
        ws.cell(2, index, code)
    ws.cell(2, len(COLUMNS) + 1, f"{MARKER}{campaign_id}")
    ws.row_dimensions[2].hidden = True
    for column, labels in (("E", SEVERITY_LABELS), ("G", TERM_LABELS)):
        rule = DataValidation(type="list", formula1='"' + ",".join(labels.values()) + '"')
        ws.add_data_validation(rule)
        rule.add(f"{column}3:{column}500")
    ws.freeze_panes = "A3"
    notes = book.create_sheet("填写说明")
    lines = [
        ("演示数据 · " if demo else "") + f"督查发现问题导入模板：{campaign_name}",
        "第2行（隐藏）是列编码，请勿修改；整个文件全部通过校验才会导入，每个问题生成一条整改事项。",
        "严重程度：一般、较重、严重；整改时限类型：短期（3个月内）、中期（1年内）、长期（2年内）。",
        "日期格式 YYYY-MM-DD；整改期限不填时按整改时限类型从发现日期起算。",
        "行政区划代码为6位国家标准代码（GB/T 2260），如杭州市 330100、西湖区 330106。",
    ]
    for number, line in enumerate(lines, start=1):
        notes.cell(number, 1, line)
    return _save(book)


def read_findings(data: bytes) -> list[UploadRow]:
    """Every non-empty data row of every sheet carrying a campaign marker."""
    sheets = marked_sheets(data, MARKER)
    if not sheets:
        raise malformed("文件中没有督查发现问题模板的工作表（第2行的列编码缺失），请下载模板后填写")
    return [
        UploadRow(sheet.title, number, sheet.key, cells, sheet.letters, sheet.names)
        for sheet in sheets
        for number, cells in sheet.rows
    ]


def table_workbook(
    title: str,
    sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[object]]]],
    *,
    demo: bool,
) -> bytes:
    """A read-only export: one sheet per (name, headers, rows), the title above the header."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for name, headers, rows in sheets:
        ws = book.create_sheet(name[:31])
        caption = ("演示数据（生成的数据，不是官方数据）· " if demo else "") + title
        ws.cell(1, 1, caption).font = Font(bold=True, color="C00000" if demo else "000000")
        _header(ws, 2, headers)
        for number, row in enumerate(rows, start=3):
            for index, value in enumerate(row, start=1):
                if isinstance(value, dt.datetime):
                    value = value.replace(tzinfo=None)
                ws.cell(number, index, value)
        ws.freeze_panes = "A3"
    return _save(book)
