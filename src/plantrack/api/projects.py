"""API: 重点项目 — the registry, a project, a program's roll-up and owners' progress updates.

The same access rules as the pages: every query goes through ``projects.access``.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from plantrack.accounts.access import scope_of
from plantrack.api.errors import FieldErrorsOut
from plantrack.plans.models import Plan, Program
from plantrack.projects import actions, rollup
from plantrack.projects.access import access_project, visible_programs, visible_projects
from plantrack.projects.models import Project
from plantrack.projects.queries import ProjectFilter, filter_projects
from plantrack.regions.models import Region

router = Router(tags=["projects"])


class ProjectOut(Schema):
    code: str
    name: str
    list: str
    program: str
    project_type: str
    owner_unit: str
    region: str
    status: str
    planned_investment: Decimal | None
    actual_investment: Decimal | None
    started_on: dt.date | None
    completed_on: dt.date | None
    demo: bool


class ContributionOut(Schema):
    code: str
    name: str
    unit: str
    element: str | None
    expected: Decimal | None
    actual: Decimal | None


class MilestoneOut(Schema):
    id: int
    name: str
    planned_on: dt.date
    actual_on: dt.date | None


class ProjectDetailOut(ProjectOut):
    contributions: list[ContributionOut]
    milestones: list[MilestoneOut]


class ProgressOut(Schema):
    list_code: str
    target_code: str
    statement: str
    measure: str
    unit: str
    target: Decimal | None
    actual: Decimal
    attainment: Decimal | None
    projects: int


class FilterIn(Schema):
    program: str = ""
    list: str = ""
    region: str = ""
    status: str = ""
    type: str = ""
    q: str = ""
    limit: int = 500
    offset: int = 0


class UpdateIn(Schema):
    note: str
    changes: dict[str, str] = {}
    submit: bool = True


class UpdateOut(Schema):
    id: int
    state: str
    changes: dict[str, str]


def _project(p: Project) -> dict:
    return {
        "code": p.code,
        "name": p.name,
        "list": p.list_code,
        "program": p.program.code,
        "project_type": p.project_type,
        "owner_unit": p.owner_unit,
        "region": p.region.code,
        "status": p.status,
        "planned_investment": p.planned_investment,
        "actual_investment": p.actual_investment,
        "started_on": p.started_on,
        "completed_on": p.completed_on,
        "demo": p.is_demo,
    }


@router.get("/{plan}/projects", response=list[ProjectOut], summary="可见的重点项目")
def list_projects(request: HttpRequest, plan: str, filters: Query[FilterIn]) -> list[dict]:
    plan_obj = get_object_or_404(Plan, code=plan)
    f = ProjectFilter.of(filters.dict())
    rows = filter_projects(scope_of(request.user), plan_obj, f)
    limit = max(1, min(filters.limit, 5000))
    return [_project(p) for p in rows[filters.offset : filters.offset + limit]]


@router.get("/{plan}/projects/{code}", response=ProjectDetailOut, summary="一个重点项目")
def get_project(request: HttpRequest, plan: str, code: str) -> dict:
    project = access_project(request.user, get_object_or_404(Plan, code=plan), code)
    return _project(project) | {
        "contributions": [
            {
                "code": c.code,
                "name": c.name,
                "unit": c.unit,
                "element": c.element.code if c.element else None,
                "expected": c.expected,
                "actual": c.actual,
            }
            for c in project.contributions.select_related("element")
        ],
        "milestones": [
            {"id": m.pk, "name": m.name, "planned_on": m.planned_on, "actual_on": m.actual_on}
            for m in project.milestones.all()
        ],
    }


@router.get(
    "/{plan}/rollup/{program}", response=list[ProgressOut], summary="工程的项目对照目标汇总"
)
def program_rollup(
    request: HttpRequest, plan: str, program: str, region: str = "", as_of: dt.date | None = None
) -> list[rollup.TargetProgress]:
    plan_obj = get_object_or_404(Plan, code=plan)
    scope = scope_of(request.user)
    program_obj: Program = get_object_or_404(visible_programs(scope, plan_obj), code=program)
    region_obj = get_object_or_404(Region, code=region) if region else None
    return rollup.program_progress(
        plan_obj, program_obj, region_obj, as_of, projects=visible_projects(scope, plan_obj)
    )


@router.post(
    "/{plan}/projects/{code}/updates",
    response={201: UpdateOut, 403: FieldErrorsOut, 422: FieldErrorsOut},
    summary="责任单位填报项目进展（提交后由牵头部门审核）",
)
def post_update(request: HttpRequest, plan: str, code: str, payload: UpdateIn) -> Status:
    project = access_project(request.user, get_object_or_404(Plan, code=plan), code)
    try:
        update = actions.create_update(
            request.user,  # type: ignore[arg-type]
            project,
            payload.note,
            payload.changes,
            submit=payload.submit,
        )
    except PermissionDenied:
        return Status(403, {"detail": "无权填报此项目的进展"})
    except ValidationError as error:
        fields = error.message_dict if hasattr(error, "error_dict") else {}
        return Status(422, {"detail": "；".join(error.messages), "fields": fields})
    return Status(201, {"id": update.pk, "state": update.state, "changes": update.changes})
