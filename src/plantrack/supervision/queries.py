"""Named queries of the ledger pages, its Excel export and the API."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from plantrack.accounts.access import Scope
from plantrack.plans.models import Plan

from .access import visible_items
from .models import Item, ItemStatus


@dataclass(frozen=True)
class LedgerFilter:
    source: str = ""
    status: str = ""
    overdue: bool = False
    region: str = ""
    term: str = ""
    escalated: bool = False
    q: str = ""

    @classmethod
    def of(cls, params: object) -> "LedgerFilter":
        get = getattr(params, "get")  # noqa: B009  (a QueryDict or a dict)
        return cls(
            source=get("source", "") or "",
            status=get("status", "") or "",
            overdue=(get("overdue", "") or "") in ("1", "true", "on"),
            region=get("region", "") or "",
            term=get("term", "") or "",
            escalated=(get("escalated", "") or "") in ("1", "true", "on"),
            q=(get("q", "") or "").strip(),
        )


def overdue_q() -> Q:
    return ~Q(status=ItemStatus.CLOSED) & Q(deadline__lt=timezone.localdate())


def filter_items(scope: Scope, plan: Plan, f: LedgerFilter) -> QuerySet[Item]:
    items = visible_items(scope, plan).select_related(
        "region", "region__parent", "department", "program"
    )
    if f.source:
        items = items.filter(source=f.source)
    if f.status:
        items = items.filter(status=f.status)
    if f.overdue:
        items = items.filter(overdue_q())
    if f.region:
        items = items.filter(Q(region__code=f.region) | Q(region__parent__code=f.region))
    if f.term:
        items = items.filter(term=f.term)
    if f.escalated:
        items = items.filter(escalation__gt=0)
    if f.q:
        items = items.filter(Q(title__icontains=f.q) | Q(required_evidence__icontains=f.q))
    return items.order_by("status", "deadline", "pk")
