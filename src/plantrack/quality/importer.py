"""Import supervisory monitoring results (监督性监测) from Excel: all rows or none.

Two stages (as NetBox's bulk import): read the sheet into rows, then check every row and
collect every error with its row and column; only a sheet without errors is written, in one
transaction. A row whose enterprise, outlet, date and item already exist replaces that result.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from plantrack.core.monitoring.supervisory import Sample, sample_complies
from plantrack.enterprises.models import Enterprise
from plantrack.reporting.excel import RowError, cell_text, non_negative

from .models import SampleChange, SupervisorySample

# (header, model field, required). The export writes the same columns, so it re-imports.
COLUMNS = (
    ("企业统一社会信用代码", "enterprise", True),
    ("排放口编号", "outlet_code", False),
    ("监测日期", "sampled_on", True),
    ("监测项目", "pollutant", True),
    ("监测值", "value", True),
    ("标准限值", "limit", False),
    ("标准下限", "lower_limit", False),
    ("单位", "unit", False),
    ("执行标准", "standard", False),
    ("监测单位", "monitored_by", False),
    ("报告编号", "report_no", False),
)
MAX_ROWS = 20_000


class ImportFailed(Exception):
    """The file was not imported; ``errors`` says where and what."""

    def __init__(self, errors: list[RowError], filename: str = ""):
        self.errors = errors
        prefix = f"{filename}：" if filename else ""
        super().__init__(prefix + "；".join(str(e) for e in errors[:20]))


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0


def template() -> bytes:
    """An empty import sheet with the headers."""
    return workbook_bytes([])


def workbook_bytes(samples: list[SupervisorySample], title: str = "监督性监测结果") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "监督性监测"
    sheet.append([h for h, _, _ in COLUMNS] + (["达标", "演示数据"] if samples else []))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for s in samples:
        sheet.append([
            s.enterprise.code, s.outlet_code, s.sampled_on, s.pollutant, s.value, s.limit,
            s.lower_limit, s.unit, s.standard, s.monitored_by, s.report_no,
            {True: "是", False: "否", None: "—"}[s.compliant], "演示数据" if s.is_demo else "",
        ])  # fmt: skip
    for index in range(1, len(COLUMNS) + 3):
        sheet.column_dimensions[get_column_letter(index)].width = 16
    sheet.freeze_panes = "A2"
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_rows(data: bytes, filename: str = "") -> list[tuple[int, dict[str, object]]]:
    """(row number, {field: cell}) of every non-empty row; the header row names the columns."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a file that is not xlsx
        raise ImportFailed([RowError(0, "文件", f"不是有效的 Excel（.xlsx）文件：{error}")],
                           filename) from None  # fmt: skip
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    fields = {h: f for h, f, _ in COLUMNS}
    missing = [h for h, _, required in COLUMNS if required and h not in header]
    if missing:
        raise ImportFailed([RowError(1, h, "缺少该列") for h in missing], filename)
    out = []
    for number, cells in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            raise ImportFailed([RowError(number, "文件", f"一次最多导入 {MAX_ROWS} 行")], filename)
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        out.append((number, {fields[h]: c for h, c in zip(header, cells, strict=False)
                             if h in fields}))  # fmt: skip
    return out


def _date(value: object, row: int, errors: list[RowError]) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(cell_text(value))
    except ValueError:
        errors.append(
            RowError(row, "监测日期", f"应为日期（如 2011-09-05），收到“{cell_text(value)}”")
        )
        return None


def check_rows(
    rows: list[tuple[int, dict[str, object]]], enterprises: QuerySet[Enterprise]
) -> tuple[list[SupervisorySample], list[RowError]]:
    """Every row checked; the samples to write and every error found."""
    errors: list[RowError] = []
    codes = {cell_text(cells.get("enterprise")) for _, cells in rows}
    known = {e.code: e for e in enterprises.filter(code__in=codes)}
    samples = []
    seen: dict[tuple[str, str, dt.date, str], int] = {}
    for row, cells in rows:
        before = len(errors)
        code = cell_text(cells.get("enterprise"))
        enterprise = known.get(code)
        if enterprise is None:
            errors.append(RowError(row, "企业统一社会信用代码",
                                   f"“{code}”不是已登记的企业，或不在您的管辖范围内"))  # fmt: skip
        sampled_on = _date(cells.get("sampled_on"), row, errors)
        pollutant = cell_text(cells.get("pollutant"))
        if not pollutant:
            errors.append(RowError(row, "监测项目", "不能为空"))
        value = non_negative(cells.get("value"), row, "监测值", errors)
        if value is None and len(errors) == before:
            errors.append(RowError(row, "监测值", "不能为空"))
        limit = non_negative(cells.get("limit"), row, "标准限值", errors)
        lower = non_negative(cells.get("lower_limit"), row, "标准下限", errors)
        if limit is not None and lower is not None and lower > limit:
            errors.append(RowError(row, "标准下限", "不能大于标准限值"))
        outlet = cell_text(cells.get("outlet_code"))
        if len(errors) > before or enterprise is None or sampled_on is None or value is None:
            continue
        key = (code, outlet, sampled_on, pollutant)
        if key in seen:
            errors.append(RowError(row, "监测项目", f"与第 {seen[key]} 行重复"))
            continue
        seen[key] = row
        complies = sample_complies(Sample(code, sampled_on, pollutant, value, limit, lower))
        samples.append(SupervisorySample(
            enterprise=enterprise, outlet_code=outlet, sampled_on=sampled_on, pollutant=pollutant,
            value=value, limit=limit, lower_limit=lower, unit=cell_text(cells.get("unit")),
            standard=cell_text(cells.get("standard")), monitored_by=cell_text(cells.get("monitored_by")),
            report_no=cell_text(cells.get("report_no")), compliant=complies,
        ))  # fmt: skip
    return samples, errors


@transaction.atomic
def import_samples(
    data: bytes, user: User, enterprises: QuerySet[Enterprise], filename: str = ""
) -> ImportResult:
    """Import a sheet: every row checked first; nothing written if any row is wrong."""
    samples, errors = check_rows(read_rows(data, filename), enterprises)
    if errors:
        raise ImportFailed(errors, filename)
    if not samples:
        raise ImportFailed([RowError(2, "文件", "没有数据行")], filename)
    result = ImportResult()
    reason = f"Excel 导入{('：' + filename) if filename else ''}"[:200]
    for sample in samples:
        fields = {f: getattr(sample, f) for f in AUDITED}
        existing = SupervisorySample.objects.filter(
            enterprise=sample.enterprise,
            outlet_code=sample.outlet_code,
            sampled_on=sample.sampled_on,
            pollutant=sample.pollutant,
        ).first()
        old = _snapshot(existing) if existing else None
        if existing is None:
            sample.created_by = user
            sample.save()
            existing = sample
            result.created += 1
        else:
            if old == _snapshot(sample):
                continue
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.is_demo = False
            existing.save(update_fields=[*AUDITED, "is_demo"])
            result.updated += 1
        SampleChange.objects.create(
            sample=existing, changed_by=user, old=old, new=_snapshot(existing), reason=reason
        )
    return result


AUDITED = ("value", "limit", "lower_limit", "unit", "standard", "monitored_by", "report_no",
           "compliant")  # fmt: skip


def _snapshot(sample: SupervisorySample) -> dict[str, object]:
    return {
        name: (f"{v.normalize():f}" if isinstance(v := getattr(sample, name), Decimal) else v)
        for name in AUDITED
    }
