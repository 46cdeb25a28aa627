"""Excel in and out for project lists: templates, uploads (atomic, row errors), exports."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from plantrack.accounts.access import scope_of
from plantrack.plans.models import Plan
from plantrack.reporting.excel import MAX_UPLOAD_BYTES

from . import excel
from .access import can_import
from .declarations import declaration_of
from .importer import import_rows
from .models import Project
from .queries import ProjectFilter, filter_projects

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _lists(plan: Plan, code: str = ""):  # type: ignore[no-untyped-def]
    declaration = declaration_of(plan)
    if declaration is None:
        raise Http404
    if not code:
        return declaration.project_lists
    project_list = declaration.list_of(code)
    if project_list is None:
        raise Http404
    return [project_list]


@login_required
def template(request: HttpRequest, code: str) -> HttpResponse:
    plan = get_object_or_404(Plan, code=code)
    lists = _lists(plan, request.GET.get("list", ""))
    content = excel.workbook(plan.code, [(pl, []) for pl in lists], demo=settings.PLANTRACK_DEMO)
    name = lists[0].code if len(lists) == 1 else "all"
    return _download(content, f"projects-template-{name}.xlsx")


def row_of(project: Project) -> dict[str, object]:
    row: dict[str, object] = {
        "code": project.code,
        "name": project.name,
        "owner_unit": project.owner_unit,
        "region": project.region.code,
        "status": project.status,
        "planned_investment": project.planned_investment,
        "actual_investment": project.actual_investment,
        "started_on": project.started_on,
        "completed_on": project.completed_on,
    }
    for c in project.contributions.all():
        row[excel.EXPECTED + c.code] = c.expected
        row[excel.ACTUAL + c.code] = c.actual
    for m in project.milestones.all():
        row[excel.PLANNED_ON + m.name] = m.planned_on
        row[excel.ACTUAL_ON + m.name] = m.actual_on
    return row


@login_required
def export(request: HttpRequest, code: str) -> HttpResponse:
    """Any filtered list as a workbook that can be edited and uploaded again."""
    plan = get_object_or_404(Plan, code=code)
    filters = ProjectFilter.of(request.GET)
    projects = filter_projects(scope_of(request.user), plan, filters).prefetch_related(
        "contributions", "milestones"
    )
    by_list: dict[str, list[dict[str, object]]] = {}
    for project in projects:
        by_list.setdefault(project.list_code, []).append(row_of(project))
    sheets = [(pl, by_list.get(pl.code, [])) for pl in _lists(plan) if pl.code in by_list]
    content = excel.workbook(plan.code, sheets, demo=settings.PLANTRACK_DEMO)
    return _download(content, f"projects-{plan.code}.xlsx")


@login_required
def upload(request: HttpRequest, code: str) -> HttpResponse:
    plan = get_object_or_404(Plan, code=code)
    scope = scope_of(request.user)
    if not can_import(scope):
        raise PermissionDenied
    context: dict[str, object] = {"plan": plan, "lists": _lists(plan)}
    if request.method != "POST":
        return render(request, "projects/upload.html", context)
    upload = request.FILES.get("file")
    errors: list[excel.Error] = []
    status = 400
    if upload is None:
        errors = [excel.Error("", None, "", "", "请选择要上传的文件")]
    elif upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        errors = [excel.Error("", None, "", "", "文件超过 10 MB")]
        status = 413
    else:
        try:
            rows = excel.read_workbook(upload.read())
        except excel.Malformed as error:
            errors = error.errors
        else:
            reason = request.POST.get("reason", "").strip() or "Excel 导入"
            outcome = import_rows(request.user, scope, plan, rows, reason)  # type: ignore[arg-type]
            errors = list(outcome.errors)
            if not errors:
                context |= {"created": outcome.created, "updated": outcome.updated, "done": True}
                status = 200
    context["errors"] = errors
    return render(request, "projects/upload.html", context, status=status)
