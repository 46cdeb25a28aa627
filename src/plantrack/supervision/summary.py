"""Counts of the ledger for the dashboard: open, overdue and closed items by source."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q
from django.utils import timezone

from plantrack.accounts.access import Scope, scope_of
from plantrack.plans.models import Plan

from .access import visible_items
from .models import ItemStatus, Source


def counts(user: AbstractBaseUser | AnonymousUser, plan: Plan) -> dict[str, dict[str, int]]:
    """``{source: {"open": n, "overdue": n, "closed": n}}`` of the items the user may see;
    "open" counts every item not closed (整改中 and 待核验), "overdue" those of them past
    their deadline."""
    return counts_in(scope_of(user), plan)


def counts_in(scope: Scope, plan: Plan, region_q: Q | None = None) -> dict[str, dict[str, int]]:
    """:func:`counts` for a scope, narrowed by ``region_q`` (the dashboard's focus region)."""
    items = visible_items(scope, plan)
    if region_q is not None:
        items = items.filter(region_q)
    today = timezone.localdate()
    not_closed = ~Q(status=ItemStatus.CLOSED)
    rows = items.values("source").annotate(
        open=Count("pk", filter=not_closed, distinct=True),
        overdue=Count("pk", filter=not_closed & Q(deadline__lt=today), distinct=True),
        closed=Count("pk", filter=Q(status=ItemStatus.CLOSED), distinct=True),
    )
    found = {source: {"open": 0, "overdue": 0, "closed": 0} for source in Source.values}
    for row in rows:
        found[row["source"]] = {k: row[k] for k in ("open", "overdue", "closed")}
    return found
