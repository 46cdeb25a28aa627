"""API: 总览. ``GET /api/dashboard/{plan}/regions`` is what the overview map colours: each
region below the one asked for (default: the widest the user may see), with the worst warning
level of the plan's main targets there, within the user's regions."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from plantrack.accounts.access import scope_of
from plantrack.core.periods import Period
from plantrack.dashboard import overview as ov
from plantrack.dashboard import progress
from plantrack.dashboard.views import focus, latest_month
from plantrack.plans.models import Plan

router = Router(tags=["dashboard"])


class RegionLevelOut(Schema):
    code: str
    name: str
    level: str
    colour: str
    red: int
    orange: int
    yellow: int
    green: int
    unrated: int


class RegionsOut(Schema):
    plan: str
    period: str
    region: str
    regions: list[RegionLevelOut]


@router.get("/{code}/regions", response=RegionsOut)
def regions(request: HttpRequest, code: str, region: str = "", period: str = "") -> RegionsOut:
    plan = get_object_or_404(Plan.objects.select_related("region"), code=code)
    try:
        month = Period.parse(period) if period else latest_month(plan)
    except ValueError:
        raise HttpError(422, "报告期格式应为 2011-07") from None
    if month.frequency != "month":
        raise HttpError(422, "报告期应为月份，例如 2011-07")
    scope = scope_of(request.user)
    focused = focus(scope, plan, region)
    data = ov.build(plan, month, focused, scope, progress.fingerprint(plan))
    return RegionsOut(
        plan=plan.code,
        period=str(month),
        region=focused.code,
        regions=[
            RegionLevelOut(
                code=c.region.code, name=c.region.name, level=c.level, colour=c.colour,
                red=c.counts.get("red", 0), orange=c.counts.get("orange", 0),
                yellow=c.counts.get("yellow", 0), green=c.counts.get("green", 0),
                unrated=c.counts.get("", 0),
            )
            for c in data.children
        ],
    )  # fmt: skip
