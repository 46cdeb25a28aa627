"""Workbooks and CSV files of reported data: templates to fill in, reading them back, exports.

Pure-ish: these functions take and return plain values (dataclasses, bytes) and never touch the
database, so the views decide who gets which rows and ``bulk.save_many`` decides what is saved.

A template sheet has a visible header row (names a person reads) and, under it, a hidden row of
codes (``unit_key``, ``version``, element codes, ``data_set=<plan>/<code>``). Reading maps
columns by that code row only, so a user who renames, re-orders or hides columns, or renames the
sheet, still uploads a file that maps correctly.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from plantrack.core.validation import FieldSpec

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# An xlsx is a zip of XML; a few MB of zip may claim gigabytes unpacked (a "zip bomb"). The
# sizes in the zip's directory bound what zipfile will ever inflate, so they are checked first.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 2_000
MAX_ROWS = 20_000
MAX_COLUMNS = 500

UNIT_KEY = "unit_key"
UNIT_NAME = "unit_name"
PERIOD = "period"
VERSION = "version"
PREVIOUS = "@previous"
EXPLANATION = "@explanation"
MARKER = "data_set="
INSTRUCTIONS = "填报说明"

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_INPUT_FILL = PatternFill("solid", fgColor="FFF9E1")
_READ_ONLY_FILL = PatternFill("solid", fgColor="EDEDED")
_UNLOCKED = Protection(locked=False)
# Bounds for a decimal cell without its own: Excel's data validation needs two numbers, and
# these only keep text out (the server checks the real bounds again).
_NO_BOUND = Decimal("1E15")


class Malformed(Exception):
    """The file cannot be read as a template: not a workbook, too big, no code row, no rows."""

    def __init__(self, errors: Sequence[Error]):
        self.errors = list(errors)
        super().__init__("；".join(e.message for e in self.errors))


@dataclass(frozen=True)
class Error:
    """One thing wrong with an uploaded file, located the way the user sees it."""

    sheet: str
    row: int | None
    column: str  # column letter ("E", or "E、F" for a rule across fields); "" for the row
    header: str  # the column's header as written in the file
    message: str


@dataclass(frozen=True)
class RowError:
    """One problem of a row of a plain imported sheet (no template code row): its row number,
    the column's header and what is wrong."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行“{self.column}”：{self.message}"


def cell_text(value: object) -> str:
    """A plain sheet's cell as trimmed text ("" for an empty cell)."""
    return "" if value is None else str(value).strip()


def non_negative(
    value: object, row: int, column: str, errors: list[RowError], unit: str = ""
) -> Decimal | None:
    """A plain sheet's cell as a non-negative number; None for an empty cell, or with a
    :class:`RowError` added for anything else."""
    text = cell_text(value)
    if not text:
        return None
    expected = f"（{unit}）" if unit else ""
    try:
        number = Decimal(text)
    except InvalidOperation:
        errors.append(RowError(row, column, f"应为数字{expected}，收到“{text}”"))
        return None
    if not number.is_finite() or number < 0:
        errors.append(RowError(row, column, f"应为非负数{expected}，收到“{text}”"))
        return None
    return number


def malformed(message: str, sheet: str = "") -> Malformed:
    return Malformed([Error(sheet, None, "", "", message)])


# --- Templates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateRow:
    """One submission a user may edit, as it stands now."""

    unit_key: str
    unit_name: str
    period: str
    version: int
    values: Mapping[str, Decimal | None]
    previous: Mapping[str, Decimal | None]
    explanations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TemplateSheet:
    """One data set's rows for one period."""

    plan: str
    data_set: str
    name: str
    period: str
    fields: Sequence[FieldSpec]
    rows: Sequence[TemplateRow]
    explain: bool = False  # add a 说明 column per field (data sets with a change threshold)


@dataclass(frozen=True)
class Column:
    code: str
    header: str
    kind: str  # key | name | period | version | value | previous | explanation
    spec: FieldSpec | None = None

    def of(self, row: TemplateRow) -> object:
        if self.kind == "key":
            return row.unit_key
        if self.kind == "name":
            return row.unit_name
        if self.kind == "period":
            return row.period
        if self.kind == "version":
            return row.version
        assert self.spec is not None
        code = self.spec.code
        if self.kind == "value":
            return row.values.get(code)
        if self.kind == "previous":
            return row.previous.get(code)
        return row.explanations.get(code) or None


def field_header(spec: FieldSpec) -> str:
    return f"{spec.name}（{spec.unit}）" if spec.unit else spec.name


def template_columns(sheet: TemplateSheet) -> list[Column]:
    columns = [
        Column(UNIT_KEY, "单位代码", "key"),
        Column(UNIT_NAME, "单位名称", "name"),
        Column(PERIOD, "报告期", "period"),
        Column(VERSION, "版本（请勿修改）", "version"),
    ]
    for spec in sheet.fields:
        columns.append(Column(spec.code, field_header(spec), "value", spec))
        columns.append(Column(spec.code + PREVIOUS, f"上期 {spec.name}", "previous", spec))
        if sheet.explain:
            columns.append(
                Column(spec.code + EXPLANATION, f"{spec.name} 说明", "explanation", spec)
            )
    return columns


def template_workbook(sheets: Sequence[TemplateSheet], *, demo: bool) -> bytes:
    """The fill-in workbook: one protected sheet per data set, then the instructions."""
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    titles: set[str] = set()
    for sheet in sheets:
        _template_sheet(workbook.create_sheet(_sheet_title(sheet.name, titles)), sheet)
    _instructions(workbook.create_sheet(INSTRUCTIONS), sheets, demo=demo)
    return _save(workbook)


def _template_sheet(ws: Worksheet, sheet: TemplateSheet) -> None:
    columns = template_columns(sheet)
    for index, column in enumerate(columns, start=1):
        header = ws.cell(1, index, column.header)
        header.font = Font(bold=True)
        header.fill = _HEADER_FILL
        header.alignment = Alignment(wrap_text=True, vertical="center")
        ws.cell(2, index, column.code)
        ws.column_dimensions[get_column_letter(index)].width = _width(column)
    marker = len(columns) + 1
    ws.cell(2, marker, f"{MARKER}{sheet.plan}/{sheet.data_set}")
    ws.column_dimensions[get_column_letter(marker)].hidden = True
    for number, row in enumerate(sheet.rows, start=3):
        for index, column in enumerate(columns, start=1):
            cell = ws.cell(number, index, column.of(row))
            if column.kind in ("value", "explanation"):
                cell.protection = _UNLOCKED
                cell.fill = _INPUT_FILL
            elif column.kind == "previous":
                cell.fill = _READ_ONLY_FILL
    last = max(len(sheet.rows) + 2, 3)
    for index, column in enumerate(columns, start=1):
        if column.kind == "value" and column.spec is not None:
            letter = get_column_letter(index)
            validation = _validation(column.spec)
            ws.add_data_validation(validation)
            validation.add(f"{letter}3:{letter}{last}")
    ws.row_dimensions[1].height = 32
    ws.row_dimensions[2].hidden = True
    ws.column_dimensions[get_column_letter(4)].hidden = True
    ws.freeze_panes = "C3"
    # Protection guides the hand (only the yellow cells take input); it has no password because
    # it is not a security boundary: the server checks access, versions and values on upload.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _validation(spec: FieldSpec) -> DataValidation:
    low, high = spec.min_value, spec.max_value
    if spec.value_type == "percent":
        low = Decimal(0) if low is None else low
        high = Decimal(100) if high is None else high
    kind = "whole" if spec.value_type == "integer" else "decimal"
    shown_low = "" if low is None else _plain(low)
    shown_high = "" if high is None else _plain(high)
    if low is None and high is None:
        rule = "数值"
    elif high is None:
        rule = f"不小于 {shown_low} 的数值"
    elif low is None:
        rule = f"不大于 {shown_high} 的数值"
    else:
        rule = f"{shown_low} 至 {shown_high} 之间的数值"
    if kind == "whole":
        rule = rule.replace("数值", "整数")
    validation = DataValidation(
        type=kind,
        operator="between",
        formula1=_plain(-_NO_BOUND if low is None else low),
        formula2=_plain(_NO_BOUND if high is None else high),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="数值不符合要求",
        error=f"“{spec.name}”应为{rule}{('，单位：' + spec.unit) if spec.unit else ''}。",
        showInputMessage=True,
        promptTitle=spec.name[:32],
        prompt=f"请填写{rule}" + (f"（{spec.unit}）" if spec.unit else ""),
    )
    validation.errorStyle = "stop"
    return validation


def _instructions(ws: Worksheet, sheets: Sequence[TemplateSheet], *, demo: bool) -> None:
    lines = [
        "填报说明",
        "1. 只在黄色单元格填写本期数值；灰色的“上期”列和表头只供参考，不能修改。",
        "2. 请勿删除或修改隐藏的第 2 行（字段编码）和隐藏的“版本”列：上传时据此识别报表、单位和字段，"
        "并检查下载后是否有他人修改过同一填报。",
        "3. 上传时系统会检查全部数据：有任何错误都不会保存，并列出每个错误所在的工作表、行和列。",
        "4. 本期数值与上期相比变动超过阈值时，报送前须填写变动说明：填在对应的“说明”列；"
        "表中没有“说明”列时，请在网页表单中填写。",
    ]
    if not any(sheet.rows for sheet in sheets):
        lines.append("当前没有您可以填报的单位（只能下载本单位草稿或已退回的填报）。")
    if demo:
        lines.insert(1, "演示数据：本系统当前使用生成的演示数据，不是官方统计数据。")
    for number, line in enumerate(lines, start=1):
        ws.cell(number, 1, line).font = Font(bold=number == 1)
    ws.column_dimensions["A"].width = 110


def template_csv(sheet: TemplateSheet) -> bytes:
    """The same columns as a sheet, as CSV: header row, code row, data rows.

    Written with a byte-order mark, which is how Excel recognises UTF-8 (without it Chinese
    Excel reads the file as GB18030 and shows mojibake).
    """
    columns = template_columns(sheet)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in columns] + [""])
    writer.writerow([c.code for c in columns] + [f"{MARKER}{sheet.plan}/{sheet.data_set}"])
    for row in sheet.rows:
        writer.writerow([_csv_text(c.of(row)) for c in columns] + [""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- Reading uploads -------------------------------------------------------------------------


class Cell(NamedTuple):
    """A cell of an uploaded row: where it is and what it held.

    A named tuple, not a frozen dataclass: an upload of 5,000 rows makes ~100,000 of them and a
    tuple is built several times faster.
    """

    column: str
    header: str
    raw: object


@dataclass
class UploadRow:
    """One data row of an uploaded sheet, its cells keyed by their code."""

    sheet: str
    row: int
    plan: str
    data_set: str
    cells: dict[str, Cell]
    values: dict[str, Cell]
    explanations: dict[str, Cell]

    def text(self, code: str) -> str:
        cell = self.cells.get(code)
        return "" if cell is None or cell.raw is None else str(cell.raw).strip()


def read_workbook(data: bytes) -> list[UploadRow]:
    """Every data row of every sheet; ``Malformed`` when the file is not a usable template."""
    workbook = _open_workbook(data)
    rows: list[UploadRow] = []
    try:
        for ws in workbook.worksheets:
            found = _read_table(ws.title, ws.iter_rows(values_only=True))
            if found is None:
                if ws.title == INSTRUCTIONS:
                    continue
                raise malformed(
                    f"工作表“{ws.title}”缺少隐藏的字段编码行（表头下一行），无法识别各列；"
                    "请使用系统下载的模板，不要删除隐藏行",
                    ws.title,
                )
            rows.extend(found)
    finally:
        workbook.close()
    if not rows:
        raise malformed("文件中没有任何数据行")
    return rows


@dataclass
class MarkedSheet:
    """A sheet of a template whose hidden code row (row 2) carries ``prefix`` + a key naming
    what the template was made for (a project list, a campaign, an obligation).

    ``rows`` are the data rows (numbered as Excel numbers them) with a value in any cell, or in
    one of the ``significant`` columns when given (templates that pre-fill other columns).
    """

    title: str
    key: str
    letters: dict[str, str]  # column code -> column letter
    names: dict[str, str]  # column code -> header people read
    rows: list[tuple[int, dict[str, object]]]


def marked_sheets(data: bytes, prefix: str, significant: Collection[str] = ()) -> list[MarkedSheet]:
    """Every sheet of the workbook that carries the marker; ``Malformed`` past ``MAX_ROWS``."""
    book = _open_workbook(data)
    try:
        return [sheet for ws in book.worksheets if (sheet := _marked(ws, prefix, significant))]
    finally:
        book.close()


def _marked(ws: Worksheet, prefix: str, significant: Collection[str]) -> MarkedSheet | None:
    table = ws.iter_rows(values_only=True)
    headers, codes = next(table, None), next(table, None)
    if not headers or not codes:
        return None
    marker = next((str(c) for c in codes if isinstance(c, str) and c.startswith(prefix)), None)
    if marker is None:
        return None
    slots = [
        (i, str(code).strip(), str(headers[i] or "") if i < len(headers) else "")
        for i, code in enumerate(codes)
        if code and not str(code).startswith(prefix)
    ]
    sheet = MarkedSheet(
        ws.title,
        marker[len(prefix) :],
        {code: get_column_letter(i + 1) for i, code, _h in slots},
        {code: header for _i, code, header in slots},
        [],
    )
    for number, values in enumerate(table, start=3):
        if number - 2 > MAX_ROWS:
            raise malformed(f"工作表最多 {MAX_ROWS} 行", ws.title)
        cells = {code: values[i] if i < len(values) else None for i, code, _h in slots}
        checked = [cells.get(c) for c in significant] if significant else cells.values()
        if any(v not in (None, "") for v in checked):
            sheet.rows.append((number, cells))
    return sheet


def _open_workbook(data: bytes) -> Workbook:
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise malformed("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 格式后再上传")
    if not data[:4] == b"PK\x03\x04":
        raise malformed("文件不是 Excel 工作簿（.xlsx），无法读取；CSV 文件请使用 CSV 上传")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise malformed("文件已损坏，无法作为 Excel 工作簿读取") from None
    unpacked = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_ZIP_ENTRIES or unpacked > MAX_UNPACKED_BYTES:
        raise malformed("文件解压后过大，不像是填报模板，已拒绝读取")
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error on a broken file; all mean the same
        raise malformed("文件已损坏或不是 Excel 工作簿，无法读取") from None


def read_csv(data: bytes) -> list[UploadRow]:
    """The rows of a CSV template, UTF-8 (with or without BOM) or GB18030 as Chinese Excel saves."""
    text = _decode(data)
    if "\x00" in text:
        raise malformed("文件不是文本格式的 CSV，无法读取")
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise malformed("CSV 文件格式有误，无法读取") from None
    found = _read_table("CSV", (tuple(row) for row in table))
    if found is None:
        raise malformed(
            "CSV 文件缺少第 2 行的字段编码行，无法识别各列；请使用系统下载的 CSV 模板", "CSV"
        )
    if not found:
        raise malformed("文件中没有任何数据行", "CSV")
    return found


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


@dataclass(frozen=True)
class _Slot:
    """Where one code row column goes: ``cells``, ``values`` or ``explanations``, under a code."""

    index: int
    target: str
    code: str
    letter: str
    header: str


def _read_table(sheet: str, table: Iterable[tuple[object, ...]]) -> list[UploadRow] | None:
    """Rows under the code row; ``None`` when no code row is found among the first rows."""
    headers: tuple[object, ...] = ()
    layout: tuple[str, str, list[_Slot]] | None = None
    rows: list[UploadRow] = []
    for number, values in enumerate(table, start=1):
        if layout is None:
            if number > 5:
                return None
            codes = [str(v).strip() if v is not None else "" for v in values]
            if UNIT_KEY in codes:
                layout = _layout(codes, headers)
            else:
                headers = values
            continue
        if number > MAX_ROWS or len(values) > MAX_COLUMNS:
            raise malformed(
                f"工作表“{sheet}”超过 {MAX_ROWS} 行或 {MAX_COLUMNS} 列，请分多个文件上传", sheet
            )
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue  # Excel and CSV files often end in blank rows
        plan, data_set, slots = layout
        row = UploadRow(sheet, number, plan, data_set, {}, {}, {})
        targets = {"cells": row.cells, "values": row.values, "explanations": row.explanations}
        width = len(values)
        for slot in slots:
            raw = values[slot.index] if slot.index < width else None
            targets[slot.target][slot.code] = Cell(slot.letter, slot.header, raw)
        rows.append(row)
    return None if layout is None else rows


def _layout(codes: Sequence[str], headers: Sequence[object]) -> tuple[str, str, list[_Slot]]:
    """Read the code row once per sheet: the data set marker and where each column goes."""
    plan, data_set = "", ""
    slots = []
    for index, code in enumerate(codes):
        if code.startswith(MARKER):
            plan, _, data_set = code[len(MARKER) :].partition("/")
            continue
        if not code or code.endswith(PREVIOUS) or code == UNIT_NAME:
            continue  # shown for reference only; never read back
        header = headers[index] if index < len(headers) else None
        shown = str(header) if header is not None else code
        letter = get_column_letter(index + 1)
        if code.endswith(EXPLANATION):
            slots.append(_Slot(index, "explanations", code[: -len(EXPLANATION)], letter, shown))
        elif code in (UNIT_KEY, PERIOD, VERSION):
            slots.append(_Slot(index, "cells", code, letter, shown))
        else:
            slots.append(_Slot(index, "values", code, letter, shown))
    return plan, data_set, slots


def period_text(raw: object) -> str:
    """A period as stored ("2011-07"), also from what Excel makes of it when it sees a date.

    Excel turns "2011-07" in a CSV into a date and saves it back as "2011/7/1" or, from a
    workbook cell, a datetime; both mean the month.
    """
    if isinstance(raw, dt.date):
        return f"{raw.year}-{raw.month:02d}"
    text = "" if raw is None else str(raw).strip()
    match = re.fullmatch(r"(\d{4})\s*[-/年.]\s*(\d{1,2})(?:\s*[-/.]\s*\d{1,2})?\s*月?", text)
    if match:
        return f"{match.group(1)}-{int(match.group(2)):02d}"
    return text


# --- Exports ---------------------------------------------------------------------------------

VINTAGES = (("reported", "自报数"), ("verified", "核定数"), ("revised", "修订数"))


@dataclass(frozen=True)
class ExportRow:
    unit_key: str
    unit_name: str
    status: str
    submitted_at: str
    values: Mapping[tuple[str, str], Decimal | None]  # (element code, vintage) -> value


@dataclass(frozen=True)
class ExportSheet:
    data_set: str
    name: str
    period: str
    fields: Sequence[FieldSpec]
    rows: Sequence[ExportRow]


def export_workbook(sheets: Sequence[ExportSheet], *, demo: bool, note: str) -> bytes:
    """Read-only copy of reported figures, each vintage in its own column."""
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    titles: set[str] = set()
    for sheet in sheets:
        _export_sheet(workbook.create_sheet(_sheet_title(sheet.name, titles)), sheet, demo, note)
    if not sheets:
        ws = workbook.create_sheet("导出")
        ws.cell(1, 1, ("演示数据 · " if demo else "") + "本期没有您可以查看的填报")
    return _save(workbook)


def _export_sheet(ws: Worksheet, sheet: ExportSheet, demo: bool, note: str) -> None:
    title = f"{sheet.name}（{sheet.data_set}）· {sheet.period} · {note}"
    if demo:
        title = "演示数据（生成的数据，不是官方统计数据）· " + title
    ws.cell(1, 1, title).font = Font(bold=True, color="C00000" if demo else "000000")
    headers = ["单位代码", "单位名称", "报告期", "状态", "报送时间"]
    for spec in sheet.fields:
        headers += [f"{field_header(spec)} {label}" for _, label in VINTAGES]
    for index, header in enumerate(headers, start=1):
        cell = ws.cell(2, index, header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(index)].width = min(40, max(10, _display(header)))
    for number, row in enumerate(sheet.rows, start=3):
        line: list[object] = [row.unit_key, row.unit_name, sheet.period, row.status]
        line.append(row.submitted_at)
        for spec in sheet.fields:
            line += [row.values.get((spec.code, vintage)) for vintage, _ in VINTAGES]
        for index, value in enumerate(line, start=1):
            ws.cell(number, index, value)
    ws.freeze_panes = "C3"
    # An export is a copy to read, not a template: protected so nobody edits it and uploads it.
    ws.protection.sheet = True
    ws.protection.formatColumns = False


# --- Helpers ---------------------------------------------------------------------------------


def _save(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_title(name: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique within the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "报表"
    title, n = base[:31], 1
    while title in taken or title == INSTRUCTIONS:
        n += 1
        title = f"{base[: 31 - len(str(n)) - 1]}_{n}"
    taken.add(title)
    return title


def _display(text: str) -> int:
    """Width in Excel's character units: a Chinese character is about two Latin ones."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text) + 2


def _width(column: Column) -> float:
    if column.kind == "key":
        return 18
    if column.kind == "explanation":
        return 24
    return min(30, max(10, _display(column.header) / 1.6))


def _plain(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros, as a person writes it."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _csv_text(value: object) -> object:
    return _plain(value) if isinstance(value, Decimal) else ("" if value is None else value)
