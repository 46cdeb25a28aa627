"""Who sees which monitored sources: the user's regions (and an enterprise user its own)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from plantrack.accounts.access import Scope, region_filter, scope_of
from plantrack.accounts.models import Role

from .models import MonitoredSource, ReceiverEvent


def visible_filter(scope: Scope, prefix: str = "") -> Q:
    """Sources the scope may see; ``prefix`` is the path to the source (e.g. ``"source__"``)."""
    if scope.role == Role.ENTERPRISE and scope.enterprise_code:
        return Q(**{f"{prefix}enterprise__code": scope.enterprise_code})
    return region_filter(scope, f"{prefix}region")


def sources_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[MonitoredSource]:
    """The sources ``user`` may see."""
    scope = scope_of(user)
    return MonitoredSource.objects.filter(visible_filter(scope)).select_related(
        "region", "region__parent", "enterprise"
    )


def access_source_by_mn(user: AbstractBaseUser | AnonymousUser, mn: str) -> MonitoredSource:
    """One source by MN, or 404 when it does not exist or the user may not see it."""
    source = sources_for(user).filter(mn=mn).first()
    if source is None:
        raise Http404("监测点不存在或无权查看")
    return source


def events_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[ReceiverEvent]:
    """Receiver log rows the user may see; rows of unknown MNs only for the whole province."""
    scope = scope_of(user)
    events = ReceiverEvent.objects.select_related("source")
    if scope.sees_everything:
        return events
    return events.filter(visible_filter(scope, "source__"))
