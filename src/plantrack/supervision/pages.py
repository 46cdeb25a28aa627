"""Campaign and meeting pages: lists, a campaign with its teams and findings, a meeting with
its decisions and the tasks they created."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from plantrack.accounts.access import scope_of

from .access import (
    access_campaign,
    access_meeting,
    can_manage,
    visible_campaigns,
    visible_findings,
    visible_items,
    visible_meetings,
)
from .models import ItemStatus
from .views import plan_of


@login_required
def campaigns(request: HttpRequest, code: str) -> HttpResponse:
    plan = plan_of(code)
    scope = scope_of(request.user)
    visible = visible_items(scope, plan)
    rows = visible_campaigns(scope, plan).annotate(
        shown=Count("findings", filter=Q(findings__item__in=visible), distinct=True)
    )
    return render(request, "supervision/campaigns.html", {"plan": plan, "campaigns": rows})


@login_required
def campaign(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = plan_of(code)
    found = access_campaign(request.user, plan, pk)
    scope = scope_of(request.user)
    findings = visible_findings(scope, found).select_related(
        "region", "enterprise", "program", "item"
    )
    return render(
        request,
        "supervision/campaign.html",
        {
            "plan": plan,
            "campaign": found,
            "teams": found.teams.prefetch_related("regions"),
            "findings": findings,
            "scope_regions": found.regions.order_by("code"),
            "programs": found.programs.order_by("order", "code"),
            "can_import": can_manage(scope),
            "today": timezone.localdate(),
        },
    )


@login_required
def meetings(request: HttpRequest, code: str) -> HttpResponse:
    plan = plan_of(code)
    scope = scope_of(request.user)
    visible = visible_items(scope, plan)
    rows = visible_meetings(scope, plan).annotate(
        tasks=Count("decisions__tasks", filter=Q(decisions__tasks__in=visible), distinct=True),
        done=Count(
            "decisions__tasks",
            filter=Q(decisions__tasks__in=visible, decisions__tasks__status=ItemStatus.CLOSED),
            distinct=True,
        ),
    )
    return render(request, "supervision/meetings.html", {"plan": plan, "meetings": rows})


@login_required
def meeting(request: HttpRequest, code: str, number: int) -> HttpResponse:
    plan = plan_of(code)
    found = access_meeting(request.user, plan, number)
    visible = visible_items(scope_of(request.user), plan).select_related("region", "department")
    decisions = found.decisions.prefetch_related(Prefetch("tasks", queryset=visible))
    return render(
        request,
        "supervision/meeting.html",
        {
            "plan": plan,
            "meeting": found,
            "decisions": decisions,
            "departments": found.departments.order_by("code"),
            "today": timezone.localdate(),
        },
    )
