"""Who sees, submits and verifies which ledger items, campaigns and meetings.

Province administrators and leaders see every item; a department the items of the programs it
leads or supports and the items it owns; a city its region and its counties; a county its own;
an enterprise the findings at it. Owners submit; a province administrator, or the department
leading the item's program, verifies, and never for an item it owns or submitted itself.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from plantrack.accounts.access import Scope, region_filter, scope_of
from plantrack.accounts.models import Role
from plantrack.plans.models import Plan

from .models import Campaign, Finding, Item, Meeting

User = AbstractBaseUser | AnonymousUser


def visible_items(scope: Scope, plan: Plan) -> QuerySet[Item]:
    items = Item.objects.filter(plan=plan)
    if scope.role in (Role.PROVINCE_ADMIN, Role.LEADER):
        return items
    if scope.role == Role.DEPARTMENT:
        code = scope.department_code
        return items.filter(
            Q(department__code=code) | Q(program__lead__code=code) | Q(program__support__code=code)
        ).distinct()
    if scope.role == Role.ENTERPRISE:
        return items.filter(finding__enterprise__code=scope.enterprise_code)
    return items.filter(region_filter(scope))


def visible_findings(scope: Scope, campaign: Campaign) -> QuerySet[Finding]:
    return campaign.findings.filter(item__in=visible_items(scope, campaign.plan))


def visible_campaigns(scope: Scope, plan: Plan) -> QuerySet[Campaign]:
    """Campaigns are decided openly by the province: anyone with a role sees them."""
    if scope.role is None:
        return Campaign.objects.none()
    return Campaign.objects.filter(plan=plan)


def visible_meetings(scope: Scope, plan: Plan) -> QuerySet[Meeting]:
    if scope.role is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(plan=plan)


def access_item(user: User, plan: Plan, pk: int) -> Item:
    """The item if the user may see it; 404 otherwise, so others' items do not leak."""
    item = (
        visible_items(scope_of(user), plan)
        .select_related(
            "region", "region__parent", "department", "program", "plan", "finding",
            "finding__campaign", "finding__enterprise", "follow_up", "follow_up__target",
            "decision__meeting", "submitted_by", "closed_by",
        )
        .filter(pk=pk)
        .first()
    )  # fmt: skip
    if item is None:
        raise Http404
    return item


def access_campaign(user: User, plan: Plan, pk: int) -> Campaign:
    campaign = visible_campaigns(scope_of(user), plan).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def access_meeting(user: User, plan: Plan, number: int) -> Meeting:
    meeting = visible_meetings(scope_of(user), plan).filter(number=number).first()
    if meeting is None:
        raise Http404
    return meeting


def owns(scope: Scope, item: Item) -> bool:
    """Whether the scope acts for the item's owner (its region's government or its department)."""
    if item.department_id is not None and scope.role == Role.DEPARTMENT:
        return item.department.code == scope.department_code  # type: ignore[union-attr]
    if item.region_id is None:
        return False
    region = item.region
    assert region is not None
    if scope.role == Role.CITY:
        parent = region.parent.code if region.parent_id else None  # type: ignore[union-attr]
        return scope.region_code in (region.code, parent)
    return scope.role == Role.COUNTY and scope.region_code == region.code


def can_submit(scope: Scope, item: Item) -> bool:
    """The owner, or the province administrator on the owner's behalf."""
    return scope.is_admin or owns(scope, item)


def leads(scope: Scope, item: Item) -> bool:
    return (
        scope.role == Role.DEPARTMENT
        and item.program is not None
        and item.program.lead.filter(code=scope.department_code).exists()
    )


def can_verify(scope: Scope, user: User, item: Item) -> bool:
    """Authority (province admin, or the lead department of the item's program) and not the
    owner, nor the person who submitted it: nobody closes their own item."""
    if owns(scope, item) or (item.submitted_by_id is not None and item.submitted_by_id == user.pk):
        return False
    return scope.is_admin or leads(scope, item)


def can_manage(scope: Scope) -> bool:
    """Campaigns, findings and meetings are recorded by the province administrator."""
    return scope.is_admin
