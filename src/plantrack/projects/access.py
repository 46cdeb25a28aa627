"""Who sees, updates and approves which projects.

Province roles see every project; a department the projects of the programs it leads or
supports; a city its city and counties; a county its own. Owners (the region's city or county
user) write updates; the program's lead department, or the province administrator, approves
them and maintains the list (imports).
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from plantrack.accounts.access import Scope, region_filter, scope_of
from plantrack.accounts.models import Role
from plantrack.plans.models import Plan, Program

from .models import Project

User = AbstractBaseUser | AnonymousUser


def visible_projects(scope: Scope, plan: Plan) -> QuerySet[Project]:
    projects = Project.objects.filter(plan=plan)
    if scope.role in (Role.PROVINCE_ADMIN, Role.LEADER):
        return projects
    if scope.role == Role.DEPARTMENT:
        return projects.filter(
            Q(program__lead__code=scope.department_code)
            | Q(program__support__code=scope.department_code)
        ).distinct()
    return projects.filter(region_filter(scope))


def visible_programs(scope: Scope, plan: Plan) -> QuerySet[Program]:
    programs = Program.objects.filter(plan=plan)
    if scope.role == Role.DEPARTMENT:
        return programs.filter(
            Q(lead__code=scope.department_code) | Q(support__code=scope.department_code)
        ).distinct()
    return programs


def access_project(user: User, plan: Plan, code: str) -> Project:
    """The project if the user may see it; 404 otherwise, so codes of others do not leak."""
    project = (
        visible_projects(scope_of(user), plan)
        .select_related("program", "region", "region__parent", "plan")
        .filter(code=code)
        .first()
    )
    if project is None:
        raise Http404
    return project


def can_update(scope: Scope, project: Project) -> bool:
    """Owners report progress: the project's city or county, or the province administrator."""
    if scope.is_admin:
        return True
    if scope.role == Role.CITY:
        return scope.region_code in (project.region.code, _parent_code(project))
    return scope.role == Role.COUNTY and scope.region_code == project.region.code


def leads(scope: Scope, program: Program) -> bool:
    return (
        scope.role == Role.DEPARTMENT and program.lead.filter(code=scope.department_code).exists()
    )


def can_approve(scope: Scope, project: Project) -> bool:
    return scope.is_admin or leads(scope, project.program)


def can_import(scope: Scope) -> bool:
    """Who may upload a list: the province, departments (their programs) and cities (their region)."""
    return scope.is_admin or scope.role in (Role.DEPARTMENT, Role.CITY, Role.COUNTY)


def can_write_project(scope: Scope, program: Program, region_code: str, parent: str | None) -> bool:
    """May this user create or overwrite a project of ``program`` in this region (import)?"""
    if scope.is_admin:
        return True
    if scope.role == Role.DEPARTMENT:
        return leads(scope, program)
    if scope.role == Role.CITY:
        return scope.region_code in (region_code, parent)
    return scope.role == Role.COUNTY and scope.region_code == region_code


def _parent_code(project: Project) -> str | None:
    return project.region.parent.code if project.region.parent else None
