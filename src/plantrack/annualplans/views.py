"""Annual plan and year-end report pages: the list, one obligation, and its workflow steps."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plantrack.accounts.access import scope_of
from plantrack.plans.models import Plan
from plantrack.reporting.excel import MAX_UPLOAD_BYTES

from . import actions, excel, queries
from .access import access_obligation, can_open, can_review, is_owner, visible_obligations
from .importer import import_targets
from .models import Kind, Obligation, State
from .obligations import open_year, plan_years
from .targets import assigned_targets, less_ambitious

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan(code: str) -> Plan:
    return get_object_or_404(Plan, code=code)


def _today(request: HttpRequest) -> dt.date:
    return timezone.localdate()


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _messages(error: ValidationError) -> str:
    return "；".join(error.messages)


@login_required
def index(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(code)
    scope = scope_of(request.user)
    today = _today(request)
    filters = queries.ObligationFilter.of(request.GET)
    rows = list(queries.filter_obligations(scope, plan, filters, today))
    context = {
        "plan": plan,
        "filters": filters,
        "rows": [(o, o.overdue_days(today), o.late_days()) for o in rows],
        "counts": queries.counts(queries.filter_obligations(scope, plan, filters, today), today),
        "query": request.GET.urlencode(),
    }
    if request.headers.get("HX-Request"):
        return render(request, "annualplans/_list.html", context)
    visible = visible_obligations(scope, plan)
    context |= {
        "years": list(plan_years(plan)),
        "kinds": Kind.choices,
        "statuses": [*State.choices, ("overdue", _("已逾期"))],
        "holders": sorted(
            {(o.region.code, o.region.name) for o in visible.select_related("region") if o.region}
            | {
                (o.department.code, o.department.name)
                for o in visible.select_related("department")
                if o.department
            }
        ),
        "can_open": can_open(scope),
    }
    return render(request, "annualplans/index.html", context)


@login_required
def export(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(code)
    today = _today(request)
    filters = queries.ObligationFilter.of(request.GET)
    rows = queries.filter_obligations(scope_of(request.user), plan, filters, today)
    values, late = [], []
    for o in rows:
        overdue, late_by = o.overdue_days(today), o.late_days()
        values.append(
            [
                o.year,
                str(o.get_kind_display()),
                o.holder_name,
                o.due,
                str(o.get_status_display()),
                timezone.localtime(o.submitted_at) if o.submitted_at else None,
                overdue or late_by,
                timezone.localtime(o.accepted_at) if o.accepted_at else None,
                o.return_reason,
            ]
        )
        late.append(bool(overdue or late_by))
    content = excel.list_workbook(values, late, demo=settings.PLANTRACK_DEMO)
    return _download(content, f"annual-plans-{plan.code}.xlsx")


@login_required
@require_POST
def open_obligations(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(code)
    if not can_open(scope_of(request.user)):
        raise PermissionDenied
    year = request.POST.get("year", "")
    try:
        created = open_year(plan, int(year), request.user, channel="form")  # type: ignore[arg-type]
    except ValueError:
        messages.error(request, _("年度不在计划期内"))
    else:
        messages.success(request, _("新建 %(n)d 项报送任务") % {"n": created})
    return redirect("annualplans", code=code)


def _target_rows(obligation: Obligation) -> list[dict[str, object]]:
    """Every assigned target with what the annual plan set for it, for the review."""
    saved = {r.target_id: r for r in obligation.target_rows.all()}
    rows: list[dict[str, object]] = []
    for assigned in assigned_targets(obligation):
        row = saved.pop(assigned.target.pk, None)
        rows.append(
            {
                "target": assigned.target,
                "assigned": assigned.value,
                "row": row,
                "short": row is not None
                and less_ambitious(assigned.target, row.value, assigned.value),
            }
        )
    # Rows for targets no longer assigned (the decomposition changed after the import).
    rows += [
        {"target": r.target, "assigned": r.assigned, "row": r, "short": False}
        for r in saved.values()
    ]
    return rows


@login_required
def detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = _plan(code)
    obligation = access_obligation(request.user, plan, pk)
    scope = scope_of(request.user)
    owner = is_owner(scope, obligation)
    today = _today(request)
    return render(
        request,
        "annualplans/detail.html",
        {
            "plan": plan,
            "o": obligation,
            "overdue": obligation.overdue_days(today),
            "late": obligation.late_days(),
            "documents": obligation.documents.select_related("uploaded_by"),
            "target_rows": _target_rows(obligation) if obligation.kind == Kind.ANNUAL_PLAN else [],
            "events": obligation.events.select_related("user"),
            "changes": obligation.changes.select_related("user")[:300],
            "can_edit": owner and obligation.status in actions.EDITABLE,
            "can_review": can_review(scope, obligation) and obligation.status == State.SUBMITTED,
            "is_report": obligation.kind != Kind.ANNUAL_PLAN,
            "errors": [],
            "warnings": [],
        },
    )


def _owned(request: HttpRequest, code: str, pk: int) -> Obligation:
    obligation = access_obligation(request.user, _plan(code), pk)
    if not is_owner(scope_of(request.user), obligation):
        raise PermissionDenied
    return obligation


@login_required
@require_POST
def upload(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    obligation = _owned(request, code, pk)
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("请选择要上传的文件"))
    else:
        try:
            actions.upload_document(request.user, obligation, file)  # type: ignore[arg-type]
        except ValidationError as error:
            messages.error(request, _messages(error))
        else:
            messages.success(request, _("文件已上传"))
    return redirect("annualplans-detail", code=code, pk=pk)


@login_required
def template(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    obligation = access_obligation(request.user, _plan(code), pk)
    if obligation.kind != Kind.ANNUAL_PLAN:
        raise Http404
    saved = {r.target_id: r for r in obligation.target_rows.all()}
    rows = []
    for a in assigned_targets(obligation):
        row = saved.get(a.target.pk)
        rows.append(
            excel.TemplateRow(
                a.target.code,
                a.target.statement,
                a.target.unit,
                a.value,
                row.value if row else None,
                row.measures if row else "",
            )
        )
    content = excel.targets_workbook(
        str(obligation.pk), str(obligation), rows, demo=settings.PLANTRACK_DEMO
    )
    return _download(content, f"annual-plan-{obligation.year}-{obligation.pk}.xlsx")


@login_required
@require_POST
def import_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    obligation = _owned(request, code, pk)
    file = request.FILES.get("file")
    errors: list[excel.Error] = []
    warnings: list[excel.Error] = []
    status = 400
    if file is None:
        errors = [excel.Error("", None, "", "", _("请选择要上传的文件"))]
    elif file.size is not None and file.size > MAX_UPLOAD_BYTES:
        errors = [excel.Error("", None, "", "", _("文件超过 10 MB"))]
        status = 413
    else:
        try:
            key, rows = excel.read_targets(file.read())
            reason = request.POST.get("reason", "").strip() or _("Excel 导入")
            outcome = import_targets(request.user, obligation, key, rows, reason)  # type: ignore[arg-type]
        except excel.Malformed as error:
            errors = error.errors
        except ValidationError as error:
            errors = [excel.Error("", None, "", "", _messages(error))]
        else:
            errors, warnings = outcome.errors, outcome.warnings
            if not errors:
                messages.success(request, _("已导入 %(n)d 项目标") % {"n": outcome.imported})
                if not warnings:
                    return redirect("annualplans-detail", code=code, pk=pk)
                status = 200
    context = {"plan": obligation.plan, "o": obligation, "errors": errors, "warnings": warnings}
    return render(request, "annualplans/import_result.html", context, status=status)


@login_required
@require_POST
def submit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    obligation = _owned(request, code, pk)
    try:
        actions.submit(request.user, obligation)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, _messages(error))
    else:
        messages.success(request, _("已提交，等待审核"))
    return redirect("annualplans-detail", code=code, pk=pk)


@login_required
@require_POST
def review(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    obligation = access_obligation(request.user, _plan(code), pk)
    try:
        actions.review(
            request.user,  # type: ignore[arg-type]
            obligation,
            accept=request.POST.get("decision") == "accept",
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        messages.error(request, _messages(error))
    return redirect("annualplans-detail", code=code, pk=pk)


@login_required
def document(request: HttpRequest, code: str, pk: int, doc: int) -> FileResponse:
    obligation = access_obligation(request.user, _plan(code), pk)
    item = obligation.documents.filter(pk=doc).first()
    if item is None:
        raise Http404
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)
