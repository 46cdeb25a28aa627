"""Tables shown on the pages and exported to Excel from the same rows.

A page builds a :class:`Table` once; the template renders it and ``?format=xlsx`` writes the
same rows to a workbook, so every table a user sees can be exported as it is.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from fractions import Fraction

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from plantrack.core.nodata import NoData

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Cell:
    """A table cell: its text, an optional link and CSS class."""

    text: str
    href: str = ""
    css: str = ""


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    demo: bool = False
    note: str = ""

    def add(self, *cells: Cell | str | int | None) -> None:
        self.rows.append([c if isinstance(c, Cell) else Cell(_plain(c)) for c in cells])


def _plain(value: str | int | None) -> str:
    return "—" if value is None else str(value)


def percent(value: Fraction | NoData | None, places: int = 2) -> str:
    """A rate as a percentage text; '—' without data (never 0)."""
    if value is None or isinstance(value, NoData):
        return "—"
    return f"{float(value) * 100:.{places}f}%"


def xlsx(table: Table, context: str) -> HttpResponse:
    """The table as an .xlsx download (title, context line, demo label, headers, rows)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.title[:31]
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([context + ("（" + _("演示数据") + "）" if table.demo else "")])
    sheet.append(table.headers)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_number(c.text) for c in row])
    if table.note:
        sheet.append([])
        sheet.append([table.note])
    for column, header in enumerate(table.headers, start=1):
        width = max([len(header)] + [len(r[column - 1].text) for r in table.rows if r])
        sheet.column_dimensions[get_column_letter(column)].width = min(50, 4 + width * 1.5)
    sheet.freeze_panes = "A4"
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="quality-{table.key}.xlsx"'
    return response


def _number(text: str) -> str | int | float:
    # Counts stay numbers in Excel so they can be summed; rates keep their % text.
    if text.isdigit():
        return int(text)
    return text
