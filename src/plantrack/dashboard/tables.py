"""Tables as pages and workbooks show them: one definition, rendered to HTML and to .xlsx.

A :class:`Table` is built once by the view's data code; the template prints its cells and
:func:`workbook` writes the same cells, so what is exported is exactly what is shown.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from plantrack.core.generic import round_half_up
from plantrack.core.nodata import is_no_data

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Cell:
    """One cell: the raw ``value`` (a number stays a number in Excel), the text shown, and
    optionally a link, a CSS class and a data attribute for tests and scripts."""

    value: object
    text: str = ""
    href: str = ""
    css: str = ""
    data: str = ""

    def __post_init__(self) -> None:
        if is_no_data(self.value):
            self.value = None
        if not self.text:
            self.text = _shown(self.value)


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""


def _shown(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        if not value.is_finite():
            return "—"
        return f"{round_half_up(value, 2).normalize():f}"
    if isinstance(value, float | int) and not isinstance(value, bool):
        return str(value)
    return str(value) if str(value) else "—"


def _excel_value(cell: Cell) -> object:
    value = cell.value
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        return value
    return cell.text if cell.text != "—" else None


def workbook(table: Table, context: str, demo: bool) -> bytes:
    """The table as a one-sheet workbook: title, context line, header, rows.

    Demo data is labelled on the sheet itself, since a workbook travels without the page.
    """
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.key[:31]
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True, size=14)
    exported, demo_label = _("导出时间"), _("演示数据，非官方统计")
    label = f"{context} · {exported} {timezone.localtime():%Y-%m-%d %H:%M}"
    sheet.append([label + (f" · {demo_label}" if demo else "")])
    sheet.append(table.headers)
    fill = PatternFill("solid", fgColor="EEF2F7")
    for column in range(1, len(table.headers) + 1):
        sheet.cell(row=3, column=column).font = Font(bold=True)
        sheet.cell(row=3, column=column).fill = fill
    for row in table.rows:
        sheet.append([_excel_value(c) for c in row])
    if table.note:
        sheet.append([])
        sheet.append([table.note])
    for column, header in enumerate(table.headers, start=1):
        width = max([len(str(header))] + [len(r[column - 1].text) for r in table.rows if r])
        sheet.column_dimensions[get_column_letter(column)].width = min(60, 4 + width * 1.6)
    sheet.freeze_panes = "A4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(table: Table, filename: str, context: str, demo: bool) -> HttpResponse:
    response = HttpResponse(workbook(table, context, demo), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
