"""Named queries over plans, used by pages and the API alike."""

from django.db.models import Q, QuerySet
from ninja import Schema

from .export import targets_for_export
from .models import Plan, Target


class TargetFilter(Schema):
    """Filters of the plan browser; every field optional."""

    domain: str | None = None
    program: str | None = None
    department: str | None = None
    region: str | None = None
    level: str | None = None
    kind: str | None = None
    q: str | None = None


def filter_targets(plan: Plan, f: TargetFilter) -> QuerySet[Target]:
    targets = targets_for_export(plan)
    if f.domain:
        targets = targets.filter(domain__code=f.domain)
    if f.program:
        targets = targets.filter(program__code=f.program)
    if f.department:
        targets = targets.filter(departments__code=f.department)
    if f.region:
        targets = targets.filter(region__code=f.region)
    if f.level:
        targets = targets.filter(level=f.level)
    if f.kind:
        targets = targets.filter(kind=f.kind)
    if f.q:
        targets = targets.filter(
            Q(name__icontains=f.q)
            | Q(statement__icontains=f.q)
            | Q(quote__icontains=f.q)
            | Q(code__icontains=f.q)
        )
    return targets.distinct()
