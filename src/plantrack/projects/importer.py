"""Importing an uploaded project list: every row checked first, then all saved or none.

Errors name the sheet, row, column letter, header and what is wrong, as data reporting does.
A row whose 项目编号 exists updates that project (audited field by field); a new code adds one.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from plantrack.accounts.access import Scope
from plantrack.core.projects import ProjectList
from plantrack.plans.models import DataElement, Plan, Program
from plantrack.regions.models import Region

from . import actions
from .access import can_write_project, visible_projects
from .declarations import declaration_of
from .excel import (
    ACTUAL,
    ACTUAL_ON,
    EXPECTED,
    MILESTONES,
    PLANNED_ON,
    STATUS_LABELS,
    Error,
    UploadRow,
)
from .models import Project

_STATUS_BY_LABEL = {label: code for code, label in STATUS_LABELS.items()} | {
    code: code for code in STATUS_LABELS
}


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    errors: Sequence[Error] = ()


@dataclass
class _Clean:
    row: UploadRow
    project_list: ProjectList
    program: Program
    values: dict[str, Any]
    contributions: dict[str, tuple[Decimal | None, Decimal | None]]
    milestones: dict[str, tuple[dt.date | None, dt.date | None]]


def import_rows(
    user: User, scope: Scope, plan: Plan, rows: Sequence[UploadRow], reason: str
) -> Outcome:
    declaration = declaration_of(plan)
    if declaration is None:
        return Outcome(errors=[Error("", None, "", "", "此计划没有声明重点项目清单")])
    regions = {r.code: r for r in Region.objects.select_related("parent")}
    programs = {p.code: p for p in Program.objects.filter(plan=plan)}
    existing = {
        p.code: p for p in Project.objects.filter(plan=plan).select_related("region__parent")
    }
    visible = set(visible_projects(scope, plan).values_list("code", flat=True))
    errors: list[Error] = []
    clean: list[_Clean] = []
    seen: dict[str, int] = {}
    for row in rows:
        problems: list[Error] = []
        project_list = declaration.list_of(row.list_code) if row.plan == plan.code else None
        if project_list is None:
            errors.append(
                Error(row.sheet, row.row, "", "", f"未知的项目清单 {row.plan}/{row.list_code}")
            )
            continue
        program = programs[project_list.program]
        values = _values(row, regions, problems)
        contributions = _contributions(row, project_list, problems)
        milestones = _milestones(row, problems)
        code = values.get("code")
        if code:
            if code in seen:
                problems.append(_err(row, "code", f"项目编号与第 {seen[code]} 行重复"))
            seen[code] = row.row
            old = existing.get(code)
            if old is not None and (old.code not in visible or old.list_code != project_list.code):
                problems.append(_err(row, "code", "此项目编号已被其他清单或您无权修改的项目使用"))
        region = values.get("region")
        if region is not None and not can_write_project(
            scope, program, region.code, region.parent.code if region.parent else None
        ):
            problems.append(_err(row, "region", "您无权导入该地区或该工程的项目"))
        if values.get("status") == "completed" and not values.get("completed_on"):
            problems.append(_err(row, "completed_on", "状态为已完成时必须填写竣工日期"))
        errors.extend(problems)
        if not problems:
            clean.append(_Clean(row, project_list, program, values, contributions, milestones))
    if errors:
        return Outcome(errors=errors)
    return _save(user, plan, clean, existing, reason)


@transaction.atomic
def _save(
    user: User,
    plan: Plan,
    clean: list[_Clean],
    existing: dict[str, Project],
    reason: str,
) -> Outcome:
    outcome = Outcome()
    elements = dict(DataElement.objects.filter(plan=plan).values_list("code", "pk"))
    for item in clean:
        code = item.values.pop("code")
        project = existing.get(code)
        is_new = project is None
        if project is None:
            project = Project(
                plan=plan,
                code=code,
                program=item.program,
                list_code=item.project_list.code,
                project_type=item.project_list.project_type,
                **item.values,
            )
            project.save()
            actions.record(project, user, "created", "", project.name, reason, "excel")
            actions.ensure_contributions(
                project,
                [
                    (c.code, c.name, c.unit, elements.get(c.element) if c.element else None)
                    for c in item.project_list.contributions
                ],
            )
        values = {} if is_new else item.values
        actions.save_project(
            user, project, values, item.contributions, item.milestones, reason, "excel"
        )
        if is_new:
            outcome.created += 1
        else:
            outcome.updated += 1
    return outcome


def _err(row: UploadRow, code: str, message: str) -> Error:
    return Error(
        row.sheet, row.row, row.letters.get(code, ""), row.headers.get(code, code), message
    )


def _values(row: UploadRow, regions: dict[str, Region], problems: list[Error]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for code in ("code", "name", "owner_unit"):
        text = str(row.cells.get(code) or "").strip()
        if not text:
            problems.append(_err(row, code, "必填"))
        elif len(text) > (64 if code == "code" else 200):
            problems.append(_err(row, code, "内容过长"))
        values[code] = text
    region_code = str(row.cells.get("region") or "").strip().removesuffix(".0")
    if region_code not in regions:
        problems.append(_err(row, "region", f"未知的行政区划代码“{region_code}”"))
    else:
        values["region"] = regions[region_code]
    status = str(row.cells.get("status") or "计划").strip()
    if status not in _STATUS_BY_LABEL:
        problems.append(_err(row, "status", f"状态应为{'、'.join(STATUS_LABELS.values())}之一"))
    else:
        values["status"] = _STATUS_BY_LABEL[status]
    for code in ("planned_investment", "actual_investment"):
        values[code] = _decimal(row, code, problems)
    for code in ("started_on", "completed_on"):
        values[code] = _date(row, code, problems)
    started, completed = values.get("started_on"), values.get("completed_on")
    if started and completed and completed < started:
        problems.append(_err(row, "completed_on", "竣工日期早于开工日期"))
    return values


def _contributions(
    row: UploadRow, project_list: ProjectList, problems: list[Error]
) -> dict[str, tuple[Decimal | None, Decimal | None]]:
    return {
        c.code: (
            _decimal(row, EXPECTED + c.code, problems),
            _decimal(row, ACTUAL + c.code, problems),
        )
        for c in project_list.contributions
    }


def _milestones(
    row: UploadRow, problems: list[Error]
) -> dict[str, tuple[dt.date | None, dt.date | None]]:
    result = {}
    for name in MILESTONES:
        planned = _date(row, PLANNED_ON + name, problems)
        done = _date(row, ACTUAL_ON + name, problems)
        if done and not planned:
            problems.append(_err(row, PLANNED_ON + name, "填写实际日期时须有计划日期"))
        result[name] = (planned, done)
    return result


def _decimal(row: UploadRow, code: str, problems: list[Error]) -> Decimal | None:
    try:
        return actions.parse_decimal(row.cells.get(code), code)
    except ValidationError:
        problems.append(_err(row, code, f"“{row.cells.get(code)}”不是不小于 0 的数字"))
        return None


def _date(row: UploadRow, code: str, problems: list[Error]) -> dt.date | None:
    try:
        return actions.parse_date(row.cells.get(code), code)
    except ValidationError:
        problems.append(_err(row, code, f"“{row.cells.get(code)}”不是日期（YYYY-MM-DD）"))
        return None
