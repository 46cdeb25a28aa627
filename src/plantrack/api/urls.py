"""The JSON API (django-ninja), OpenAPI at /api/docs. Session or bearer-token authenticated."""

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema
from ninja.security import HttpBearer, django_auth

from plantrack.accounts.models import ApiToken
from plantrack.api.annualplans import router as annualplans_router
from plantrack.api.dashboard import router as dashboard_router
from plantrack.api.monitoring import router as monitoring_router
from plantrack.api.progress import router as progress_router
from plantrack.api.projects import router as projects_router
from plantrack.api.quality import router as quality_router
from plantrack.api.reporting import router as reporting_router
from plantrack.api.reports import router as reports_router
from plantrack.api.supervision import router as supervision_router
from plantrack.departments.models import Department
from plantrack.plans.export import plan_as_dict, target_as_dict
from plantrack.plans.models import Plan
from plantrack.plans.queries import TargetFilter, filter_targets
from plantrack.regions.models import Region


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> object | None:
        api_token = ApiToken.objects.authenticate(token)
        if api_token is None:
            return None
        request.user = api_token.user
        return api_token.user


api = NinjaAPI(
    title="PlanTrack API",
    version="1",
    description="资源节约与环境保护目标责任管理系统接口（只读）",
    auth=[django_auth, TokenAuth()],
    urls_namespace="api",
)


api.add_router("/reporting", reporting_router)
api.add_router("/progress", progress_router)
api.add_router("/dashboard", dashboard_router)
api.add_router("/reports", reports_router)
api.add_router("/projects", projects_router)
api.add_router("/supervision", supervision_router)
api.add_router("/annualplans", annualplans_router)
api.add_router("/monitoring", monitoring_router)
api.add_router("/quality", quality_router)


class PlanOut(Schema):
    code: str
    name: str
    short_name: str
    issuer: str
    year: int
    region: str


class ProgramOut(Schema):
    code: str
    name: str
    domain: str
    clause: str
    lead: list[str]
    support: list[str]


class BaselineOut(Schema):
    year: int | None
    value: float | None


class TargetOut(Schema):
    code: str
    program: str | None
    domain: str | None
    name: str
    statement: str
    kind: str
    indicator: str | None
    direction: str | None
    comparator: str | None
    value: float | None
    value_text: str | None
    unit: str
    level: str
    region: str
    scope: str
    departments: list[str]
    baseline: BaselineOut | None
    due: str | None
    clause: str
    quote: str
    reading: str | None


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None
    valid_from: str | None
    valid_to: str | None


class DepartmentOut(Schema):
    code: str
    name: str
    short_name: str
    name_en: str


def _plan(code: str) -> Plan:
    return get_object_or_404(Plan.objects.select_related("region"), code=code)


@api.get("/plans", response=list[PlanOut], tags=["plans"], summary="计划列表")
def list_plans(request: HttpRequest) -> list[dict]:
    return [_plan_header(p) for p in Plan.objects.select_related("region")]


def _plan_header(plan: Plan) -> dict:
    return {
        "code": plan.code,
        "name": plan.name,
        "short_name": plan.short_name,
        "issuer": plan.issuer,
        "year": plan.year,
        "region": plan.region.code,
    }


@api.get("/plans/{code}", tags=["plans"], summary="计划全文（与 plan export 相同）")
def get_plan(request: HttpRequest, code: str) -> dict:
    return plan_as_dict(_plan(code))


@api.get("/plans/{code}/programs", response=list[ProgramOut], tags=["plans"], summary="工程")
def list_programs(request: HttpRequest, code: str) -> list[dict]:
    return plan_as_dict(_plan(code))["programs"]


@api.get("/plans/{code}/targets", response=list[TargetOut], tags=["plans"], summary="目标")
def list_targets(request: HttpRequest, code: str, filters: Query[TargetFilter]) -> list[dict]:
    return [target_as_dict(t) for t in filter_targets(_plan(code), filters)]


@api.get("/regions", response=list[RegionOut], tags=["regions"], summary="某日有效的行政区划")
def list_regions(request: HttpRequest, date: dt.date | None = None) -> list[dict]:
    regions = Region.objects.valid_on(date or timezone.localdate()).select_related("parent")
    return [r.as_dict() for r in regions]


@api.get("/departments", response=list[DepartmentOut], tags=["departments"], summary="部门")
def list_departments(request: HttpRequest) -> list[Department]:
    return list(Department.objects.all())
