"""Progress, stored warnings and assessment results through the API, within the user's regions.

Mounted at ``/api/progress``: ``GET /api/progress`` is the JSON of ``plantrack progress``,
``/api/progress/warnings`` the stored warning records of a month, and
``/api/progress/assessment`` a year's assessment once it is published.
"""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from plantrack.accounts.access import can_see_region, scope_of
from plantrack.accounts.models import Role
from plantrack.assessment.export import result_as_dict
from plantrack.assessment.services import assess, round_for
from plantrack.core.periods import Period
from plantrack.plans.models import Plan
from plantrack.progress.export import row_as_dict
from plantrack.progress.forecasts import forecast_as_dict, forecast_rows
from plantrack.progress.models import WarningRecord
from plantrack.progress.services import compute, default_month, load

router = Router(tags=["progress"])


class ProgressQuery(Schema):
    plan: str = "zhejiang-2011"
    period: str | None = None
    region: list[str] | None = None
    forecast: bool = False


class WarningOut(Schema):
    target: str
    statement: str
    level: str
    region: str
    region_name: str
    period: str
    measured: str
    scheme: str
    severity: str | None
    label: str
    reason: str
    computed_at: str


def _plan(code: str) -> Plan:
    return get_object_or_404(Plan.objects.select_related("region"), code=code)


def _month(plan: Plan, text: str | None) -> Period:
    if not text:
        return default_month(plan, timezone.localdate())
    try:
        month = Period.parse(text)
    except ValueError:
        month = None
    if month is None or month.frequency != "month":
        raise HttpError(422, f"period：应为月份，如 2011-07，收到 {text!r}")
    return month


@router.get("", summary="目标进度与预警（与 plantrack progress 相同）")
def progress(request: HttpRequest, query: Query[ProgressQuery]) -> dict[str, Any]:
    plan = _plan(query.plan)
    month = _month(plan, query.period)
    scope = scope_of(request.user)
    loaded = load(plan, month)
    rows = [
        r
        for r in compute(plan, month, regions=query.region or None, loaded=loaded)
        if can_see_region(scope, r.region.code, r.region.parent.code if r.region.parent else None)
    ]
    payload: dict[str, Any] = {
        "plan": plan.code,
        "period": str(month),
        "rows": [row_as_dict(r) for r in rows],
    }
    if query.forecast:
        forecasts = forecast_rows(plan, month, rows, loaded)
        for row, data in zip(rows, payload["rows"], strict=True):
            data["forecast"] = forecast_as_dict(forecasts.get((row.target.pk, row.region.code)))
    return payload


@router.get("/warnings", response=list[WarningOut], summary="某月已保存的预警记录")
def warnings(
    request: HttpRequest, plan: str = "zhejiang-2011", period: str | None = None
) -> list[dict[str, Any]]:
    plan_obj = _plan(plan)
    month = _month(plan_obj, period)
    records = (
        WarningRecord.objects.for_month(plan_obj.pk, str(month))
        .visible_to(scope_of(request.user))
        .exclude(severity="")
        .order_by("target__order", "region__code", "scheme")
    )
    return [
        {
            "target": r.target.code,
            "statement": r.target.statement,
            "level": r.target.level,
            "region": r.region.code,
            "region_name": r.region.name,
            "period": r.period,
            "measured": r.measured,
            "scheme": r.scheme,
            "severity": r.severity or None,
            "label": r.label,
            "reason": r.reason,
            "computed_at": r.computed_at.isoformat(),
        }
        for r in records
    ]


@router.get("/assessment", summary="年度考核结果（发布后可见；省级管理员和领导随时可见）")
def assessment(request: HttpRequest, year: int, plan: str = "zhejiang-2011") -> dict[str, Any]:
    plan_obj = _plan(plan)
    scope = scope_of(request.user)
    round_ = round_for(plan_obj, year)
    if round_.published_at is None and scope.role not in (Role.PROVINCE_ADMIN, Role.LEADER):
        raise HttpError(403, "考核结果尚未发布")
    try:
        results = assess(plan_obj, year)
    except ValueError as error:
        raise HttpError(422, str(error)) from None
    return {
        "plan": plan_obj.code,
        "year": year,
        "scheme": round_.scheme,
        "published": round_.published_at is not None,
        "results": [
            result_as_dict(r) for r in sorted(results, key=lambda r: (r.rank is None, r.rank or 0))
        ],
    }
