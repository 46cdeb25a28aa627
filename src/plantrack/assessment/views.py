"""Assessment pages: results with ranking and breakdown; scoring of measures by assessors."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from plantrack.accounts.access import scope_of
from plantrack.accounts.models import Role
from plantrack.accounts.types import AuthenticatedRequest
from plantrack.core.assessment import load_scheme
from plantrack.dashboard.tables import Cell, Table, xlsx_response
from plantrack.plans.models import Plan
from plantrack.regions.models import Region

from .models import MeasureScore
from .services import CityResult, assess, publish, round_for


def _assessor(request: AuthenticatedRequest) -> bool:
    scope = scope_of(request.user)
    return scope.is_admin or (scope.role == Role.DEPARTMENT and scope.department_code == "fgw")


@login_required
def results(request: AuthenticatedRequest, code: str, year: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("region"), code=code)
    round_ = round_for(plan, year)
    assessor = _assessor(request)
    if round_.published_at is None and not assessor and not scope_of(request.user).sees_everything:
        raise PermissionDenied("考核结果尚未发布")
    if request.method == "POST":
        if not assessor:
            raise PermissionDenied("只有考核人员可以发布结果")
        publish(round_, request.user)
        messages.success(request, "考核结果已发布")
        return redirect("assessment", code=code, year=year)
    rows = sorted(assess(plan, year), key=lambda r: (r.rank is None, r.rank or 0))
    if request.GET.get("format") == "xlsx":
        return _results_xlsx(plan, year, rows)
    return render(
        request,
        "assessment/results.html",
        {"plan": plan, "round": round_, "rows": rows, "assessor": assessor, "year": year},
    )


def _results_xlsx(plan: Plan, year: int, rows: list[CityResult]) -> HttpResponse:
    table = Table(
        "assessment", f"{plan.short_name} {year} {_('年度考核')}",
        [_("名次"), _("设区市"), _("定量得分"), _("加分"), _("措施得分"), _("总分"), _("等级"),
         _("否决或缺项")],
    )  # fmt: skip
    for row in rows:
        r = row.result
        table.rows.append([
            Cell(row.rank), Cell(row.region.name),
            Cell(sum((q.awarded for q in r.quantitative if isinstance(q.awarded, Decimal)),
                     Decimal(0))),
            Cell(r.bonus), Cell(sum((m.awarded for m in r.measures
                                     if isinstance(m.awarded, Decimal)), Decimal(0))),
            Cell(r.total if isinstance(r.total, Decimal) else None), Cell(r.grade or ""),
            Cell("；".join(str(v) for v in r.veto)),
        ])  # fmt: skip
    return xlsx_response(
        table, f"{plan.code}-{year}-assessment", plan.short_name, settings.PLANTRACK_DEMO
    )


@login_required
def score_city(request: AuthenticatedRequest, code: str, year: int, region: str) -> HttpResponse:
    if not _assessor(request):
        raise PermissionDenied("只有考核人员可以评分")
    plan = get_object_or_404(Plan, code=code)
    city = get_object_or_404(Region, code=region, level="city")
    round_ = round_for(plan, year)
    if round_.published_at is not None:
        raise PermissionDenied("考核结果已发布，不能再修改评分")
    scheme = load_scheme()
    items = [(s.code, s.name, s.points) for m in scheme.measures for s in m.items] + [
        (m.code, m.name, m.points) for m in scheme.measures if not m.items
    ]
    if request.method == "POST":
        problems = _save_scores(request, round_, city, items)
        if not problems:
            messages.success(request, "评分已保存")
            return redirect("assessment", code=code, year=year)
        for problem in problems:
            messages.error(request, problem)
    existing = {s.item: s for s in MeasureScore.objects.filter(round=round_, region=city)}
    return render(
        request,
        "assessment/score.html",
        {
            "plan": plan,
            "city": city,
            "year": year,
            "items": [(c, n, p, existing.get(c)) for c, n, p in items],
        },
    )


def _save_scores(request: AuthenticatedRequest, round_, city: Region, items: list) -> list[str]:  # type: ignore[no-untyped-def,type-arg]
    problems, rows = [], []
    for code, name, points in items:
        raw = request.POST.get(f"points-{code}", "").strip()
        evidence = request.POST.get(f"evidence-{code}", "").strip()
        if not raw:
            continue
        try:
            value = Decimal(raw)
        except InvalidOperation:
            problems.append(f"“{name}”的得分应为数值，收到“{raw}”")
            continue
        if not 0 <= value <= points:
            problems.append(f"“{name}”的得分应在 0 到 {points} 之间，收到 {value}")
        elif not evidence:
            problems.append(f"“{name}”必须填写依据材料")
        else:
            rows.append((code, value, evidence))
    if problems:
        return problems
    with transaction.atomic():
        for code, value, evidence in rows:
            MeasureScore.objects.update_or_create(
                round=round_, region=city, item=code,
                defaults={"points": value, "evidence": evidence, "assessor": request.user},
            )  # fmt: skip
    return []
