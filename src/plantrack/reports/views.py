"""The reports page and the downloads: every file is generated on request, after the access
check of :mod:`.access`, from the figures PlanTrack holds at that moment."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from plantrack.accounts.access import scope_of
from plantrack.accounts.types import AuthenticatedRequest
from plantrack.core.periods import Period
from plantrack.plans.models import Plan

from . import access, files
from .forms import ReportForm


def _plan(code: str) -> Plan:
    return get_object_or_404(Plan.objects.select_related("region"), code=code)


def _month(text: str | None) -> Period | None:
    if not text:
        return None
    try:
        month = Period.parse(text)
    except ValueError:
        raise Http404(_("月份应写作 2011-09，收到“%(text)s”") % {"text": text}) from None
    if month.frequency != "month":
        raise Http404(_("月份应写作 2011-09，收到“%(text)s”") % {"text": text})
    return month


def _months(plan: Plan) -> list[str]:
    return [str(Period(plan.year, month=m)) for m in range(1, 13)]


def _form(request: AuthenticatedRequest, plan: Plan, data: object = None) -> ReportForm:
    scope = scope_of(request.user)
    month = files.default_month(plan, plan.year)
    regions = [(r.code, r.name) for r in access.region_choices(scope, month)]
    return ReportForm(data, regions=regions, months=_months(plan))  # type: ignore[arg-type]


@login_required
def index(request: AuthenticatedRequest, code: str) -> HttpResponse:
    plan = _plan(code)
    form = _form(request, plan, request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect(_target(plan, form.cleaned_data))
    return _page(request, plan, form, status=400 if form.is_bound else 200)


def _page(request: AuthenticatedRequest, plan: Plan, form: ReportForm, status: int) -> HttpResponse:
    scope = scope_of(request.user)
    month = files.default_month(plan, plan.year)
    context = {
        "plan": plan,
        "form": form,
        "month": month,
        "cities": access.city_choices(scope, month),
        "regions": access.region_choices(scope, month),
        "province": scope.sees_everything,
        "months": _months(plan),
        "year": plan.year,
    }
    return render(request, "reports/index.html", context, status=status)


def _target(plan: Plan, data: dict) -> str:  # type: ignore[type-arg]
    kind, month = data["kind"], data["period"]
    query = f"?month={month}" if month and kind in ("city", "province") else ""
    if kind == "city":
        return reverse("report-city", args=[plan.code, data["region"], data["year"]]) + query
    if kind == "province":
        return reverse("report-province", args=[plan.code, data["year"]]) + query
    if kind == "bulletin":
        url = reverse("report-bulletin", args=[plan.code, data["region"], str(month)])
        return url + f"?format={data.get('format') or 'docx'}"
    return reverse("report-workbook", args=[plan.code, data["region"], str(month)])


@login_required
def city(request: AuthenticatedRequest, code: str, region: str, year: int) -> HttpResponse:
    plan = _plan(code)
    found = access.city_report_region(scope_of(request.user), region, year)
    month = _month(request.GET.get("month"))
    _in_year(month, year)
    return files.city_report(plan, found, year, request.user, month).response()


@login_required
def province(request: AuthenticatedRequest, code: str, year: int) -> HttpResponse:
    plan = _plan(code)
    access.check_province_report(scope_of(request.user))
    month = _month(request.GET.get("month"))
    _in_year(month, year)
    return files.province_report(plan, year, request.user, month).response()


def _in_year(month: Period | None, year: int) -> None:
    if month is not None and month.year != year:
        raise Http404(_("月份 %(month)s 不在 %(year)s 年内") % {"month": month, "year": year})


@login_required
def bulletin(request: AuthenticatedRequest, code: str, region: str, month: str) -> HttpResponse:
    plan = _plan(code)
    period = _month(month)
    assert period is not None
    found = access.bulletin_region(scope_of(request.user), region, period)
    fmt = request.GET.get("format", "docx")
    if fmt not in ("docx", "pdf"):
        raise Http404(_("格式应为 docx 或 pdf"))
    return files.bulletin(plan, found, period, fmt).response()


@login_required
def workbook(request: AuthenticatedRequest, code: str, region: str, month: str) -> HttpResponse:
    plan = _plan(code)
    period = _month(month)
    assert period is not None
    scope = scope_of(request.user)
    found = access.workbook_region(scope, region, period)
    return files.region_workbook(plan, found, period, scope).response()
