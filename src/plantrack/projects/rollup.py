"""Projects rolled up to the targets of their program; other apps call ``program_progress``."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from plantrack.core import projects as core
from plantrack.plans.models import DataElement, Plan, Program, Target
from plantrack.regions.models import Region

from .declarations import declaration_of
from .models import Project, Status, Update, UpdateState


@dataclass(frozen=True)
class TargetProgress:
    """One target and what the projects of one list contribute to it in one region."""

    list_code: str
    list_name: str
    target_code: str
    statement: str
    measure: str
    unit: str
    target: Decimal | None  # the target's figure; none below the province, which has none
    actual: Decimal
    attainment: Decimal | None
    projects: int


def _in_region(region: Region | None) -> Q:
    if region is None or region.parent_id is None:
        return Q()
    return Q(region=region) | Q(region__parent=region)


def figures(projects: QuerySet[Project]) -> list[core.ProjectFigures]:
    result = []
    for project in projects.select_related("region").prefetch_related("contributions"):
        result.append(
            core.ProjectFigures(
                status=project.status,
                region=project.region.code,
                planned_investment=project.planned_investment,
                actual_investment=project.actual_investment,
                contributions={
                    c.code: c.actual for c in project.contributions.all() if c.actual is not None
                },
                started_on=project.started_on,
                completed_on=project.completed_on,
            )
        )
    return result


def program_progress(
    plan: Plan,
    program: Program | str,
    region: Region | str | None = None,
    as_of: dt.date | None = None,
    projects: QuerySet[Project] | None = None,
) -> list[TargetProgress]:
    """Each declared target of ``program`` against its projects in ``region`` on ``as_of``.

    The target's figure is given only where it applies: at the plan's own region (the province).
    ``projects`` narrows the projects further (e.g. to what a user may see).
    """
    code = program if isinstance(program, str) else program.code
    if isinstance(region, str):
        region = Region.objects.get(code=region)
    declaration = declaration_of(plan)
    if declaration is None:
        return []
    base = projects if projects is not None else Project.objects.filter(plan=plan)
    base = base.filter(program__code=code).filter(_in_region(region))
    at_plan_region = region is None or region.pk == plan.region_id
    result: list[TargetProgress] = []
    for project_list in declaration.lists_of_program(code):
        rows = figures(base.filter(list_code=project_list.code))
        result.extend(_progress(plan, project_list, rows, as_of, at_plan_region))
    return result


def _progress(
    plan: Plan,
    project_list: core.ProjectList,
    rows: list[core.ProjectFigures],
    as_of: dt.date | None,
    with_target: bool,
) -> Iterable[TargetProgress]:
    targets = {
        t.code: t
        for t in Target.objects.filter(plan=plan, code__in=[x.target for x in project_list.targets])
    }
    for link in project_list.targets:
        target = targets[link.target]
        actual = core.measure(rows, link, as_of)
        value = target.value if with_target else None
        yield TargetProgress(
            list_code=project_list.code,
            list_name=project_list.name,
            target_code=target.code,
            statement=target.statement,
            measure=link.measure,
            unit=target.unit,
            target=value,
            actual=actual,
            attainment=core.attainment(actual, value),
            projects=len(rows),
        )


def region_breakdown(
    plan: Plan,
    project_list: core.ProjectList,
    link: core.TargetLink,
    projects: QuerySet[Project],
    as_of: dt.date | None = None,
) -> list[tuple[Region, Decimal]]:
    """The figure of each city and county with projects of the list (county → city → province)."""
    rows = figures(projects.filter(list_code=project_list.code))
    parents = dict(Region.objects.values_list("code", "parent__code"))
    totals = core.by_region(rows, link, parents, as_of)
    regions = Region.objects.filter(code__in=totals).order_by("code")
    return [(region, totals[region.code]) for region in regions]


def element_totals(plan: Plan, as_of: dt.date | None = None) -> dict[str, dict[str, Decimal]]:
    """The projects' figure for each data element a linked target measures, by region.

    A target whose indicator is measured directly by a data element (``energy_key_projects``,
    ``town_sewage_plants``, ``sewage_network_built`` ...) gets the list's figure, in the
    target's unit, for every region with projects and every region above it. This is the
    shape a progress data source needs: element code -> region code -> value.
    """
    declaration = declaration_of(plan)
    if declaration is None:
        return {}
    elements = set(DataElement.objects.filter(plan=plan).values_list("code", flat=True))
    indicators = dict(Target.objects.filter(plan=plan).values_list("code", "indicator__code"))
    parents = dict(Region.objects.values_list("code", "parent__code"))
    result: dict[str, dict[str, Decimal]] = {}
    for project_list in declaration.project_lists:
        rows = figures(Project.objects.filter(plan=plan, list_code=project_list.code))
        for link in project_list.targets:
            element = indicators.get(link.target)
            if element in elements and element not in result:
                result[element] = core.by_region(rows, link, parents, as_of)
    return result


@dataclass(frozen=True)
class Counts:
    """Projects by state for a dashboard tile: open, overdue (a milestone past due), completed."""

    total: int
    open: int
    overdue: int
    completed: int
    pending_review: int


def counts(projects: QuerySet[Project], today: dt.date) -> Counts:
    open_states = [Status.PLANNED, Status.UNDER_CONSTRUCTION, Status.SUSPENDED]
    open_projects = projects.filter(status__in=open_states)
    overdue = open_projects.filter(
        milestones__planned_on__lt=today, milestones__actual_on__isnull=True
    ).distinct()
    return Counts(
        total=projects.count(),
        open=open_projects.count(),
        overdue=overdue.count(),
        completed=projects.filter(status=Status.COMPLETED).count(),
        pending_review=Update.objects.filter(
            project__in=projects, state=UpdateState.SUBMITTED
        ).count(),
    )
