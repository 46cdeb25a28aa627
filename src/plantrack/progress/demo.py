"""The demo's stored warnings (演示数据): every month of the scenario rated as if each had been
refreshed when its reports were approved, so the warning history and the follow-ups (约谈) it
raises exist, dated in 2011 like the rest of the scenario."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from plantrack.core.periods import Period, end_date, periods
from plantrack.plans.models import Plan

from . import records
from .models import FollowUp
from .services import default_month

# Monthly reports are due by the 15th and approved within the next days (the demo's calendar).
RATED_AFTER = dt.timedelta(days=20)


@dataclass
class DemoSummary:
    months: int = 0
    follow_ups: int = 0

    def lines(self) -> list[str]:
        return [
            f"预警（演示数据）：按月存储 {self.months} 个月的预警，约谈事项 {self.follow_ups} 项"
        ]


def generate(plan: Plan, as_of: dt.date) -> DemoSummary:
    """Rate every month of the plan's first year up to the latest complete one; idempotent
    (a month's ratings are replaced, a follow-up is never opened twice)."""
    last = default_month(plan, as_of)
    summary = DemoSummary()
    for month in periods(Period(last.year, month=1), last):
        moment = dt.datetime.combine(end_date(month) + RATED_AFTER, dt.time(9))
        records.refresh(plan, month, now=timezone.make_aware(moment))
        summary.months += 1
    summary.follow_ups = FollowUp.objects.filter(plan=plan).count()
    return summary
