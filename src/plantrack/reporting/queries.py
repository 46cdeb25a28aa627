"""Named queries for reporting pages, exports and the API."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from plantrack.accounts.access import Scope

from .access import visible_submissions
from .models import DataSet, Status, Submission


@dataclass(frozen=True)
class Completeness:
    """Who has reported a data set for a period, who is late, who has not reported."""

    expected: int
    arrived: int
    late: int
    missing: int
    overdue: int

    @property
    def rate(self) -> float | None:
        return self.arrived / self.expected if self.expected else None


def data_sets_for(scope: Scope, plan_code: str) -> QuerySet[DataSet]:
    return DataSet.objects.filter(plan__code=plan_code).select_related("owner")


def submissions_for(scope: Scope, data_set: DataSet, period: str) -> QuerySet[Submission]:
    return visible_submissions(scope).filter(data_set=data_set, period=period).order_by("unit_key")


def completeness(submissions: QuerySet[Submission]) -> Completeness:
    today = timezone.localdate()
    rows = list(submissions.values_list("status", "submitted_at", "due"))
    arrived = [r for r in rows if r[0] != Status.DRAFT]
    late = sum(1 for _, at, due in arrived if at and timezone.localtime(at).date() > due)
    missing = [r for r in rows if r[0] == Status.DRAFT]
    overdue = sum(1 for _, _, due in missing if due < today)
    return Completeness(len(rows), len(arrived), late, len(missing), overdue)
