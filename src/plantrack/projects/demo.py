"""Generated project lists for the embedded demo (演示数据), sized from the plan's own figures.

Each declared list gets about as many projects as its target asks for (a few more, since plans
overshoot and some projects slip), spread over the cities by a fixed weight; sums such as the
1,500 km of sewer or the 20万亩 of reclaimed land are split so their total lands near the
target. Seeded and idempotent: existing codes are left alone, so users' entries survive.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from plantrack.core.projects import ProjectList
from plantrack.plans.models import DataElement, Plan, Program, Target
from plantrack.regions.models import Region

from .declarations import declaration_of
from .models import Contribution, Milestone, Project, ProjectChange, Status

PLAN_CODE = "zhejiang-2011"
AS_OF = dt.date(2011, 12, 10)
# Rough economic weight of the eleven cities (杭州 … 丽水), so Hangzhou and Ningbo carry more.
CITY_WEIGHTS = {
    "330100": 18,
    "330200": 15,
    "330300": 11,
    "330400": 8,
    "330500": 7,
    "330600": 10,
    "330700": 9,
    "330800": 4,
    "330900": 3,
    "331000": 9,
    "331100": 4,
}
# Planned investment per project in 万元 (low, high); the 双千 and energy lists follow the
# plan's 2768亿 and 170亿.
INVESTMENT = {"double-thousand": (8000, 44000), "energy-key": (20000, 90000)}
DEFAULT_INVESTMENT = (300, 5000)
# Sums: per project (low, high) in the contribution's unit.
CONTRIBUTION_RANGE: dict[str, tuple[float, float]] = {
    "energy_saved": (500, 8000),
    "sewage_network_built": (4, 16),
    "farmland_reclaimed": (200, 800),
    "inefficient_land_tapped": (100, 300),
    "land_saved": (50, 400),
    "building_area": (1, 12),
    "treatment_capacity": (0.2, 2),
    "cod_cut": (50, 600),
    "remediated_area": (100, 1500),
    "standard_factory_area": (2, 15),
}
PER_LIST = {"capacity-elimination": 130, "sewer-network": 150, "farmland-reclamation": 380}


@dataclass
class DemoSummary:
    created: int = 0
    lists: int = 0

    def lines(self) -> list[str]:
        return [f"重点项目（演示数据）：{self.lists} 个清单，新增 {self.created} 个项目"]


def generate_demo(seed: int = 2011) -> DemoSummary:
    if not settings.PLANTRACK_DEMO:
        raise RuntimeError("未开启演示模式（PLANTRACK_DEMO），不能生成演示数据")
    plan = Plan.objects.get(code=PLAN_CODE)
    declaration = declaration_of(plan)
    summary = DemoSummary()
    if declaration is None:
        return summary
    counties = _counties()
    with transaction.atomic():
        existing = set(Project.objects.filter(plan=plan).values_list("code", flat=True))
        for project_list in declaration.project_lists:
            rng = random.Random(f"{seed}-{project_list.code}")
            summary.lists += 1
            summary.created += _generate(plan, project_list, counties, rng, existing)
    return summary


def _counties() -> dict[str, list[Region]]:
    result: dict[str, list[Region]] = {}
    for county in Region.objects.filter(level="county", valid_to__isnull=True).select_related(
        "parent"
    ):
        if county.parent:
            result.setdefault(county.parent.code, []).append(county)
    return result


def _size(plan: Plan, project_list: ProjectList) -> int:
    if project_list.code in PER_LIST:
        return PER_LIST[project_list.code]
    counted = next((t for t in project_list.targets if t.measure.startswith("count")), None)
    value = (
        Target.objects.filter(plan=plan, code=counted.target)
        .values_list("value", flat=True)
        .first()
        if counted
        else None
    )
    return max(2, round(float(value or 10) * 1.06))


def _generate(
    plan: Plan,
    project_list: ProjectList,
    counties: dict[str, list[Region]],
    rng: random.Random,
    existing: set[str],
) -> int:
    program = Program.objects.get(plan=plan, code=project_list.program)
    elements = dict(DataElement.objects.filter(plan=plan).values_list("code", "pk"))
    scales = _sum_scales(plan, project_list)
    n = _size(plan, project_list)
    cities = list(CITY_WEIGHTS)
    weights = list(CITY_WEIGHTS.values())
    new: list[Project] = []
    extras: list[tuple[Project, dict[str, tuple[Decimal, Decimal | None]]]] = []
    for index in range(1, n + 1):
        code = f"{project_list.code}-{index:04d}"
        if code in existing:
            continue
        city = rng.choices(cities, weights)[0]
        region = rng.choice(counties.get(city) or [Region.objects.get(code=city)])
        project = _project(plan, program, project_list, code, region, rng)
        contributions = _contributions(project_list, project.status, rng, scales, n)
        new.append(project)
        extras.append((project, contributions))
    Project.objects.bulk_create(new)
    saved = {p.code: p for p in Project.objects.filter(plan=plan, code__in=[p.code for p in new])}
    rows, milestones, audit = [], [], []
    for project, contributions in extras:
        stored = saved[project.code]
        for c in project_list.contributions:
            expected, actual = contributions[c.code]
            rows.append(
                Contribution(
                    project=stored,
                    code=c.code,
                    name=c.name,
                    unit=c.unit,
                    element_id=elements.get(c.element) if c.element else None,
                    expected=expected,
                    actual=actual,
                )
            )
        milestones.extend(_milestones(stored))
        audit.append(
            ProjectChange(
                project=stored,
                field="created",
                new=stored.name,
                reason="生成演示数据",
                channel="demo",
            )
        )
    Contribution.objects.bulk_create(rows)
    Milestone.objects.bulk_create(milestones)
    ProjectChange.objects.bulk_create(audit)
    return len(new)


def _project(
    plan: Plan,
    program: Program,
    project_list: ProjectList,
    code: str,
    region: Region,
    rng: random.Random,
) -> Project:
    low, high = INVESTMENT.get(project_list.code, DEFAULT_INVESTMENT)
    planned = Decimal(rng.randint(low, high))
    started = dt.date(2011, 1, 1) + dt.timedelta(days=rng.randint(0, 200))
    roll = rng.random()
    # By December most of a year's list is done; a few slip, stall or are dropped.
    if roll < 0.03:
        status, completed = Status.PLANNED, None
    elif roll < 0.05:
        status, completed = Status.SUSPENDED, None
    elif roll < 0.07:
        status, completed = Status.CANCELLED, None
    elif roll < 0.25:
        status, completed = Status.UNDER_CONSTRUCTION, None
    else:
        status = Status.COMPLETED
        completed = min(AS_OF, started + dt.timedelta(days=rng.randint(60, 330)))
    share = {Status.COMPLETED: 1.0, Status.UNDER_CONSTRUCTION: rng.uniform(0.3, 0.9)}.get(
        status, 0.1
    )
    return Project(
        plan=plan,
        program=program,
        list_code=project_list.code,
        code=code,
        name=f"{region.name}{project_list.project_type}{code[-4:]}号（演示数据）",
        project_type=project_list.project_type,
        owner_unit=f"{region.name}{_owner(project_list)}",
        region=region,
        status=status,
        planned_investment=planned,
        actual_investment=(planned * Decimal(str(round(share, 2)))).quantize(Decimal(1))
        if status != Status.PLANNED
        else None,
        started_on=started if status != Status.PLANNED else None,
        completed_on=completed,
        is_demo=True,
    )


def _owner(project_list: ProjectList) -> str:
    if project_list.program.startswith("E0") and project_list.code in (
        "energy-key",
        "double-thousand",
        "capacity-elimination",
    ):
        return "某重点用能企业（演示）"
    return "人民政府（演示）"


def _sum_scales(plan: Plan, project_list: ProjectList) -> dict[str, Decimal]:
    """Per-project mean for each summed contribution so the list's total lands near the target."""
    result: dict[str, Decimal] = {}
    for link in project_list.targets:
        if link.measure == "sum_contribution" and link.contribution:
            value = (
                Target.objects.filter(plan=plan, code=link.target)
                .values_list("value", flat=True)
                .first()
            )
            if value:
                result[link.contribution] = Decimal(value) / link.scale
    return result


def _contributions(
    project_list: ProjectList, status: str, rng: random.Random, totals: dict[str, Decimal], n: int
) -> dict[str, tuple[Decimal, Decimal | None]]:
    result: dict[str, tuple[Decimal, Decimal | None]] = {}
    for c in project_list.contributions:
        if c.code in totals:
            # Capacity-elimination projects each close one kind of capacity, so spread thinly.
            kinds = sum(1 for k in project_list.contributions if k.code in totals)
            mean = totals[c.code] * Decimal("1.08") / n * (kinds if kinds > 1 else 1)
            if kinds > 1 and rng.random() > 1 / kinds:
                result[c.code] = (Decimal(0), Decimal(0) if status == Status.COMPLETED else None)
                continue
            expected = (mean * Decimal(str(rng.uniform(0.5, 1.5)))).quantize(Decimal("0.01"))
        else:
            low, high = CONTRIBUTION_RANGE.get(c.code, (1, 100))
            expected = Decimal(str(round(rng.uniform(float(low), float(high)), 2)))
        actual = (
            (expected * Decimal(str(round(rng.uniform(0.9, 1.1), 2)))).quantize(Decimal("0.01"))
            if status == Status.COMPLETED
            else None
        )
        result[c.code] = (expected, actual)
    return result


def _milestones(project: Project) -> list[Milestone]:
    start = project.started_on or dt.date(2011, 6, 30)
    steps = [
        ("立项批复", start - dt.timedelta(days=60)),
        ("开工", start),
        ("主体完工", start + dt.timedelta(days=150)),
        ("竣工验收", start + dt.timedelta(days=240)),
    ]
    done = {Status.COMPLETED: 4, Status.UNDER_CONSTRUCTION: 2, Status.SUSPENDED: 2}.get(
        project.status, 1
    )  # type: ignore[call-overload]
    return [
        Milestone(
            project=project,
            name=name,
            planned_on=planned,
            order=order,
            actual_on=(project.completed_on if order == 3 else planned) if order < done else None,
        )
        for order, (name, planned) in enumerate(steps)
    ]
