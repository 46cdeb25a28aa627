"""The Excel workbook of a region's targets and figures for a year (openpyxl).

One sheet per domain with every target the region is tracked against, month by month (value,
value due, gap, status, warning, data vintage), and a long sheet of the reported values
themselves by region, period and vintage. Numbers stay numbers; a figure not reported says
暂无数据 and is never 0. Demo data is labelled on every sheet, since a workbook travels alone.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from plantrack.accounts.access import Scope, can_see_region
from plantrack.core.nodata import NoData
from plantrack.core.periods import Period, end_date
from plantrack.plans.models import Plan
from plantrack.progress.services import TargetProgress, compute, load
from plantrack.regions.models import Region
from plantrack.reporting.access import visible_submissions
from plantrack.reporting.models import Status, Value, Vintage

from .figures import months_text, no_data, status, warning

NUMBER_FORMAT = "#,##0.00"
SHARE_FORMAT = "0.0%"
HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")
DEMO_FONT = Font(bold=True, color="D92D20")


def workbook(plan: Plan, region: Region, month: Period, scope: Scope) -> bytes:
    """Targets and values of ``region`` (and, for the province, every city) from January to
    ``month``, as far as ``scope`` may see them."""
    book = Workbook()
    about = book.active
    assert about is not None
    about.title = _("说明")
    rows = _progress(plan, region, month, scope)
    domains = _by_domain(rows)
    _about(about, plan, region, month, [name for name in domains])
    for name, found in domains.items():
        _targets_sheet(book.create_sheet(name[:31]), name, found)
    _values_sheet(book.create_sheet(_("填报数值")), plan, region, month, scope)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _regions(region: Region, month: Period) -> list[Region]:
    if region.level != "province":
        return [region]
    cities = Region.objects.valid_on(end_date(month)).filter(level="city").order_by("code")
    return [region, *cities]


def _progress(
    plan: Plan, region: Region, month: Period, scope: Scope
) -> list[tuple[Period, TargetProgress]]:
    """Every month's rows of the region's targets, read from one load of the values."""
    codes = [r.code for r in _regions(region, month)]
    loaded = load(plan, month)
    found = []
    assert month.month is not None
    for number in range(1, month.month + 1):
        current = Period(month.year, month=number)
        for row in compute(plan, current, regions=codes, loaded=loaded):
            parent = row.region.parent.code if row.region.parent else None
            if can_see_region(scope, row.region.code, parent):
                found.append((current, row))
    return found


def _by_domain(rows: list[tuple[Period, TargetProgress]]) -> dict[str, list]:  # type: ignore[type-arg]
    groups: dict[tuple[int, str], list] = {}  # type: ignore[type-arg]
    for current, row in rows:
        domain = row.target.domain
        key = (domain.order, domain.name) if domain else (999, str(_("综合目标")))
        groups.setdefault(key, []).append((current, row))
    return {name: found for (_order, name), found in sorted(groups.items())}


def _banner(sheet: Worksheet, title: str, width: int) -> int:
    """Demo label (when in demo mode) and title rows; returns the header row's number."""
    row = 1
    if settings.PLANTRACK_DEMO:
        sheet.cell(row=1, column=1, value=_("演示数据，非官方统计")).font = DEMO_FONT
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        row = 2
    sheet.cell(row=row, column=1, value=title).font = Font(bold=True, size=14)
    return row + 1


def _header(sheet: Worksheet, row: int, headers: list[str], widths: list[int]) -> None:
    for column, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = sheet.cell(row=row, column=column, value=text)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(column)].width = width
    # Headers stay in view while scrolling; the code and target columns too.
    sheet.freeze_panes = f"C{row + 1}"  # a string: making the cell would move append() down
    sheet.auto_filter.ref = f"A{row}:{get_column_letter(len(headers))}{row}"


def _about(sheet: Worksheet, plan: Plan, region: Region, month: Period, domains: list[str]) -> None:
    first = _banner(sheet, _("目标与填报数值"), 2)
    lines = [
        (_("计划"), plan.name),
        (_("地区"), f"{region.name}（{region.code}）"),
        (_("期间"), months_text(month)),
        (_("导出时间"), f"{timezone.localtime():%Y-%m-%d %H:%M}"),
        (_("工作表"), "、".join([*domains, str(_("填报数值"))])),
        (_("说明"), _("完成值、应完成和差距的单位见“单位”列；“暂无数据”表示尚无审核通过的数据，"
                     "不是零；数据版本为计算所用的最新口径（自报数、核定数、修订数）。")),
    ]  # fmt: skip
    for offset, (label, text) in enumerate(lines):
        sheet.cell(row=first + offset, column=1, value=label).font = Font(bold=True)
        sheet.cell(row=first + offset, column=2, value=text)
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 100


TARGET_HEADERS = [
    (gettext_noop("目标编码"), 10), (gettext_noop("目标"), 40), (gettext_noop("层级"), 6), (gettext_noop("工程"), 18), (gettext_noop("地区编码"), 10), (gettext_noop("地区"), 10),
    (gettext_noop("月份"), 9), (gettext_noop("数据期"), 9), (gettext_noop("完成值"), 12), (gettext_noop("应完成"), 12), (gettext_noop("差距"), 12), (gettext_noop("完成进度"), 10),
    (gettext_noop("单位"), 12), (gettext_noop("状态"), 10), (gettext_noop("预警"), 10), (gettext_noop("数据版本"), 10),
]  # fmt: skip


def _targets_sheet(sheet: Worksheet, name: str, rows: list) -> None:  # type: ignore[type-arg]
    headers = [str(_(h)) for h, _w in TARGET_HEADERS]
    row_number = _banner(
        sheet, _("%(domain)s目标进度（按地区、月份）") % {"domain": name}, len(headers)
    )
    _header(sheet, row_number, headers, [w for _h, w in TARGET_HEADERS])
    for line, (current, row) in enumerate(rows, start=row_number + 1):
        p = row.progress
        target = row.target
        sheet.append([
            target.code, target.statement, target.get_level_display(),
            target.program.name if target.program else "", row.region.code, row.region.name,
            str(current), str(p.period), _cell(p.value), _cell(p.required), _cell(p.gap),
            _cell(p.share), target.unit, status(row), warning(row), p.vintage,
        ])  # fmt: skip
        for column in (9, 10, 11):
            sheet.cell(row=line, column=column).number_format = NUMBER_FORMAT
        sheet.cell(row=line, column=12).number_format = SHARE_FORMAT


def _cell(value: Decimal | NoData | None) -> float | str | None:
    if value is None:
        return None  # does not apply (a milestone has no value due)
    if isinstance(value, Decimal) and value.is_finite():
        return float(value)
    return no_data()


VALUE_HEADERS = [
    (gettext_noop("数据元素编码"), 16), (gettext_noop("数据元素"), 30), (gettext_noop("单位"), 12), (gettext_noop("地区编码"), 10), (gettext_noop("地区"), 12),
    (gettext_noop("填报单位"), 16), (gettext_noop("报告期"), 9), (gettext_noop("数据版本"), 9), (gettext_noop("数值"), 14), (gettext_noop("填报状态"), 9),
    (gettext_noop("报表"), 20),
]  # fmt: skip


def _values_sheet(
    sheet: Worksheet, plan: Plan, region: Region, month: Period, scope: Scope
) -> None:
    headers = [str(_(h)) for h, _w in VALUE_HEADERS]
    title = _("%(region)s填报数值（%(period)s，各版本）") % {"region": region.name,
                                                           "period": months_text(month)}  # fmt: skip
    row_number = _banner(sheet, title, len(headers))
    _header(sheet, row_number, headers, [w for _h, w in VALUE_HEADERS])
    vintages, statuses = dict(Vintage.choices), dict(Status.choices)
    last = end_date(month)
    line = row_number
    for value in _values(plan, region, month, scope):
        sub = value.submission
        if end_date(Period.parse(sub.period)) > last:
            continue  # a quarter or year not closed by the month
        line += 1
        unit = sub.region or (sub.enterprise.region if sub.enterprise else None)
        sheet.append([
            value.element.code, value.element.name, value.element.unit,
            unit.code if unit else "", unit.name if unit else "", _unit_name(value),
            sub.period, str(vintages.get(value.vintage, value.vintage)),
            float(value.value) if value.value is not None else no_data(),
            str(statuses.get(sub.status, sub.status)), sub.data_set.name,
        ])  # fmt: skip
        # openpyxl's max_row scans every row: the row count is kept here instead.
        sheet.cell(row=line, column=9).number_format = NUMBER_FORMAT


def _values(plan: Plan, region: Region, month: Period, scope: Scope):  # type: ignore[no-untyped-def]
    within = Q()
    if region.level != "province":
        within = (
            Q(submission__region=region)
            | Q(submission__region__parent=region)
            | Q(submission__enterprise__region=region)
            | Q(submission__enterprise__region__parent=region)
        )
    return (
        Value.objects.filter(
            within,
            submission__in=visible_submissions(scope).filter(data_set__plan=plan),
            submission__period__startswith=str(month.year),
        )
        .select_related(
            "element",
            "submission__region",
            "submission__enterprise__region",
            "submission__department",
            "submission__data_set",
        )  # fmt: skip
        .order_by("element__code", "submission__region__code", "submission__period", "vintage")
    )


def _unit_name(value: Value) -> str:
    sub = value.submission
    unit = sub.enterprise or sub.department or sub.region
    return str(unit) if unit else ""
