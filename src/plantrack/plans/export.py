"""The plan as plain data: the JSON and Excel export contract other systems rely on.

``{"plan": {...}, "programs": [...], "targets": [...]}``; each target carries at least code,
program, domain, name, statement, kind, direction, comparator, value, unit (as the plan
document writes it), level, region, departments, due and clause.
"""

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .models import Plan, Target


def plan_as_dict(plan: Plan) -> dict[str, Any]:
    programs = plan.programs.select_related("domain").prefetch_related("lead", "support")
    return {
        "plan": {
            "code": plan.code,
            "name": plan.name,
            "short_name": plan.short_name,
            "issuer": plan.issuer,
            "region": plan.region.code,
            "year": plan.year,
            "period_start": plan.period_start.isoformat(),
            "period_end": plan.period_end.isoformat(),
            "base_year": plan.base_year,
            "domains": [
                {"code": d.code, "name": d.name, "clause": d.clause} for d in plan.domains.all()
            ],
        },
        "programs": [
            {
                "code": p.code,
                "name": p.name,
                "domain": p.domain.code,
                "clause": p.clause,
                "lead": [d.code for d in p.lead.all()],
                "support": [d.code for d in p.support.all()],
            }
            for p in programs
        ],
        "targets": [target_as_dict(t) for t in targets_for_export(plan)],
    }


def targets_for_export(plan: Plan) -> Any:
    return plan.targets.select_related("domain", "program", "region", "indicator").prefetch_related(
        "departments"
    )


def target_as_dict(t: Target) -> dict[str, Any]:
    return {
        "code": t.code,
        "program": t.program.code if t.program else None,
        "domain": t.domain.code if t.domain else None,
        "name": t.name,
        "statement": t.statement,
        "kind": t.kind,
        "indicator": t.indicator.code if t.indicator else None,
        "direction": t.direction or None,
        "comparator": t.comparator or None,
        "value": _number(t.value),
        "value_text": t.value_text or None,
        "unit": t.unit,
        "level": t.level,
        "region": t.region.code,
        "scope": t.scope,
        "departments": [d.code for d in t.departments.all()],
        "baseline": {"year": t.baseline_year, "value": _number(t.baseline_value)}
        if t.baseline_year or t.baseline_value is not None
        else None,
        "due": t.due.isoformat() if t.due else None,
        "clause": t.clause,
        "quote": t.quote,
        "reading": t.reading or None,
    }


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


TARGET_COLUMNS = [
    ("code", "编码"),
    ("domain", "领域"),
    ("program", "工程"),
    ("name", "名称"),
    ("statement", "目标表述"),
    ("kind", "类型"),
    ("level", "层级"),
    ("comparator", "比较"),
    ("value", "目标值"),
    ("unit", "单位"),
    ("direction", "方向"),
    ("region", "责任地区"),
    ("scope", "适用范围"),
    ("departments", "责任部门"),
    ("due", "完成期限"),
    ("clause", "条款"),
    ("quote", "原文"),
]


def plan_as_workbook(plan: Plan) -> bytes:
    """The same content as the JSON export, one sheet per list, headers in Chinese."""
    data = plan_as_dict(plan)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "计划"
    for key, value in data["plan"].items():
        if key != "domains":
            sheet.append([key, value])
    _sheet(
        book,
        "工程",
        ["编码", "名称", "领域", "条款", "牵头部门", "配合部门"],
        [
            [
                p["code"],
                p["name"],
                p["domain"],
                p["clause"],
                ",".join(p["lead"]),
                ",".join(p["support"]),
            ]
            for p in data["programs"]
        ],
    )
    _sheet(
        book,
        "目标",
        [label for _, label in TARGET_COLUMNS],
        [
            [",".join(t[key]) if key == "departments" else t[key] for key, _ in TARGET_COLUMNS]
            for t in data["targets"]
        ],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for index, label in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(label) * 3)
