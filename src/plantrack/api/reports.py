"""API: 报告与通报. The same files as the reports page, for systems that fetch them.

Mounted at ``/api/reports``; every endpoint checks access as the page does
(:mod:`plantrack.reports.access`) and answers 403 with the reason when it refuses.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router
from ninja.errors import HttpError

from plantrack.accounts.access import scope_of
from plantrack.core.periods import Period
from plantrack.plans.models import Plan
from plantrack.reports import access, files

router = Router(tags=["reports"])
T = TypeVar("T")


def _plan(code: str) -> Plan:
    return get_object_or_404(Plan.objects.select_related("region"), code=code)


def _month(text: str, field: str = "month") -> Period:
    try:
        month = Period.parse(text)
    except ValueError:
        month = None
    if month is None or month.frequency != "month":
        raise HttpError(422, f"{field}：应为月份，如 2011-09，收到 {text!r}")
    return month


def _checked(check: Callable[[], T]) -> T:
    """Run an access check, answering as an API does: 403 or 404 with the reason."""
    try:
        return check()
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from None
    except Http404 as error:
        raise HttpError(404, str(error)) from None


@router.get("/{code}", summary="当前用户可生成的报告及其下载地址")
def available(request: HttpRequest, code: str) -> dict[str, Any]:
    plan = _plan(code)
    scope = scope_of(request.user)
    month = files.default_month(plan, plan.year)
    cities = access.city_choices(scope, month)
    regions = access.region_choices(scope, month)
    found: list[dict[str, str]] = [
        {"kind": "city", "region": c.code, "name": c.name,
         "url": reverse("api:report_city", args=[plan.code, c.code, plan.year])}
        for c in cities
    ]  # fmt: skip
    if scope.sees_everything:
        found.append({"kind": "province", "region": plan.region.code, "name": plan.region.name,
                      "url": reverse("api:report_province", args=[plan.code, plan.year])})  # fmt: skip
    for region in regions:
        for kind in ("bulletin", "workbook"):
            url = reverse(f"api:report_{kind}", args=[plan.code, region.code, str(month)])
            found.append({"kind": kind, "region": region.code, "name": region.name, "url": url})
    return {"plan": plan.code, "month": str(month), "reports": found}


@router.get("/{code}/city/{region}/{year}", url_name="report_city",
            summary="市政府目标责任完成情况报告（Word）")  # fmt: skip
def city_report(
    request: HttpRequest, code: str, region: str, year: int, month: str | None = None
) -> HttpResponse:
    plan = _plan(code)
    found = _checked(lambda: access.city_report_region(scope_of(request.user), region, year))
    period = _month(month) if month else None
    if period is not None and period.year != year:
        raise HttpError(422, f"month：{period} 不在 {year} 年内")
    return files.city_report(plan, found, year, request.user, period).response()


@router.get("/{code}/province/{year}", url_name="report_province",
            summary="省政府目标完成情况报告（Word，仅省级用户）")  # fmt: skip
def province_report(
    request: HttpRequest, code: str, year: int, month: str | None = None
) -> HttpResponse:
    plan = _plan(code)
    _checked(lambda: access.check_province_report(scope_of(request.user)))
    period = _month(month) if month else None
    if period is not None and period.year != year:
        raise HttpError(422, f"month：{period} 不在 {year} 年内")
    return files.province_report(plan, year, request.user, period).response()


@router.get("/{code}/bulletin/{region}/{month}", url_name="report_bulletin",
            summary="月度进展通报（format=docx 或 pdf）")  # fmt: skip
def bulletin(
    request: HttpRequest, code: str, region: str, month: str, format: str = "docx"
) -> HttpResponse:
    plan = _plan(code)
    period = _month(month)
    if format not in ("docx", "pdf"):
        raise HttpError(422, f"format：应为 docx 或 pdf，收到 {format!r}")
    found = _checked(lambda: access.bulletin_region(scope_of(request.user), region, period))
    return files.bulletin(plan, found, period, format).response()


@router.get("/{code}/workbook/{region}/{month}", url_name="report_workbook",
            summary="目标与填报数值（Excel）")  # fmt: skip
def workbook(request: HttpRequest, code: str, region: str, month: str) -> HttpResponse:
    plan = _plan(code)
    period = _month(month)
    scope = scope_of(request.user)
    found = _checked(lambda: access.workbook_region(scope, region, period))
    return files.region_workbook(plan, found, period, scope).response()
