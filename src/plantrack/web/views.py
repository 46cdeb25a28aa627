"""Pages of the plan browser: domains → programs → targets, with search and filters."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from plantrack.core.consistency import program_sums
from plantrack.departments.models import Department
from plantrack.plans.export import plan_as_workbook
from plantrack.plans.models import Plan
from plantrack.plans.queries import TargetFilter, filter_targets
from plantrack.progress.views import target_progress
from plantrack.regions.models import Region


def _plan(code: str) -> Plan:
    return get_object_or_404(Plan.objects.select_related("region"), code=code)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    plans = list(Plan.objects.all())
    if len(plans) == 1:
        return redirect("dashboard", code=plans[0].code)
    return render(request, "web/home.html", {"plans": plans})


@login_required
def plan_browser(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(code)
    filters = TargetFilter.model_validate(
        {k: v for k, v in request.GET.items() if k in TargetFilter.model_fields}
    )
    targets = list(filter_targets(plan, filters))
    context = {
        "plan": plan,
        "filters": filters,
        "targets": targets,
        "groups": _group(plan, targets),
        "domains": plan.domains.all(),
        "programs": plan.programs.select_related("domain"),
        "departments": Department.objects.filter(targets__plan=plan).distinct(),
        "regions": Region.objects.filter(targets__plan=plan).distinct(),
    }
    if request.headers.get("HX-Request"):
        return render(request, "web/_targets.html", context)
    context["consistency"] = program_sums(
        (t.indicator.code if t.indicator else None, t.program_id, t.value, t.unit, t.level)
        for t in filter_targets(plan, TargetFilter())
    )
    return render(request, "web/plan.html", context)


def _group(plan: Plan, targets: list) -> list[dict]:
    """Targets nested as domain → program (None for domain-wide targets) → targets."""
    groups: list[dict] = []
    by_domain: dict[int | None, dict] = {}
    for target in targets:
        domain = by_domain.get(target.domain_id)
        if domain is None:
            domain = {"domain": target.domain, "programs": {}}
            by_domain[target.domain_id] = domain
            groups.append(domain)
        domain["programs"].setdefault(target.program, []).append(target)
    for domain in groups:
        domain["programs"] = list(domain["programs"].items())
    return groups


@login_required
def target_detail(request: HttpRequest, code: str, target: str) -> HttpResponse:
    """The target page: definition and progress together (see progress.views.target_progress)."""
    return target_progress(request, code, target)


@login_required
def plan_workbook(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(code)
    response = HttpResponse(
        plan_as_workbook(plan),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{plan.code}.xlsx"'
    return response
