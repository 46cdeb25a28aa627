"""Excel for annual plans: the structured-target template of one obligation, reading it back,
and the list of obligations.

As in data reporting, a sheet has a header row people read and a hidden row of codes under it;
columns are found by code, so re-ordered columns still import. No database access here.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from plantrack.reporting.excel import (
    _HEADER_FILL,
    Error,
    Malformed,
    _display,
    _save,
    malformed,
    marked_sheets,
)

__all__ = ["Error", "Malformed", "UploadRow", "list_workbook", "read_targets", "targets_workbook"]

MARKER = "annual_plan="
SHEET = "分解目标"
COLUMNS = [
    ("target", "目标编码"),
    ("statement", "目标表述"),
    ("unit", "计量单位"),
    ("assigned", "省下达值"),
    ("value", "本年度计划值"),
    ("measures", "主要措施"),
]
INPUT = {"value", "measures"}
_INPUT_FILL = PatternFill("solid", fgColor="FFF9E1")
_LATE_FILL = PatternFill("solid", fgColor="F8D7DA")


@dataclass(frozen=True)
class TemplateRow:
    target: str
    statement: str
    unit: str
    assigned: object
    value: object = None
    measures: str = ""


@dataclass(frozen=True)
class UploadRow:
    sheet: str
    row: int
    cells: Mapping[str, object]
    letters: Mapping[str, str]
    headers: Mapping[str, str]


def targets_workbook(key: str, title: str, rows: Sequence[TemplateRow], *, demo: bool) -> bytes:
    """The obligation's targets, one per row; ``key`` ties the file to the obligation."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = SHEET
    for index, (code, header) in enumerate(COLUMNS, start=1):
        cell = ws.cell(1, index, header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.cell(2, index, code)
        ws.column_dimensions[get_column_letter(index)].width = (
            40
            if code
            in (
                "statement",
                "measures",
            )
            else max(12, _display(header))
        )
    ws.cell(2, len(COLUMNS) + 1, f"{MARKER}{key}")
    ws.row_dimensions[2].hidden = True
    for number, row in enumerate(rows, start=3):
        values = [row.target, row.statement, row.unit, row.assigned, row.value, row.measures]
        for index, value in enumerate(values, start=1):
            cell = ws.cell(number, index, value)
            if COLUMNS[index - 1][0] in INPUT:
                cell.fill = _INPUT_FILL
    ws.freeze_panes = "B3"
    notes = book.create_sheet("填写说明")
    lines = [
        ("演示数据 · " if demo else "") + f"年度实施计划分解目标：{title}",
        "第2行（隐藏）是列编码，请勿修改；在“本年度计划值”填写数字，“主要措施”填写文字。",
        "计划值按目标自身的口径填写（如“下降3.5%”填 3.5）；低于省下达值的会在导入时提示。",
        "整个文件全部通过校验才会导入；导入结果替换此前导入的分解目标。",
    ]
    for number, line in enumerate(lines, start=1):
        notes.cell(number, 1, line)
    return _save(book)


def read_targets(data: bytes) -> tuple[str, list[UploadRow]]:
    """The obligation key the file was made for and its non-empty rows (the template fills
    the target columns in, so a row counts when a target, a value or measures are given)."""
    sheets = marked_sheets(data, MARKER, significant=("target", "value", "measures"))
    if not sheets:
        raise malformed(
            "文件中没有年度实施计划分解目标模板的工作表（第2行的列编码缺失），请下载模板后填写"
        )
    sheet = sheets[0]
    missing = [h for c, h in COLUMNS if c in ("target", "value") and c not in sheet.letters]
    if missing:
        raise malformed(f"缺少列：{'、'.join(missing)}", sheet.title)
    rows = [
        UploadRow(sheet.title, number, cells, sheet.letters, sheet.names)
        for number, cells in sheet.rows
    ]
    return sheet.key, rows


LIST_COLUMNS = [
    "年度",
    "类型",
    "承担单位",
    "截止日期",
    "状态",
    "提交时间",
    "逾期/迟交（天）",
    "通过时间",
    "退回原因",
]


def list_workbook(rows: Sequence[Sequence[object]], late: Sequence[bool], *, demo: bool) -> bytes:
    """The obligations as listed (one row each); late or overdue rows are shaded."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "报送任务"
    for index, header in enumerate(LIST_COLUMNS, start=1):
        cell = ws.cell(1, index, header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        ws.column_dimensions[get_column_letter(index)].width = max(12, _display(header))
    for number, (values, shaded) in enumerate(zip(rows, late, strict=True), start=2):
        for index, value in enumerate(values, start=1):
            if isinstance(value, dt.datetime):
                value = value.replace(tzinfo=None)
            cell = ws.cell(number, index, value)
            if shaded:
                cell.fill = _LATE_FILL
    ws.freeze_panes = "A2"
    if demo:
        ws.cell(len(rows) + 3, 1, "演示数据")
    return _save(book)
