"""Progress pages: the warning list, one target across regions, one region's scorecard."""

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from plantrack.accounts.access import can_see_region, scope_of
from plantrack.core.periods import Period
from plantrack.plans.models import Plan
from plantrack.regions.models import Region

from .labels import SEVERITY, STATUS
from .services import TargetProgress, compute, default_month


def _plan_and_month(request: HttpRequest, code: str) -> tuple[Plan, Period]:
    plan = get_object_or_404(Plan.objects.select_related("region"), code=code)
    try:
        month = Period.parse(request.GET["period"]) if request.GET.get("period") else None
    except ValueError:
        raise Http404("报告期格式应为 2011-07") from None
    if month is None or month.frequency != "month":
        month = default_month(plan, timezone.localdate())
    return plan, month


def _visible(request: HttpRequest, rows: list[TargetProgress]) -> list[TargetProgress]:
    scope = scope_of(request.user)
    return [
        r
        for r in rows
        if can_see_region(scope, r.region.code, r.region.parent.code if r.region.parent else None)
    ]


def _decorate(rows: list[TargetProgress]) -> list[dict]:
    return [
        {
            "row": r,
            "status": STATUS.get(r.progress.status.value, r.progress.status.value),
            "worst": r.worst,
            "severity": SEVERITY.get(r.worst.severity.value, "")
            if r.worst and r.worst.severity
            else "",
        }
        for r in rows
    ]


@login_required
def warnings(request: HttpRequest, code: str) -> HttpResponse:
    plan, month = _plan_and_month(request, code)
    rows = _visible(request, compute(plan, month))
    warned = [r for r in rows if r.worst and r.worst.severity and r.worst.severity.value != "green"]
    warned.sort(
        key=lambda r: (
            -(r.worst.severity.rank if r.worst and r.worst.severity else 0),
            r.region.code,
        )
    )
    counts = Counter(r.worst.severity.value for r in warned if r.worst and r.worst.severity)
    return render(
        request,
        "progress/warnings.html",
        {"plan": plan, "month": month, "rows": _decorate(warned), "counts": counts},
    )


@login_required
def target_progress(request: HttpRequest, code: str, target: str) -> HttpResponse:
    plan, month = _plan_and_month(request, code)
    target_obj = get_object_or_404(
        plan.targets.select_related("indicator", "region", "domain", "program"), code=target
    )
    rows = _visible(request, compute(plan, month, targets=[target_obj]))
    return render(
        request,
        "progress/target.html",
        {"plan": plan, "month": month, "target": target_obj, "rows": _decorate(rows)},
    )


@login_required
def scorecard(request: HttpRequest, code: str, region: str) -> HttpResponse:
    plan, month = _plan_and_month(request, code)
    region_obj = get_object_or_404(Region.objects.select_related("parent"), code=region)
    scope = scope_of(request.user)
    if not can_see_region(
        scope, region_obj.code, region_obj.parent.code if region_obj.parent else None
    ):
        raise Http404("无权查看该地区")
    rows = compute(plan, month, regions=[region_obj.code])
    counts = Counter(r.progress.status.value for r in rows)
    return render(
        request,
        "progress/scorecard.html",
        {
            "plan": plan,
            "month": month,
            "region": region_obj,
            "rows": _decorate(rows),
            "counts": {STATUS[k]: v for k, v in counts.items()},
        },
    )
