"""Campaign and meeting pages: lists, a campaign with its teams and findings, a meeting with
its decisions and the tasks they created."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from plantrack.accounts.access import scope_of
from plantrack.accounts.types import AuthenticatedRequest
from plantrack.plans.models import Plan

from . import records
from .access import (
    access_campaign,
    access_meeting,
    can_manage,
    visible_campaigns,
    visible_findings,
    visible_items,
    visible_meetings,
)
from .forms import CampaignForm, DecisionForm, MeetingForm, TeamForm
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
    context = {"plan": plan, "campaigns": rows, "can_manage": can_manage(scope)}
    return render(request, "supervision/campaigns.html", context)


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
    context = {"plan": plan, "meetings": rows, "can_manage": can_manage(scope)}
    return render(request, "supervision/meetings.html", context)


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
            "can_manage": can_manage(scope_of(request.user)),
        },
    )


def _form_page(request: HttpRequest, plan: Plan, title: str, form: forms.BaseForm) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    context = {"plan": plan, "title": title, "form": form}
    return render(request, "supervision/form.html", context, status=status)


def _manager(request: AuthenticatedRequest) -> None:
    if not can_manage(scope_of(request.user)):
        raise PermissionDenied


@login_required
def campaign_new(request: AuthenticatedRequest, code: str) -> HttpResponse:
    plan = plan_of(code)
    _manager(request)
    form = CampaignForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        found = records.create_campaign(request.user, plan, form.cleaned_data)
        return redirect("supervision-campaign", code=code, pk=found.pk)
    return _form_page(request, plan, _("登记督查活动"), form)


@login_required
def team_new(request: AuthenticatedRequest, code: str, pk: int) -> HttpResponse:
    plan = plan_of(code)
    found = access_campaign(request.user, plan, pk)
    _manager(request)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        records.add_team(request.user, found, form.cleaned_data)
        return redirect("supervision-campaign", code=code, pk=pk)
    return _form_page(request, plan, _("组建督查组"), form)


@login_required
def meeting_new(request: AuthenticatedRequest, code: str) -> HttpResponse:
    plan = plan_of(code)
    _manager(request)
    form = MeetingForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        found = records.create_meeting(request.user, plan, form.cleaned_data)
        return redirect("supervision-meeting", code=code, number=found.number)
    return _form_page(request, plan, _("登记联席会议"), form)


@login_required
def decision_new(request: AuthenticatedRequest, code: str, number: int) -> HttpResponse:
    plan = plan_of(code)
    found = access_meeting(request.user, plan, number)
    _manager(request)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        records.add_decision(request.user, found, data["text"], [data])
        return redirect("supervision-meeting", code=code, number=number)
    return _form_page(request, plan, _("新增议定事项和任务"), form)
