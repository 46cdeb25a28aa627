"""Named queries of the project pages, the Excel export and the API."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from plantrack.accounts.access import Scope
from plantrack.plans.models import Plan

from .access import visible_projects
from .models import Project


@dataclass(frozen=True)
class ProjectFilter:
    program: str = ""
    list_code: str = ""
    region: str = ""
    status: str = ""
    project_type: str = ""
    q: str = ""

    @classmethod
    def of(cls, params: object) -> "ProjectFilter":
        get = getattr(params, "get")  # noqa: B009  (a QueryDict or a dict)
        return cls(
            program=get("program", "") or "",
            list_code=get("list", "") or "",
            region=get("region", "") or "",
            status=get("status", "") or "",
            project_type=get("type", "") or "",
            q=(get("q", "") or "").strip(),
        )


def filter_projects(scope: Scope, plan: Plan, f: ProjectFilter) -> QuerySet[Project]:
    projects = visible_projects(scope, plan).select_related("program", "region", "region__parent")
    if f.program:
        projects = projects.filter(program__code=f.program)
    if f.list_code:
        projects = projects.filter(list_code=f.list_code)
    if f.region:
        projects = projects.filter(Q(region__code=f.region) | Q(region__parent__code=f.region))
    if f.status:
        projects = projects.filter(status=f.status)
    if f.project_type:
        projects = projects.filter(project_type=f.project_type)
    if f.q:
        projects = projects.filter(
            Q(code__icontains=f.q) | Q(name__icontains=f.q) | Q(owner_unit__icontains=f.q)
        )
    return projects.order_by("list_code", "code")
