"""Counts for the dashboard: open, overdue (a part of open) and closed obligations."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from plantrack.accounts.access import scope_of
from plantrack.plans.models import Plan

from . import queries
from .access import visible_obligations


def counts(
    user: AbstractBaseUser | AnonymousUser, plan: Plan, today: dt.date | None = None
) -> dict[str, int]:
    rows = visible_obligations(scope_of(user), plan)
    return queries.counts(rows, today or timezone.localdate())
