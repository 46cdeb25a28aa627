"""The pollution load of each enterprise: annual emissions from 环境统计, entered or imported.

The coverage of target V00-27 weighs enterprises by these figures (``enterprises.
EmissionFigure``). Who may change them: a province administrator, the environmental department
(a department owning a monitoring data set), a city user for the enterprises of its city.
Every change is written with its ``EmissionChange`` (who, when, old, new, why, channel), in one
transaction, by ``save_figures`` whichever way it comes: an Excel import, checked row by row
first and written whole or not at all, or one figure (``save_figure``) from the enterprise page
or the API. A figure saved with the amount it has is not written, so not audited.

Import sheet: the first worksheet, a header row with 统一社会信用代码, 年份 and any of the
pollutant columns 化学需氧量（吨）, 氨氮（吨）, 二氧化硫（吨）, 氮氧化物（吨）; an empty cell
leaves that figure as it is (no figure is not zero).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from plantrack.accounts.access import region_filter, scope_of
from plantrack.accounts.models import Role
from plantrack.enterprises.models import (
    EmissionChange,
    EmissionChannel,
    EmissionFigure,
    Enterprise,
)
from plantrack.reporting.excel import RowError, cell_text, non_negative

from .commands import environmental_reach

COLUMNS = {
    "化学需氧量（吨）": "cod",
    "氨氮（吨）": "nh3n",
    "二氧化硫（吨）": "so2",
    "氮氧化物（吨）": "nox",
}
CODE_COLUMN = "统一社会信用代码"
YEAR_COLUMN = "年份"
MAX_ROWS = 20_000
# Years an emission figure may be for (the plan years and their base years).
YEARS = range(2000, 2101)
# The column a figure is stored in (t/a). A figure is held to its digits before it is written:
# PostgreSQL would fail the whole import on one long number, SQLite keep it unrounded.
AMOUNT = EmissionFigure._meta.get_field("amount")
_FITS = DecimalValidator(AMOUNT.max_digits, AMOUNT.decimal_places)


@dataclass(frozen=True)
class FigureRow:
    """One figure to write: enterprise code, year, pollutant, amount (t/a)."""

    enterprise: str
    year: int
    pollutant: str
    amount: Decimal


class LoadsRefused(Exception):
    """Nothing was written; ``errors`` says where and what."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("；".join(str(e) for e in errors[:20]))


def can_enter_loads(user: AbstractBaseUser | AnonymousUser, enterprise: Enterprise | None) -> bool:
    """Whether ``user`` may change the figures of ``enterprise`` (None: of any it may)."""
    if enterprise is None:
        return environmental_reach(scope_of(user)) in ("all", "city")
    return enterprise.pk in writable(user, [enterprise])


def writable(user: AbstractBaseUser | AnonymousUser, enterprises: Iterable[Enterprise]) -> set[int]:
    """The ids of those of ``enterprises`` whose figures ``user`` may change, in one query at
    most however many rows an import has."""
    scope = scope_of(user)
    reach = environmental_reach(scope)
    ids = {e.pk for e in enterprises}
    if reach == "all":
        return ids
    if reach != "city" or not ids:
        return set()
    mine = Enterprise.objects.filter(region_filter(scope, "region"), pk__in=ids)
    return set(mine.values_list("pk", flat=True))


def enterprises_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Enterprise]:
    """The enterprises whose figures ``user`` may read: its regions (an enterprise user its
    own)."""
    scope = scope_of(user)
    if scope.role == Role.ENTERPRISE:
        return Enterprise.objects.filter(code=scope.enterprise_code or "")
    return Enterprise.objects.filter(region_filter(scope, "region"))


def access_enterprise_by_code(user: AbstractBaseUser | AnonymousUser, code: str) -> Enterprise:
    """One enterprise whose figures ``user`` may read, or 404 (unknown and out of reach alike,
    so a city cannot learn which codes another city has)."""
    reachable = enterprises_for(user).select_related("region", "region__parent")
    found = reachable.filter(code=code).first()
    if found is None:
        raise Http404("企业不存在或无权查看")
    return found


def figures_of(enterprise: Enterprise) -> QuerySet[EmissionFigure]:
    """The enterprise's figures, the latest year first."""
    return EmissionFigure.objects.filter(enterprise=enterprise).order_by("-year", "pollutant")


def changes_of(enterprise: Enterprise, limit: int = 200) -> list[EmissionChange]:
    """The latest ``limit`` changes to the enterprise's figures, newest first."""
    changes = EmissionChange.objects.filter(enterprise=enterprise).select_related("changed_by")
    return list(changes[:limit])


def save_figure(user: User, row: FigureRow, reason: str, channel: str) -> bool:
    """Write one figure (the enterprise page, the API): True if it changed, False if it
    already had that amount (then nothing is written, so the audit holds only real changes).
    Raises LoadsRefused."""
    changed, _ = save_figures(user, [row], reason, channel)
    return changed == 1


def save_figures(
    user: User, rows: Iterable[FigureRow], reason: str, channel: str
) -> tuple[int, int]:
    """Write the figures (each audited); return (changed, unchanged). Raises LoadsRefused."""
    if not reason.strip():
        raise LoadsRefused([RowError(0, "理由", "修改排放量必须说明理由")])
    rows = list(rows)
    try:
        return _save_all(user, rows, reason, channel)
    except IntegrityError:
        # Another official created one of these figures between the read and the write (no
        # row to lock yet); a second pass finds it stored and audits the change from its value.
        return _save_all(user, rows, reason, channel)


@transaction.atomic
def _save_all(user: User, rows: list[FigureRow], reason: str, channel: str) -> tuple[int, int]:
    enterprises = {
        e.code: e for e in Enterprise.objects.filter(code__in={r.enterprise for r in rows})
    }
    allowed = writable(user, enterprises.values())
    errors = [
        RowError(0, CODE_COLUMN, f"无权修改企业 {r.enterprise} 的排放量")
        for r in rows
        if r.enterprise in enterprises and enterprises[r.enterprise].pk not in allowed
    ]
    if errors:
        raise LoadsRefused(errors)
    # Locked until the end (PostgreSQL), so two officials changing one figure at once each
    # audit the old value the other left, not the same one.
    stored = {
        (f.enterprise_id, f.year, f.pollutant): f
        for f in EmissionFigure.objects.select_for_update().filter(
            enterprise__in=list(enterprises.values()), year__in={r.year for r in rows}
        )
    }
    changed = 0
    now = timezone.now()
    for row in rows:
        enterprise = enterprises[row.enterprise]
        key = (enterprise.pk, row.year, row.pollutant)
        figure = stored.get(key)
        if figure is not None and figure.amount == row.amount:
            continue
        stored[key] = _write(user, enterprise, figure, row, reason, channel, now)
        changed += 1
    return changed, len(rows) - changed


def _write(
    user: User,
    enterprise: Enterprise,
    figure: EmissionFigure | None,
    row: FigureRow,
    reason: str,
    channel: str,
    now: dt.datetime,
) -> EmissionFigure:
    """Write one figure and its EmissionChange (inside ``save_figures``'s transaction)."""
    old = figure.amount if figure else None
    if figure is None:
        figure = EmissionFigure(enterprise=enterprise, year=row.year, pollutant=row.pollutant)
    figure.amount, figure.updated_at = row.amount, now
    if figure.is_demo and channel != EmissionChannel.DEMO:
        # An official's figure now: its source must not go on reading 演示数据.
        figure.source = EmissionFigure._meta.get_field("source").get_default()
    figure.is_demo = channel == EmissionChannel.DEMO
    figure.save()
    EmissionChange.objects.create(
        enterprise=enterprise, year=row.year, pollutant=row.pollutant, old=old, new=row.amount,
        reason=reason.strip()[:300], channel=channel, changed_by=user, changed_at=now,
    )  # fmt: skip
    return figure


def import_figures(user: User, data: bytes, reason: str) -> tuple[int, int]:
    """Import an Excel sheet of figures: every row checked, then all written or none."""
    rows, errors = check_rows(user, read_sheet(data))
    if errors:
        raise LoadsRefused(errors)
    return save_figures(user, rows, reason, EmissionChannel.IMPORT)


def read_sheet(data: bytes) -> list[tuple[int, dict[str, object]]]:
    """(row number, {header: cell}) of every non-empty row of the first worksheet."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
        raise LoadsRefused(
            [RowError(0, "文件", f"不是有效的 Excel（.xlsx）文件：{error}")]
        ) from None
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    missing = [h for h in (CODE_COLUMN, YEAR_COLUMN) if h not in header]
    if not any(h in COLUMNS for h in header):
        missing.append("、".join(COLUMNS))
    if missing:
        raise LoadsRefused([RowError(1, h, "缺少该列") for h in missing])
    out = []
    for number, cells in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            raise LoadsRefused([RowError(number, "文件", f"一次最多导入 {MAX_ROWS} 行")])
        if any(c is not None and str(c).strip() for c in cells):
            out.append((number, dict(zip(header, cells, strict=False))))
    return out


def check_rows(
    user: User, rows: list[tuple[int, dict[str, object]]]
) -> tuple[list[FigureRow], list[RowError]]:
    """Every row's figures, and every error with its row and column."""
    codes = {cell_text(cells.get(CODE_COLUMN)) for _, cells in rows}
    enterprises = {e.code: e for e in Enterprise.objects.filter(code__in=codes)}
    allowed = writable(user, enterprises.values())
    out: list[FigureRow] = []
    errors: list[RowError] = []
    for number, cells in rows:
        code = cell_text(cells.get(CODE_COLUMN))
        enterprise = enterprises.get(code)
        if enterprise is None:
            errors.append(RowError(number, CODE_COLUMN, f"企业“{code}”未登记"))
        elif enterprise.pk not in allowed:
            errors.append(RowError(number, CODE_COLUMN, f"无权修改企业“{code}”的排放量"))
        year = _year(cells.get(YEAR_COLUMN), number, errors)
        for header, pollutant in COLUMNS.items():
            amount = _amount(cells.get(header), number, header, errors)
            if amount is not None and enterprise is not None and year is not None:
                out.append(FigureRow(code, year, pollutant, amount))
    return out, errors


def _amount(value: object, row: int, column: str, errors: list[RowError]) -> Decimal | None:
    """A cell's figure: a non-negative number the amount column holds as it is."""
    amount = non_negative(value, row, column, errors, "吨")
    if amount is None:
        return None
    try:
        _FITS(amount)
    except ValidationError as error:
        errors.append(RowError(row, column, "；".join(error.messages)))
        return None
    return amount


def _year(value: object, row: int, errors: list[RowError]) -> int | None:
    text = cell_text(value)
    if text.endswith(".0"):
        text = text[:-2]  # Excel keeps whole numbers as floats
    if not text.isdigit() or int(text) not in YEARS:
        errors.append(RowError(row, YEAR_COLUMN, f"应为年份（如 2010），收到“{text}”"))
        return None
    return int(text)


def template(figures: Iterable[EmissionFigure] = ()) -> bytes:
    """The import sheet: the headers, and ``figures`` one row per enterprise and year."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "环境统计排放量"
    sheet.append([CODE_COLUMN, "企业名称", YEAR_COLUMN, *COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    rows: dict[tuple[str, int], dict[str, object]] = {}
    for f in figures:
        row = rows.setdefault((f.enterprise.code, f.year), {"name": f.enterprise.name})
        row[f.pollutant] = f.amount
    for (code, year), row in sorted(rows.items()):
        sheet.append([code, row["name"], year, *(row.get(p) for p in COLUMNS.values())])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
