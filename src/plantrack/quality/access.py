"""Who sees and changes which monitoring results. Views and the API go through these.

Reading follows ``monitoring.access`` (a city user sees its city's sources and stations, an
enterprise user its own outlets). Changing — amendments (修约), supervisory results, computing
and publishing — needs a province administrator, a user of a department that owns a data set
the figures are published into (省环保厅 in the 2011 plan), or, for amendments and
supervisory results within its own region, a city or county user. Leaders only read.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from plantrack.accounts.access import Scope, region_filter, scope_of
from plantrack.accounts.models import Role
from plantrack.enterprises.models import Enterprise
from plantrack.monitoring.access import sources_for, visible_filter
from plantrack.monitoring.models import MonitoredSource
from plantrack.plans.models import Plan
from plantrack.regions.models import Level, Region
from plantrack.reporting.models import DataSet

from .models import SupervisorySample
from .publish import PUBLISHED_ELEMENTS

User = AbstractBaseUser | AnonymousUser

__all__ = [
    "access_source_by_mn",
    "can_amend",
    "can_enter_samples",
    "can_publish",
    "cities_for",
    "owning_departments",
    "samples_for",
    "sources_for",
]


def access_source_by_mn(user: User, mn: str) -> MonitoredSource:
    source = sources_for(user).filter(mn=mn).first()
    if source is None:
        raise Http404("监测点不存在或无权查看")
    return source


def samples_for(user: User) -> QuerySet[SupervisorySample]:
    scope = scope_of(user)
    if scope.role == Role.ENTERPRISE and scope.enterprise_code:
        return SupervisorySample.objects.filter(enterprise__code=scope.enterprise_code)
    return SupervisorySample.objects.filter(region_filter(scope, "enterprise__region"))


def cities_for(user: User) -> list[Region]:
    """Cities whose rows the user sees (its own city, or its county's city; all for the
    province)."""
    scope = scope_of(user)
    cities = Region.objects.filter(level=Level.CITY, code__startswith="33").order_by("code")
    if scope.sees_everything:
        return list(cities)
    if scope.role == Role.CITY:
        return list(cities.filter(code=scope.region_code))
    if scope.role == Role.COUNTY and scope.region_code:
        return list(cities.filter(children__code=scope.region_code))
    if scope.role == Role.ENTERPRISE and scope.enterprise_code:
        enterprise = Enterprise.objects.filter(code=scope.enterprise_code).first()
        if enterprise is None:
            return []
        region = enterprise.region
        return list(cities.filter(Q(pk=region.pk) | Q(pk=region.parent_id)))
    return []


def owning_departments(plan: Plan) -> set[str]:
    """Departments owning a data set the computed figures are published into."""
    return set(
        DataSet.objects.filter(plan=plan, fields__element__code__in=list(PUBLISHED_ELEMENTS))
        .values_list("owner__code", flat=True)
        .distinct()
    )


def _manages(scope: Scope, plan: Plan) -> bool:
    if scope.is_admin:
        return True
    return scope.role == Role.DEPARTMENT and scope.department_code in owning_departments(plan)


def can_publish(user: User, plan: Plan) -> bool:
    """Compute and write the month's figures into reporting."""
    return _manages(scope_of(user), plan)


def can_amend(user: User, source: MonitoredSource, plan: Plan) -> bool:
    scope = scope_of(user)
    if _manages(scope, plan):
        return True
    if scope.role not in (Role.CITY, Role.COUNTY):
        return False
    return MonitoredSource.objects.filter(visible_filter(scope), pk=source.pk).exists()


def can_enter_samples(user: User, plan: Plan) -> bool:
    scope = scope_of(user)
    return _manages(scope, plan) or scope.role in (Role.CITY, Role.COUNTY)
