"""When the plan's submission milestones were completed, for progress.

``M-00-01`` (年度实施计划上报) is done when the last required annual plan of its year is
accepted; ``M-00-02-<city>`` (年终报告) when that city's report to the province is accepted.
A milestone whose year has no obligations opened is left out: nothing is known about it.
"""

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from plantrack.plans.models import Plan

from .models import Kind, Obligation, State
from .obligations import milestone_targets

Key = tuple[str, str]  # (target code, region code)


def completions(plan: Plan) -> dict[Key, dt.date | None]:
    """Completion date (None: not yet) of each submission milestone with obligations."""
    annual, year_end = milestone_targets(plan)
    rows = Obligation.objects.filter(
        plan=plan, kind__in=[Kind.ANNUAL_PLAN, Kind.REPORT_PROVINCE]
    ).values_list("kind", "year", "region__code", "status", "accepted_at")
    annual_by_year: dict[int, list[dt.date | None]] = defaultdict(list)
    report: dict[tuple[int, str], dt.date | None] = {}
    for kind, year, region, status, accepted_at in rows:
        done = timezone.localdate(accepted_at) if status == State.ACCEPTED else None
        if kind == Kind.ANNUAL_PLAN:
            annual_by_year[year].append(done)
        else:
            report[(year, region)] = done
    found: dict[Key, dt.date | None] = {}
    for target in annual:
        dates = annual_by_year.get(target.due.year) if target.due else None
        if dates:
            found[(target.code, target.region.code)] = (
                None if None in dates else max(d for d in dates if d is not None)
            )
    for target in year_end:
        key = (target.due.year if target.due else 0, target.region.code)
        if key in report:
            found[(target.code, target.region.code)] = report[key]
    return found
