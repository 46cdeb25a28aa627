"""The only writers of campaigns, teams, meetings and decisions: atomic, and audited field by
field in :class:`RecordChange` (a decision's tasks are ledger items, audited there)."""

from collections.abc import Iterable, Mapping

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from plantrack.accounts.access import scope_of
from plantrack.plans.models import Plan

from .access import can_manage
from .actions import audit_created
from .models import Campaign, Decision, Item, Meeting, Team
from .sources import add_task


def _check(user: User) -> None:
    if not can_manage(scope_of(user)):
        raise PermissionDenied(_("只有省级管理员可以登记督查活动和联席会议"))


@transaction.atomic
def create_campaign(
    user: User, plan: Plan, values: Mapping[str, object], channel: str = "form"
) -> Campaign:
    _check(user)
    fields = {k: v for k, v in values.items() if k not in ("regions", "programs")}
    campaign = Campaign.objects.create(plan=plan, **fields)
    campaign.regions.set(values.get("regions") or [])  # type: ignore[arg-type]
    campaign.programs.set(values.get("programs") or [])  # type: ignore[arg-type]
    audit_created(user, campaign, values, _("登记督查活动"), channel)
    return campaign


@transaction.atomic
def add_team(
    user: User, campaign: Campaign, values: Mapping[str, object], channel: str = "form"
) -> Team:
    _check(user)
    fields = {k: v for k, v in values.items() if k != "regions"}
    team = Team.objects.create(campaign=campaign, **fields)
    team.regions.set(values.get("regions") or [])  # type: ignore[arg-type]
    audit_created(user, team, values, _("组建督查组"), channel)
    return team


@transaction.atomic
def create_meeting(
    user: User, plan: Plan, values: Mapping[str, object], channel: str = "form"
) -> Meeting:
    _check(user)
    fields = {k: v for k, v in values.items() if k != "departments"}
    meeting = Meeting.objects.create(plan=plan, **fields)
    meeting.departments.set(values.get("departments") or [])  # type: ignore[arg-type]
    audit_created(user, meeting, values, _("登记联席会议"), channel)
    return meeting


@transaction.atomic
def add_decision(
    user: User,
    meeting: Meeting,
    text: str,
    tasks: Iterable[Mapping[str, object]] = (),
    channel: str = "form",
) -> tuple[Decision, list[Item]]:
    """A decision and the tasks it assigns (owner, term, deadline), each a ledger item."""
    _check(user)
    order = meeting.decisions.count()
    decision = Decision.objects.create(meeting=meeting, order=order, text=text)
    audit_created(user, decision, {"text": text}, _("会议议定"), channel)
    created = [
        add_task(
            user, decision, str(task.get("title") or text),
            deadline=task["deadline"], term=str(task.get("term") or "short"),  # type: ignore[arg-type]
            region=task.get("region"), department=task.get("department"),  # type: ignore[arg-type]
            required_evidence=str(task.get("required_evidence") or ""), channel=channel,
        )
        for task in tasks
    ]  # fmt: skip
    return decision, created
