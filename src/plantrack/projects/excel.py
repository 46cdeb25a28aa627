"""Project lists in Excel: a template per list, reading an upload back, and exports.

Like the reporting templates, a sheet has a header row people read and a hidden row of codes
under it; columns are mapped by the code row, so renamed or re-ordered columns still import.
These functions touch no database.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from plantrack.core.projects import ProjectList
from plantrack.reporting.excel import (
    _HEADER_FILL,
    Error,
    Malformed,
    _display,
    _save,
    _sheet_title,
    malformed,
    marked_sheets,
)

__all__ = ["Error", "Malformed", "UploadRow", "columns_of", "read_workbook", "workbook"]

MARKER = "project_list="
EXPECTED = "expected:"
ACTUAL = "actual:"
PLANNED_ON = "planned_on:"
ACTUAL_ON = "actual_on:"
# The steps every list shares; a sheet carries a planned and an actual date for each.
MILESTONES = ("立项批复", "开工", "主体完工", "竣工验收")
STATUS_LABELS = {
    "planned": "计划",
    "under_construction": "在建",
    "completed": "已完成",
    "suspended": "暂停",
    "cancelled": "已取消",
}
FIXED = [
    ("code", "项目编号"),
    ("name", "项目名称"),
    ("owner_unit", "责任单位"),
    ("region", "行政区划代码"),
    ("status", "状态"),
    ("planned_investment", "计划投资（万元）"),
    ("actual_investment", "完成投资（万元）"),
    ("started_on", "开工日期"),
    ("completed_on", "竣工日期"),
]


@dataclass(frozen=True)
class UploadRow:
    """One filled row of an uploaded sheet, keyed by column code."""

    sheet: str
    row: int
    plan: str
    list_code: str
    cells: Mapping[str, object]
    letters: Mapping[str, str]  # column code -> column letter
    headers: Mapping[str, str]  # column code -> header as written in the file


def columns_of(project_list: ProjectList) -> list[tuple[str, str]]:
    columns = list(FIXED)
    for c in project_list.contributions:
        columns.append((EXPECTED + c.code, f"预期{c.name}（{c.unit}）"))
        columns.append((ACTUAL + c.code, f"实际{c.name}（{c.unit}）"))
    for name in MILESTONES:
        columns.append((PLANNED_ON + name, f"{name}计划日期"))
        columns.append((ACTUAL_ON + name, f"{name}实际日期"))
    return columns


def workbook(
    plan: str,
    sheets: Sequence[tuple[ProjectList, Sequence[Mapping[str, object]]]],
    *,
    demo: bool,
) -> bytes:
    """One sheet per list with its rows (empty for a template); reading it back imports it."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    titles: set[str] = set()
    for project_list, rows in sheets:
        ws = book.create_sheet(_sheet_title(project_list.name, titles))
        columns = columns_of(project_list)
        for index, (code, header) in enumerate(columns, start=1):
            cell = ws.cell(1, index, header)
            cell.font = Font(bold=True)
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            ws.cell(2, index, code)
            ws.column_dimensions[get_column_letter(index)].width = min(30, _display(header))
        ws.cell(2, len(columns) + 1, f"{MARKER}{plan}/{project_list.code}")
        ws.row_dimensions[2].hidden = True
        for number, row in enumerate(rows, start=3):
            for index, (code, _header) in enumerate(columns, start=1):
                value = row.get(code)
                ws.cell(
                    number,
                    index,
                    STATUS_LABELS.get(str(value), value) if code == "status" else value,
                )
        status = DataValidation(type="list", formula1='"' + ",".join(STATUS_LABELS.values()) + '"')
        ws.add_data_validation(status)
        status.add(f"E3:E{max(len(rows) + 2, 500)}")
        ws.freeze_panes = "C3"
    notes = book.create_sheet("填写说明")
    lines = [
        ("演示数据 · " if demo else "") + "重点项目清单导入模板",
        "第2行（隐藏）是列编码，请勿修改；按“项目编号”新增或更新项目，整个文件全部通过校验才会导入。",
        "状态填写："
        + "、".join(STATUS_LABELS.values())
        + "；日期格式 YYYY-MM-DD；投资单位为万元。",
        "行政区划代码为6位国家标准代码（GB/T 2260），如杭州市 330100、西湖区 330106。",
    ]
    for number, line in enumerate(lines, start=1):
        notes.cell(number, 1, line)
    return _save(book)


def read_workbook(data: bytes) -> list[UploadRow]:
    """Every non-empty data row of every sheet that carries a project-list marker."""
    sheets = marked_sheets(data, MARKER)
    if not sheets:
        raise malformed("文件中没有重点项目清单模板的工作表（第2行的列编码缺失），请下载模板后填写")
    rows = []
    for sheet in sheets:
        plan, _, list_code = sheet.key.partition("/")
        rows += [
            UploadRow(sheet.title, number, plan, list_code, cells, sheet.letters, sheet.names)
            for number, cells in sheet.rows
        ]
    return rows
