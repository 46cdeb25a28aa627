"""Reporting pages: what is due, the entry form with autosave, the workflow, the history."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from plantrack.accounts.access import scope_of
from plantrack.accounts.types import AuthenticatedRequest

from . import actions
from .access import access_submission, can_approve, can_edit, can_manage, visible_submissions
from .models import DataSet, Submission, ValueChange, Vintage
from .queries import completeness, data_sets_for, submissions_for
from .reminders import send_reminders


@login_required
def index(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    plan_code = request.GET.get("plan", "zhejiang-2011")
    rows = []
    for data_set in data_sets_for(scope, plan_code):
        period = _latest_period(data_set)
        stats = completeness(submissions_for(scope, data_set, period)) if period else None
        rows.append({"data_set": data_set, "period": period, "stats": stats})
    return render(request, "reporting/index.html", {"rows": rows})


def _latest_period(data_set: DataSet) -> str | None:
    return data_set.submissions.order_by("-period").values_list("period", flat=True).first()


@login_required
def period_overview(request: HttpRequest, data_set: str, period: str) -> HttpResponse:
    scope = scope_of(request.user)
    data_set_obj = get_object_or_404(DataSet.objects.select_related("owner"), code=data_set)
    submissions = submissions_for(scope, data_set_obj, period)
    if request.method == "POST":
        if not (scope.is_admin or scope.department_code == data_set_obj.owner.code):
            raise PermissionDenied("只有省级管理员或主管部门可以催报")
        sent = send_reminders(submissions)
        messages.success(request, f"已向 {sent} 个未报单位发送催报通知")
        return redirect("reporting-period", data_set=data_set, period=period)
    periods = (
        data_set_obj.submissions.order_by("-period").values_list("period", flat=True).distinct()
    )
    return render(
        request,
        "reporting/period.html",
        {
            "data_set": data_set_obj,
            "period": period,
            "periods": periods,
            "submissions": submissions,
            "stats": completeness(submissions),
            "can_remind": scope.is_admin or scope.department_code == data_set_obj.owner.code,
        },
    )


def _form_context(request: HttpRequest, submission: Submission, problems=None) -> dict:  # type: ignore[no-untyped-def]
    scope = scope_of(request.user)
    values = {v: actions.values_of(submission, v) for v in Vintage.values}
    previous = actions.previous_submission(submission)
    previous_values = actions.best_values(previous) if previous else {}
    explanations = dict(
        submission.values.filter(vintage=Vintage.REPORTED).values_list(
            "element__code", "explanation"
        )
    )
    by_field = {p.field: p for p in problems or []}
    fields = [
        {
            "spec": spec,
            "reported": _posted(request, spec.code, values[Vintage.REPORTED].get(spec.code)),
            "verified": values[Vintage.VERIFIED].get(spec.code),
            "revised": values[Vintage.REVISED].get(spec.code),
            "previous": previous_values.get(spec.code),
            "explanation": request.POST.get(
                f"explain-{spec.code}", explanations.get(spec.code, "")
            ),
            "problem": by_field.get(spec.code),
        }
        for spec in actions.field_specs(submission.data_set)
    ]
    return {
        "submission": submission,
        "fields": fields,
        "general_problems": [p for p in problems or [] if not p.field],
        "editable": can_edit(scope, submission),
        "approvable": can_approve(scope, submission),
        "manageable": can_manage(scope, submission),
        "previous": previous,
        "events": submission.events.select_related("by"),
    }


def _posted(request: HttpRequest, code: str, stored: Decimal | None) -> object:
    if request.method == "POST" and code in request.POST:
        return request.POST[code]
    return stored.normalize() if isinstance(stored, Decimal) else stored


@login_required
def submission_form(request: HttpRequest, pk: int) -> HttpResponse:
    submission = access_submission(scope_of(request.user), pk)
    return render(request, "reporting/form.html", _form_context(request, submission))


@login_required
@require_POST
def submission_save(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Autosave (htmx, a draft) or save-and-submit; the form's version guards against overwrites."""
    submission = access_submission(scope_of(request.user), pk, "edit")
    codes = [spec.code for spec in actions.field_specs(submission.data_set)]
    raw = {code: request.POST[code] for code in codes if code in request.POST}
    explanations = {
        code: request.POST[f"explain-{code}"]
        for code in codes
        if request.POST.get(f"explain-{code}")
    }
    submit = request.POST.get("submit") == "1"
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        raise Http404("缺少版本号") from None
    status, problems, saved = 200, [], False
    try:
        actions.save_values(
            submission, request.user, raw, version=version, explanations=explanations, submit=submit
        )
        note, saved = ("已报送" if submit else "草稿已保存"), True
    except actions.Invalid as error:
        status, problems, note = 422, error.problems, "有错误，未保存"
    except actions.Conflict as error:
        status, note = 409, str(error)
    except actions.WorkflowError as error:
        status, note = 409, str(error)
    submission.refresh_from_db()
    if request.headers.get("HX-Request"):
        # Autosave answers with the status line and the new version only, so the inputs,
        # and the keyboard focus in them, stay as they are while the user types on.
        context = {
            "submission": submission,
            "note": note,
            "problems": problems,
            "saved": saved,
            "oob": True,
        }
        # htmx swaps nothing on an error status unless told to; 200 keeps the message visible.
        return render(request, "reporting/_autosave.html", context)
    context = _form_context(request, submission, problems) | {"note": note, "saved": saved}
    return render(request, "reporting/form.html", context, status=status)


@login_required
@require_POST
def submission_workflow(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_of(request.user)
    action = request.POST.get("action", "")
    note = request.POST.get("note", "")
    needed = {
        "approve": "approve",
        "return": "approve",
        "reopen": "manage",
        "verify": "manage",
        "revise": "manage",
    }
    if action not in needed:
        raise Http404("未知操作")
    submission = access_submission(scope, pk, needed[action])
    try:
        if action == "approve":
            actions.approve(submission, request.user, note)
        elif action == "return":
            actions.return_submission(submission, request.user, note)
        elif action == "reopen":
            actions.reopen(submission, request.user, note)
        else:
            vintage = Vintage.VERIFIED if action == "verify" else Vintage.REVISED
            raw = {
                spec.code: request.POST[f"{action}-{spec.code}"]
                for spec in actions.field_specs(submission.data_set)
                if request.POST.get(f"{action}-{spec.code}", "").strip()
            }
            actions.record_vintage(submission, request.user, vintage, raw, note)
        messages.success(request, "操作已完成")
    except (actions.WorkflowError, actions.Invalid) as error:
        messages.error(request, str(error))
    return redirect("submission", pk=pk)


@login_required
def submission_history(request: HttpRequest, pk: int) -> HttpResponse:
    submission = access_submission(scope_of(request.user), pk)
    changes = ValueChange.objects.filter(value__submission=submission).select_related(
        "value__element", "changed_by"
    )
    return render(
        request,
        "reporting/history.html",
        {
            "submission": submission,
            "changes": changes,
            "events": submission.events.select_related("by"),
        },
    )


@login_required
def unit_history(request: HttpRequest, unit_key: str) -> HttpResponse:
    """Every change to one unit's reported values, across data sets and periods."""
    submissions = visible_submissions(scope_of(request.user)).filter(unit_key=unit_key)
    first = submissions.first()
    if first is None:
        raise Http404("填报单位不存在或无权查看")
    changes = (
        ValueChange.objects.filter(value__submission__in=submissions)
        .select_related("value__element", "value__submission__data_set", "changed_by")
        .order_by("-changed_at", "-pk")[:500]
    )
    return render(
        request,
        "reporting/unit_history.html",
        {"unit_name": first.unit_name, "unit_key": unit_key, "changes": changes},
    )
