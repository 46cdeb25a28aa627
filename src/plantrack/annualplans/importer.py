"""Importing an annual plan's structured targets: every row checked, then all saved or none.

Errors (the file is refused) name the sheet, row, column, header and what is wrong: a target
code the obligation does not cover, a repeated code, a value that is missing or not a number,
a file made for another obligation. A value short of the province's assigned value is a
warning: it is saved, shown to the reviewer, and listed after the import.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from . import actions
from .excel import Error, UploadRow
from .models import Obligation
from .targets import assigned_targets, less_ambitious


@dataclass
class Outcome:
    imported: int = 0
    errors: list[Error] = field(default_factory=list)
    warnings: list[Error] = field(default_factory=list)


def _error(row: UploadRow, code: str, message: str) -> Error:
    return Error(row.sheet, row.row, row.letters.get(code, ""), row.headers.get(code, ""), message)


def _number(raw: object) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def import_targets(
    user: User,
    obligation: Obligation,
    key: str,
    rows: Sequence[UploadRow],
    reason: str,
    channel: str = "excel",
) -> Outcome:
    outcome = Outcome()
    if key != str(obligation.pk):
        outcome.errors.append(
            Error("", None, "", "", _("此文件是为另一项报送任务生成的，请下载本任务的模板后填写"))
        )
        return outcome
    allowed = {a.target.code: a for a in assigned_targets(obligation)}
    clean: list[actions.RowInput] = []
    seen: dict[str, int] = {}
    for row in rows:
        code = str(row.cells.get("target") or "").strip()
        assigned = allowed.get(code)
        if assigned is None:
            outcome.errors.append(
                _error(
                    row,
                    "target",
                    _("目标编码“%(code)s”不是本单位本年度应分解的目标") % {"code": code},
                )
            )
            continue
        if code in seen:
            outcome.errors.append(
                _error(
                    row,
                    "target",
                    _("目标 %(code)s 与第 %(row)d 行重复") % {"code": code, "row": seen[code]},
                )
            )
            continue
        seen[code] = row.row
        raw = row.cells.get("value")
        if raw in (None, ""):
            outcome.errors.append(_error(row, "value", _("请填写本年度计划值")))
            continue
        value = _number(raw)
        if value is None:
            outcome.errors.append(_error(row, "value", _("“%(raw)s”不是数字") % {"raw": raw}))
            continue
        if assigned.value is not None and less_ambitious(assigned.target, value, assigned.value):
            message = _("提示：计划值 %(value)s 未达到省下达值 %(assigned)s（%(target)s）") % {
                "value": f"{value.normalize():f}",
                "assigned": f"{assigned.value.normalize():f}",
                "target": assigned.target.statement,
            }
            outcome.warnings.append(_error(row, "value", message))
        measures = str(row.cells.get("measures") or "").strip()
        clean.append(actions.RowInput(assigned.target, value, assigned.value, measures))
    if not rows:
        outcome.errors.append(Error("", None, "", "", _("文件中没有填写任何目标")))
    if outcome.errors:
        outcome.warnings = []
        return outcome
    outcome.imported = actions.replace_target_rows(user, obligation, clean, reason, channel=channel)
    return outcome
