"""Filtering the obligations a user may see, and counting them."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from plantrack.accounts.access import Scope
from plantrack.plans.models import Plan

from .access import visible_obligations
from .models import OPEN_STATES, OWNER_STATES, Kind, Obligation, State


@dataclass(frozen=True)
class ObligationFilter:
    year: int | None = None
    kind: str = ""
    status: str = ""  # a State, or "overdue"
    holder: str = ""  # a region code or a department code

    @classmethod
    def of(cls, params: Mapping[str, str]) -> "ObligationFilter":
        year = params.get("year", "")
        return cls(
            year=int(year) if year.isdigit() else None,
            kind=params.get("kind", "") if params.get("kind") in Kind.values else "",
            status=params.get("status", "")
            if params.get("status") in [*State.values, "overdue"]
            else "",
            holder=params.get("holder", "").strip()[:32],
        )


def overdue_q(today: dt.date) -> Q:
    return Q(status__in=OWNER_STATES, due__lt=today)


def filter_obligations(
    scope: Scope, plan: Plan, filters: ObligationFilter, today: dt.date
) -> QuerySet[Obligation]:
    rows = visible_obligations(scope, plan).select_related("region", "department", "target")
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.status == "overdue":
        rows = rows.filter(overdue_q(today))
    elif filters.status:
        rows = rows.filter(status=filters.status)
    if filters.holder:
        rows = rows.filter(Q(region__code=filters.holder) | Q(department__code=filters.holder))
    return rows.order_by("year", "due", "kind", "region__code", "department__code")


def counts(rows: QuerySet[Obligation], today: dt.date) -> dict[str, int]:
    """Open (not yet accepted), of which overdue (owner still to act after due), and closed."""
    found = rows.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATES)),
        overdue=Count("pk", filter=overdue_q(today)),
        closed=Count("pk", filter=Q(status=State.ACCEPTED)),
    )
    return {key: found[key] or 0 for key in ("open", "overdue", "closed")}
