"""Which obligations a plan creates, derived from its milestone targets.

A plan of this kind declares the duties as milestones: one "年度实施计划上报" target (the
province's, listing the departments that owe a plan, due e.g. 25 August) and one
"年终报告目标责任履行情况" target per city (due at the year's end). For each year of the plan:

- an annual plan per city of the plan's region and per department the target lists, due on the
  target's month and day of that year;
- a year-end report per city to the province, due on its target's month and day of that year;
- a year-end report per city to its People's Congress (人大), due 31 January of the next year:
  city congresses meet early in the year and hear the report then, so the province gives the
  city a month after its own report to adapt it (a choice, the plan names no date).
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from plantrack.departments.models import Department
from plantrack.plans.models import Plan, Target
from plantrack.regions.models import Region

from .models import Change, Event, Kind, Obligation

ANNUAL_PLAN_NAME = "年度实施计划"
YEAR_END_NAME = "年终报告"
CONGRESS_DUE = (1, 31)  # month and day of the following year


@dataclass(frozen=True)
class Duty:
    kind: str
    year: int
    target: Target
    due: dt.date
    region: Region | None = None
    department: Department | None = None


def milestone_targets(plan: Plan) -> tuple[list[Target], list[Target]]:
    """The plan's annual-plan milestones and its per-city year-end report milestones."""
    # Duties of the whole plan carry no domain or program; a program's own "年度实施计划"
    # (e.g. 重金属污染综合防治年度实施计划) is a task of that program, not this duty.
    milestones = list(
        plan.targets.filter(
            kind=Target.Kind.MILESTONE, due__isnull=False, domain=None, program=None
        )
        .select_related("region")
        .order_by("order")
    )
    annual = [t for t in milestones if ANNUAL_PLAN_NAME in t.name]
    year_end = [t for t in milestones if YEAR_END_NAME in t.name and t.region.level == "city"]
    return annual, year_end


def plan_years(plan: Plan) -> range:
    return range(plan.period_start.year, plan.period_end.year + 1)


def _on(year: int, date: dt.date) -> dt.date:
    # 29 February does not exist every year; the duty then falls on the 28th.
    day = min(date.day, 28) if date.month == 2 else date.day
    return dt.date(year, date.month, day)


def duties(plan: Plan, year: int) -> list[Duty]:
    """Every obligation the plan sets for ``year``."""
    if year not in plan_years(plan):
        raise ValueError(f"{year} is outside the plan period {plan.period_start}–{plan.period_end}")
    annual, year_end = milestone_targets(plan)
    found: list[Duty] = []
    for target in annual:
        due = _on(year, target.due)  # type: ignore[arg-type]
        cities = Region.objects.valid_on(due).filter(level="city", parent=plan.region)
        found += [Duty(Kind.ANNUAL_PLAN, year, target, due, region=c) for c in cities]
        found += [
            Duty(Kind.ANNUAL_PLAN, year, target, due, department=d)
            for d in target.departments.all()
        ]
    for target in year_end:
        due = _on(year, target.due)  # type: ignore[arg-type]
        congress = dt.date(year + 1, *CONGRESS_DUE)
        found.append(Duty(Kind.REPORT_PROVINCE, year, target, due, region=target.region))
        found.append(Duty(Kind.REPORT_CONGRESS, year, target, congress, region=target.region))
    return found


def open_year(
    plan: Plan, year: int, user: User | None = None, *, demo: bool = False, channel: str = ""
) -> int:
    """Create the year's obligations that do not exist yet; returns how many were created.

    Each creation is audited (status "" → pending) on ``channel`` (form, command, demo).
    """
    channel = channel or ("demo" if demo else "command")
    created = 0
    now = timezone.now()
    for duty in duties(plan, year):
        holder: dict[str, object] = (
            {"region": duty.region} if duty.region else {"department": duty.department}
        )
        try:
            with transaction.atomic():
                obligation, new = Obligation.objects.get_or_create(
                    plan=plan,
                    kind=duty.kind,
                    year=year,
                    **holder,
                    defaults={"target": duty.target, "due": duty.due, "is_demo": demo},
                )
                if new:
                    Event.objects.create(
                        obligation=obligation, user=user, at=now, action=Event.Action.OPENED
                    )
                    Change.objects.create(
                        obligation=obligation,
                        user=user,
                        at=now,
                        field="status",
                        new=obligation.status,
                        reason=f"按计划 {duty.target.code} 创建",
                        channel=channel,
                    )
        except IntegrityError:  # created meanwhile by a concurrent run
            new = False
        created += int(new)
    return created
