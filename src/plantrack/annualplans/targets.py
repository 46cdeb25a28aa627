"""Which of the plan's targets an annual plan covers, and the value the province assigned.

A city's rows are what progress tracks it against: targets decomposed to it (目标分解), the
plan's own targets for the city, and the province's rate and change targets each city
inherits. A department's rows are its shares and the province's quantitative targets that
list it as responsible. Values are in the target's own terms, as in ``TargetShare``.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from plantrack.plans.models import Target, TargetShare
from plantrack.progress.services import INHERITED_KINDS

from .models import Obligation


@dataclass(frozen=True)
class Assigned:
    target: Target
    value: Decimal | None  # the share, or the target's value when not decomposed


def assigned_targets(obligation: Obligation) -> list[Assigned]:
    plan = obligation.plan
    quantitative = Target.objects.filter(plan=plan, kind=Target.Kind.QUANTITATIVE)
    if obligation.region is not None:
        shares = TargetShare.objects.filter(target__plan=plan, region=obligation.region)
        own = Q(region=obligation.region) | Q(
            region=plan.region, scope="", indicator__kind__in=INHERITED_KINDS
        )
    else:
        shares = TargetShare.objects.filter(target__plan=plan, department=obligation.department)
        own = Q(region=plan.region, departments=obligation.department)
    by_target = dict(shares.values_list("target_id", "value"))
    targets = (
        quantitative.filter(own | Q(pk__in=list(by_target)))
        .select_related("indicator")
        .distinct()
        .order_by("order")
    )
    return [Assigned(t, by_target.get(t.pk, t.value)) for t in targets]


def less_ambitious(target: Target, value: Decimal, assigned: Decimal | None) -> bool:
    """Does ``value`` fall short of ``assigned`` in the target's direction of comparison?

    "不高于"/"低于" targets fall short above the value; every other comparator (including
    "左右", which the plan only uses for rising rates and amounts) below it.
    """
    if assigned is None:
        return False
    if target.comparator in ("<=", "<"):
        return value > assigned
    return value < assigned
