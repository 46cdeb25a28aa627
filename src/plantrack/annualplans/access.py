"""Who sees, fills in and reviews which obligations.

The province administrator and leaders see every obligation; a city its own; a department its
own annual plan and the year-end reports of the cities whose report target lists it (it leads
or shares that duty). The owner (the city's or the department's user) uploads and submits; the
province administrator reviews. Leaders, counties and enterprises only read, if anything.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from plantrack.accounts.access import Scope, scope_of
from plantrack.accounts.models import Role
from plantrack.plans.models import Plan

from .models import Kind, Obligation

User = AbstractBaseUser | AnonymousUser


def visible_obligations(scope: Scope, plan: Plan) -> QuerySet[Obligation]:
    obligations = Obligation.objects.filter(plan=plan)
    if scope.role in (Role.PROVINCE_ADMIN, Role.LEADER):
        return obligations
    if scope.role == Role.DEPARTMENT and scope.department_code:
        reports = Q(kind=Kind.REPORT_PROVINCE) | Q(kind=Kind.REPORT_CONGRESS)
        return obligations.filter(
            Q(department__code=scope.department_code)
            | (reports & Q(target__departments__code=scope.department_code))
        ).distinct()
    if scope.role == Role.CITY and scope.region_code:
        return obligations.filter(region__code=scope.region_code)
    return obligations.none()


def access_obligation(user: User, plan: Plan, pk: int) -> Obligation:
    """The obligation if the user may see it; 404 otherwise, so others' duties do not leak."""
    obligation = (
        visible_obligations(scope_of(user), plan)
        .select_related("plan", "target", "region", "department", "accepted_by")
        .filter(pk=pk)
        .first()
    )
    if obligation is None:
        raise Http404
    return obligation


def is_owner(scope: Scope, obligation: Obligation) -> bool:
    """The city or department that owes the document; only it uploads and submits."""
    if scope.role == Role.CITY and obligation.region is not None:
        return scope.region_code == obligation.region.code
    if scope.role == Role.DEPARTMENT and obligation.department is not None:
        return scope.department_code == obligation.department.code
    return False


def can_review(scope: Scope, obligation: Obligation) -> bool:
    return scope.is_admin and not is_owner(scope, obligation)


def can_open(scope: Scope) -> bool:
    return scope.is_admin
