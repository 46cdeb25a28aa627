"""Progress pages: the warning list, one target across regions (with its forecast), one
region's scorecard, the follow-ups (约谈) and a target's decomposition (目标分解).
"""

from collections import Counter
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plantrack.accounts.access import Scope, can_see_region, scope_of
from plantrack.accounts.types import AuthenticatedRequest
from plantrack.core.periods import Period
from plantrack.dashboard import progress as cache
from plantrack.dashboard.facts import city_assessment, target_history, target_vintages
from plantrack.dashboard.tables import Cell, Table, xlsx_response
from plantrack.dashboard.views import plan_and_month
from plantrack.departments.models import Department
from plantrack.plans import decomposition
from plantrack.plans.models import Plan, Target, TargetShare
from plantrack.regions.models import Region
from plantrack.supervision import actions as ledger
from plantrack.supervision.models import Item
from plantrack.supervision.sources import ensure_follow_up_items

from .forecasts import TargetForecast, forecast_rows
from .labels import SEVERITY, STATUS
from .models import FollowUp
from .records import access_follow_up
from .services import TargetProgress, compute


def _plan_and_month(request: HttpRequest, code: str) -> tuple[Plan, Period]:
    plan, month, _state = plan_and_month(request, code)
    return plan, month


def _visible(request: HttpRequest, rows: list[TargetProgress]) -> list[TargetProgress]:
    scope = scope_of(request.user)
    return [
        r
        for r in rows
        if can_see_region(scope, r.region.code, r.region.parent.code if r.region.parent else None)
    ]


def _decorate(
    rows: list[TargetProgress], forecasts: dict[tuple[int, str], TargetForecast] | None = None
) -> list[dict]:
    return [
        {
            "row": r,
            "forecast": _shown((forecasts or {}).get((r.target.pk, r.region.code))),
            "status": STATUS.get(r.progress.status.value, r.progress.status.value),
            "worst": r.worst,
            "severity": SEVERITY.get(r.worst.severity.value, "")
            if r.worst and r.worst.severity
            else "",
        }
        for r in rows
    ]


def _shown(forecast: TargetForecast | None) -> dict | None:
    """A forecast as the progress table shows it: rounded figures and odds in percent."""
    if forecast is None:
        return None

    def figure(value: object) -> str:
        return f"{value:.2f}" if isinstance(value, Decimal) else "—"

    levels = dict(Target.Level.choices)
    return {
        "projection": figure(forecast.projection),
        "interval": f"{figure(forecast.low)} ~ {figure(forecast.high)}"
        if isinstance(forecast.low, Decimal)
        else "—",
        "odds": [
            (
                levels.get(o.level, o.level),
                f"{o.probability * 100:.0f}%" if isinstance(o.probability, Decimal) else "—",
            )
            for o in forecast.levels
        ],
        "note": forecast.note,
    }


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
    """One target: its definition and clause, where it stands at every region the user may
    see, its chart by month, the vintages of its data and its history (one page, reached from
    the plan browser and from the progress pages)."""
    plan, month, state = plan_and_month(request, code)
    target_obj = cache.cached(
        ("target-object", state, target),
        lambda: (
            plan.targets.select_related("indicator", "region", "domain", "program", "plan")
            .filter(code=target)
            .first()
        ),
    )
    if target_obj is None:
        raise Http404("目标不存在")
    loaded = cache.loaded(plan, month, state)
    rows = _visible(
        request, [r for r in cache.plan_rows(plan, month, state) if r.target.pk == target_obj.pk]
    )
    forecasts = cache.cached(
        ("forecasts", state, month.key, target_obj.pk),
        lambda: forecast_rows(plan, month, rows, loaded),
    )
    if request.GET.get("format") == "xlsx":
        return _rows_xlsx(plan, month, f"{target_obj.code}", target_obj.statement, rows)
    scope = scope_of(request.user)
    key = ("target", state, scope, get_language(), month.key, target_obj.pk)
    body = cache.cached(
        key,
        lambda: render_to_string(
            "progress/_target.html",
            _target_context(plan, month, target_obj, rows, forecasts, scope, state),
            request,
        ),
    )
    return render(
        request,
        "progress/target.html",
        {"plan": plan, "target": target_obj, "body": mark_safe(body)},  # noqa: S308 (our template)
    )


def _target_context(
    plan: Plan,
    month: Period,
    target: Target,
    rows: list[TargetProgress],
    forecasts: dict,
    scope: Scope,
    state: tuple,
) -> dict:
    chart_region = _chart_region(scope, target, rows)
    return {
        "plan": plan,
        "month": month,
        "target": target,
        "rows": _decorate(rows, forecasts),
        "show_forecast": bool(forecasts),
        "chart": _target_chart(plan, month, state, chart_region, target),
        "chart_region": chart_region,
        "vintages": target_vintages(plan, target, month, scope),
        "history": target_history(plan, target),
        "siblings": _siblings(plan, target),
    }


def _siblings(plan: Plan, target: Target) -> list[Target]:
    if target.indicator is None:
        return []
    return list(
        plan.targets.filter(indicator=target.indicator, program=target.program)
        .exclude(pk=target.pk)
        .select_related("region")
    )


def _chart_region(scope: Scope, target: Target, rows: list[TargetProgress]) -> Region | None:
    """The region the chart follows: the target's own when the user may see it, else the
    user's own region among the rows."""
    if scope.sees_everything:
        return target.region
    for row in rows:
        if row.region.code == scope.region_code:
            return row.region
    return rows[0].region if rows else None


def _target_chart(
    plan: Plan, month: Period, state: tuple, region: Region | None, target: Target
) -> dict | None:
    if region is None or target.kind != Target.Kind.QUANTITATIVE:
        return None
    points = cache.trend(plan, month, state, region, [target])
    values = [_number(rows[0].progress.value) if rows else None for _, rows in points]
    required = [_number(rows[0].progress.required) if rows else None for _, rows in points]
    # The target's value is a magnitude in its direction; the chart plots signed values (a
    # fall of 3.5% is -3.5), the sign of what is due says which way to draw the target line.
    due = next((r for r in required if r is not None), None)
    line = _number(target.value)
    if line is not None and due is not None and due < 0 < line:
        line = -line
    return {
        "months": [str(m) for m, _ in points],
        "value": values,
        "required": required,
        "target": line,
        "title": f"{region.name} · {target.name}",
        "unit": target.unit,
    }


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, Decimal) and value.is_finite() else None


def _rows_xlsx(
    plan: Plan, month: Period, name: str, title: str, rows: list[TargetProgress]
) -> HttpResponse:
    table = Table(
        name, title,
        [str(h) for h in (_("目标"), _("地区"), _("层级"), _("统计期"), _("当前值"), _("口径"),
                          _("应达到"), _("差距"), _("状态"), _("预警"))],
    )  # fmt: skip
    for row in rows:
        p = row.progress
        worst = row.worst
        table.rows.append([
            Cell(row.target.statement), Cell(row.region.name), Cell(row.target.get_level_display()),
            Cell(str(p.period)), Cell(p.value if isinstance(p.value, Decimal) else None),
            Cell(p.vintage), Cell(p.required if isinstance(p.required, Decimal) else None),
            Cell(p.gap if isinstance(p.gap, Decimal) else None),
            Cell(str(STATUS.get(p.status.value, p.status.value))),
            Cell(f"{SEVERITY.get(worst.severity.value, '')} {worst.label}"
                 if worst and worst.severity else ""),
        ])  # fmt: skip
    context = f"{plan.short_name} · {month}"
    return xlsx_response(table, f"{plan.code}-{name}-{month}", context, settings.PLANTRACK_DEMO)


@login_required
def scorecard(request: HttpRequest, code: str, region: str) -> HttpResponse:
    plan, month, state = plan_and_month(request, code)
    region_obj = get_object_or_404(Region.objects.select_related("parent"), code=region)
    scope = scope_of(request.user)
    if not can_see_region(
        scope, region_obj.code, region_obj.parent.code if region_obj.parent else None
    ):
        raise Http404("无权查看该地区")
    if region_obj.level == "county":
        rows = cache.county_rows(plan, month, state, [region_obj], list(plan.targets.all()))
    else:
        rows = [r for r in cache.plan_rows(plan, month, state) if r.region.code == region_obj.code]
    if request.GET.get("format") == "xlsx":
        return _rows_xlsx(plan, month, region_obj.code, f"{region_obj.name}", rows)
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
            "assessment": city_assessment(plan, month.year, region_obj, scope),
        },
    )


@login_required
def follow_ups(request: HttpRequest, code: str) -> HttpResponse:
    plan = get_object_or_404(Plan, code=code)
    scope = scope_of(request.user)
    items = list(
        FollowUp.objects.visible_to(scope)
        .filter(plan=plan)
        .select_related("target", "region", "closed_by", "item")
        .order_by("status", "due", "region__code")
    )
    today = timezone.localdate()
    overdue = {f.pk for f in items if f.status == FollowUp.Status.OPEN and f.due < today}
    counts = {
        "open": sum(f.status == FollowUp.Status.OPEN for f in items),
        "overdue": len(overdue),
        "closed": sum(f.status == FollowUp.Status.CLOSED for f in items),
    }
    return render(
        request,
        "progress/follow_ups.html",
        {
            "plan": plan,
            "items": [(f, f.pk in overdue, _ledger_item(f)) for f in items],
            "counts": counts,
            "can_close": scope.is_admin,
        },
    )


def _ledger_item(follow_up: FollowUp) -> Item | None:
    # The reverse one-to-one raises an AttributeError subclass when the item is missing.
    return getattr(follow_up, "item", None)


@login_required
@require_POST
def close(request: AuthenticatedRequest, code: str, pk: int) -> HttpResponse:
    """Closing a follow-up is the verification of its ledger item (销号), so the same rules
    apply: the region has submitted its rectification, and the verifier is not the owner."""
    plan = get_object_or_404(Plan, code=code)
    scope = scope_of(request.user)
    follow_up = access_follow_up(scope, plan, pk)
    ensure_follow_up_items(plan)
    item = Item.objects.get(follow_up=follow_up)
    try:
        ledger.verify(request.user, item, request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("约谈事项已办结"))
    return redirect("follow-ups", code=code)


@login_required
def target_decomposition(request: AuthenticatedRequest, code: str, target: str) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("region"), code=code)
    target_obj = get_object_or_404(
        plan.targets.select_related("indicator", "region", "plan"), code=target
    )
    admin = scope_of(request.user).is_admin
    if request.method == "POST":
        if not admin:
            raise PermissionDenied("只有省级管理员可以调整目标分解")
        problem = _save_share(request, target_obj)
        if problem is None:
            messages.success(request, "目标分解已保存")
            return redirect("target-decomposition", code=code, target=target)
        messages.error(request, problem)
    return render(
        request,
        "progress/decomposition.html",
        {
            "plan": plan,
            "target": target_obj,
            "d": decomposition.decompose(target_obj),
            "admin": admin,
            "regions": Region.objects.valid_on(plan.period_end).exclude(level="province"),
            "departments": Department.objects.all(),
        },
    )


def _save_share(request: AuthenticatedRequest, target: Target) -> str | None:
    """Apply the share form; return the first problem, or None when saved."""
    post = request.POST
    reason = post.get("reason", "")
    if post.get("remove"):
        pk = post.get("remove", "")
        share = TargetShare.objects.filter(target=target, pk=pk).first() if pk.isdigit() else None
        if share is None:
            return "该分解不存在"
        try:
            decomposition.remove_share(share, request.user, reason)
        except decomposition.ShareError as error:
            return str(error)
        return None
    holder = post.get("holder", "")
    kind, _, holder_code = holder.partition(":")
    region = Region.objects.filter(code=holder_code).first() if kind == "region" else None
    department = (
        Department.objects.filter(code=holder_code).first() if kind == "department" else None
    )
    if region is None and department is None:
        return "请选择承担目标的地区或部门"
    try:
        value = Decimal(post.get("value", "").strip())
    except InvalidOperation:
        return f"分解值应为数值，收到“{post.get('value', '')}”"
    if not value.is_finite():
        return "分解值应为数值"
    try:
        decomposition.set_share(
            target, request.user, value=value, reason=reason, region=region,
            department=department, note=post.get("note", "").strip()[:200],
        )  # fmt: skip
    except decomposition.ShareError as error:
        return str(error)
    return None
