"""Excel and CSV in and out: fill-in templates, uploads that list every error, read-only exports.

Access is decided per row by ``access.can_edit`` (templates, uploads) and
``access.visible_submissions`` (exports); saving goes through ``bulk.save_many``, which
validates with the web form's functions and saves all rows or none.
"""

import gc
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from plantrack.accounts.access import Scope, scope_of
from plantrack.accounts.types import AuthenticatedRequest
from plantrack.core.periods import Period
from plantrack.core.validation import Problem

from . import actions, bulk, excel
from .access import can_edit, visible_submissions
from .models import DataSet, Status, Submission, Value, Vintage

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_CSV = "text/csv; charset=utf-8"
_DEFAULT_PLAN = "zhejiang-2011"
_CHANNELS = {"excel": "Excel 导入", "csv": "CSV 导入"}


# --- Helpers ---------------------------------------------------------------------------------


def _editor(request: HttpRequest) -> Scope:
    scope = scope_of(request.user)
    if scope.read_only:
        raise PermissionDenied("只读账号不能下载填报模板或上传数据")
    return scope


def _period(request: HttpRequest) -> str:
    try:
        return str(Period.parse(request.GET.get("period", "")))
    except ValueError:
        raise BadRequest("请指定报告期，格式如 2011-07、2011Q1 或 2011") from None


def _data_sets(request: HttpRequest) -> list[DataSet]:
    plan = request.GET.get("plan", _DEFAULT_PLAN)
    code = request.GET.get("data_set", "")
    query = DataSet.objects.filter(plan__code=plan).select_related("plan")
    if code:
        return [get_object_or_404(query, code=code)]
    return list(query)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


def _template_sheets(
    scope: Scope, data_sets: Sequence[DataSet], period: str
) -> list[excel.TemplateSheet]:
    """The rows the user may edit, per data set; data sets without any are left out."""
    candidates = visible_submissions(scope).filter(data_set__in=data_sets, period=period)
    editable = [s for s in candidates.order_by("unit_key") if can_edit(scope, s)]
    values: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
    notes: dict[int, dict[str, str]] = defaultdict(dict)
    rows = Value.objects.filter(submission__in=[s.pk for s in editable], vintage=Vintage.REPORTED)
    for pk, code, value, explanation in rows.values_list(
        "submission_id", "element__code", "value", "explanation"
    ):
        values[pk][code] = value
        if explanation:
            notes[pk][code] = explanation
    previous = bulk.previous_best_values(editable)
    by_set: dict[int, list[Submission]] = defaultdict(list)
    for s in editable:
        by_set[s.data_set_id].append(s)
    return [
        excel.TemplateSheet(
            plan=data_set.plan.code,
            data_set=data_set.code,
            name=data_set.name,
            period=period,
            fields=actions.field_specs(data_set),
            explain=data_set.change_threshold is not None,
            rows=[
                excel.TemplateRow(
                    s.unit_key,
                    s.unit_name,
                    s.period,
                    s.version,
                    values[s.pk],
                    previous.get(s.pk, {}),
                    notes[s.pk],
                )  # fmt: skip
                for s in by_set[data_set.pk]
            ],
        )
        for data_set in data_sets
        if by_set[data_set.pk] or len(data_sets) == 1
    ]


def _rule_fields(data_set: DataSet) -> dict[str, list[str]]:
    """Which fields each cross-field rule reads, to point its error at their columns."""
    return {
        rule["message"]: re.findall(r"#\{([^}\[]+)\}", rule["expression"])
        for rule in data_set.rules
    }


def _locate(row: excel.UploadRow, data_set: DataSet, problem: Problem) -> excel.Error:
    message = problem.message
    cells: list[excel.Cell] = []
    if problem.kind == "explain":
        if problem.field in row.explanations:
            cells = [row.explanations[problem.field]]
        else:
            cells = [row.values[problem.field]] if problem.field in row.values else []
            message += "（表中没有该字段的“说明”列，请在网页表单中填写变动说明后再报送）"
    elif problem.field:
        cells = [row.values[problem.field]] if problem.field in row.values else []
    else:
        codes = _rule_fields(data_set).get(problem.message, [])
        # Left to right, as the user reads the sheet, whatever order the rule names them in.
        cells = sorted(
            (row.values[c] for c in dict.fromkeys(codes) if c in row.values),
            key=lambda c: (len(c.column), c.column),
        )
    return excel.Error(
        row.sheet,
        row.row,
        "、".join(c.column for c in cells),
        "、".join(c.header for c in cells),
        message,
    )


def _resolve(
    scope: Scope, rows: Sequence[excel.UploadRow]
) -> tuple[list[bulk.Entry], list[excel.UploadRow], list[excel.Error]]:
    """Match every row to a submission the user may edit; anything else is an error."""
    keys = {(r.plan, r.data_set) for r in rows}
    data_sets = {
        (d.plan.code, d.code): d
        for d in DataSet.objects.filter(
            plan__code__in={k[0] for k in keys}, code__in={k[1] for k in keys}
        ).select_related("plan")
    }
    periods = {
        excel.period_text(r.cells[excel.PERIOD].raw) for r in rows if excel.PERIOD in r.cells
    }
    found = Submission.objects.filter(
        data_set__in=data_sets.values(), period__in=periods
    ).select_related("data_set", "region", "department", "enterprise")
    submissions = {(s.data_set_id, s.unit_key, s.period): s for s in found}
    visible = visible_submissions(scope).filter(data_set__in=data_sets.values(), period__in=periods)
    entries: list[bulk.Entry] = []
    owners: list[excel.UploadRow] = []
    errors: list[excel.Error] = []
    broken_sheets: set[str] = set()
    for row in rows:
        data_set = data_sets.get((row.plan, row.data_set))
        if data_set is None:
            if row.sheet not in broken_sheets:
                broken_sheets.add(row.sheet)
                errors.append(_unknown_data_set(row))
            continue
        unit_key = row.text(excel.UNIT_KEY)
        period = excel.period_text(row.cells[excel.PERIOD].raw) if excel.PERIOD in row.cells else ""
        submission = submissions.get((data_set.pk, unit_key, period))
        problem = _row_problem(scope, submission, visible, data_set, unit_key, period)
        version = _version(row)
        if problem is None and version is None:
            problem = "版本号缺失或被改动，无法检查下载后是否有人修改过；请重新下载模板"
        if problem is not None:
            where = row.cells.get(excel.UNIT_KEY)
            column, header = (where.column, where.header) if where else ("", "")
            errors.append(excel.Error(row.sheet, row.row, column, header, problem))
            continue
        assert submission is not None and version is not None
        raw = {code: cell.raw for code, cell in row.values.items()}
        explanations = {
            code: str(cell.raw).strip()
            for code, cell in row.explanations.items()
            if cell.raw is not None and str(cell.raw).strip()
        }
        entries.append(bulk.Entry(submission, version, raw, explanations))
        owners.append(row)
    return entries, owners, errors


def _unknown_data_set(row: excel.UploadRow) -> excel.Error:
    if not row.data_set:
        message = (
            "找不到隐藏的报表编码（data_set=…），无法识别这张表属于哪张报表；请使用系统下载的模板"
        )
    else:
        message = f"系统中没有报表“{row.data_set}”（计划 {row.plan}）"
    return excel.Error(row.sheet, None, "", "", message)


def _row_problem(
    scope: Scope,
    submission: Submission | None,
    visible: QuerySet[Submission],
    data_set: DataSet,
    unit_key: str,
    period: str,
) -> str | None:
    if not unit_key:
        return "缺少单位代码"
    if submission is None:
        return f"系统中没有单位“{unit_key}”{period} 期的《{data_set.name}》填报"
    if can_edit(scope, submission):
        return None
    # Say "already submitted" only to someone who may see the row; others learn nothing of it.
    closed = submission.status not in (Status.DRAFT, Status.RETURNED)
    if closed and visible.filter(pk=submission.pk).exists():
        return (
            f"“{submission.unit_name}”的填报{submission.get_status_display()}，不能修改；"
            "请先申请退回或重新打开"
        )
    return f"您无权填报“{submission.unit_name}”（{unit_key}）的数据，只能导入本单位可以填报的行"


def _version(row: excel.UploadRow) -> int | None:
    text = row.text(excel.VERSION)
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() and number >= 0 else None


def _import(
    request: AuthenticatedRequest, scope: Scope, rows: list[excel.UploadRow], channel: str
) -> tuple[list[excel.Error], bulk.BulkResult]:
    entries, owners, errors = _resolve(scope, rows)
    result = bulk.save_many(
        entries,
        request.user,
        channel=channel,
        reason=_CHANNELS[channel],
        submit=request.POST.get("submit") == "1",
        check_only=bool(errors),
    )
    for item in result.problems:
        owner = owners[item.index]
        errors.append(_locate(owner, entries[item.index].submission.data_set, item.problem))
    order = {sheet: n for n, sheet in enumerate(dict.fromkeys(r.sheet for r in rows))}
    errors.sort(key=lambda e: (order.get(e.sheet, -1), e.row or 0))
    return errors, result


def _answer(
    request: HttpRequest,
    channel: str,
    errors: Sequence[excel.Error],
    status: int,
    result: bulk.BulkResult | None = None,
) -> HttpResponse:
    if "application/json" in request.headers.get("Accept", ""):
        body = {
            "ok": not errors,
            "errors": [asdict(e) for e in errors],
            "saved": result.saved if result and not errors else 0,
            "changed": result.changed if result and not errors else 0,
        }
        return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    context = {
        "channel": channel,
        "errors": errors,
        "max_mb": excel.MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    return render(request, "reporting/excel_upload.html", context, status=status)


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a file is read and saved.

    An upload of 5,000 rows allocates a few hundred thousand small objects (cells, rows,
    decimals) that all live until the end of the request; the collector would walk them again
    and again for nothing (a fifth of the time). Reference counting still frees everything, and
    the collector resumes when the block ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- Views -----------------------------------------------------------------------------------


@login_required
@require_GET
def excel_template(request: HttpRequest) -> HttpResponse:
    scope = _editor(request)
    period = _period(request)
    sheets = _template_sheets(scope, _data_sets(request), period)
    content = excel.template_workbook(sheets, demo=settings.PLANTRACK_DEMO)
    name = request.GET.get("data_set") or "全部报表"
    return _download(content, f"填报模板-{name}-{period}.xlsx", _XLSX)


@login_required
@require_GET
def csv_template(request: HttpRequest) -> HttpResponse:
    scope = _editor(request)
    period = _period(request)
    if not request.GET.get("data_set"):
        raise BadRequest("CSV 模板一次只能包含一张报表，请指定报表（data_set）")
    [sheet] = _template_sheets(scope, _data_sets(request), period)
    return _download(excel.template_csv(sheet), f"填报模板-{sheet.data_set}-{period}.csv", _CSV)


@login_required
@require_http_methods(["GET", "POST"])
def excel_upload(request: AuthenticatedRequest) -> HttpResponse:
    return _upload(request, "excel")


@login_required
@require_http_methods(["GET", "POST"])
def csv_upload(request: AuthenticatedRequest) -> HttpResponse:
    return _upload(request, "csv")


def _upload(request: AuthenticatedRequest, channel: str) -> HttpResponse:
    """Read the whole file, check every row, save all rows or none, and list every error."""
    scope = _editor(request)
    if request.method != "POST":
        return _answer(request, channel, [], 200)
    upload = request.FILES.get("file")
    if upload is None:
        return _answer(request, channel, [excel.Error("", None, "", "", "请选择要上传的文件")], 400)
    if upload.size is None or upload.size > excel.MAX_UPLOAD_BYTES:
        limit = excel.MAX_UPLOAD_BYTES // (1024 * 1024)
        message = f"文件超过 {limit} MB，请分成几个文件上传"
        return _answer(request, channel, [excel.Error("", None, "", "", message)], 413)
    data = upload.read()
    with _without_cyclic_gc():
        try:
            rows = excel.read_workbook(data) if channel == "excel" else excel.read_csv(data)
        except excel.Malformed as error:
            return _answer(request, channel, error.errors, 400)
        errors, result = _import(request, scope, rows, channel)
    if errors:
        return _answer(request, channel, errors, 422, result)
    if "application/json" in request.headers.get("Accept", ""):
        return _answer(request, channel, [], 200, result)
    messages.success(
        request,
        f"导入成功：{len(rows)} 行，保存了 {result.saved} 份填报、{result.changed} 个数值"
        + ("，并已报送" if request.POST.get("submit") == "1" else ""),
    )
    return redirect("csv-upload" if channel == "csv" else "excel-upload")


@login_required
@require_GET
def excel_export(request: AuthenticatedRequest) -> HttpResponse:
    """Every submission the user may see, all vintages side by side; read-only."""
    scope = scope_of(request.user)
    period = _period(request)
    data_sets = _data_sets(request)
    submissions = list(
        visible_submissions(scope)
        .filter(data_set__in=data_sets, period=period)
        .order_by("data_set__code", "unit_key")
    )
    values: dict[int, dict[tuple[str, str], Decimal | None]] = defaultdict(dict)
    rows = Value.objects.filter(submission__in=[s.pk for s in submissions])
    for pk, code, vintage, value in rows.values_list(
        "submission_id", "element__code", "vintage", "value"
    ):
        values[pk][(code, vintage)] = value
    by_set: dict[int, list[excel.ExportRow]] = defaultdict(list)
    for s in submissions:
        at = timezone.localtime(s.submitted_at).strftime("%Y-%m-%d %H:%M") if s.submitted_at else ""
        by_set[s.data_set_id].append(
            excel.ExportRow(s.unit_key, s.unit_name, s.get_status_display(), at, values[s.pk])
        )
    sheets = [
        excel.ExportSheet(d.code, d.name, period, actions.field_specs(d), by_set[d.pk])
        for d in data_sets
        if by_set[d.pk]
    ]
    note = f"导出时间 {timezone.localtime():%Y-%m-%d %H:%M} · 导出人 {request.user.get_username()}"
    content = excel.export_workbook(sheets, demo=settings.PLANTRACK_DEMO, note=note)
    name = request.GET.get("data_set") or "全部报表"
    return _download(content, f"填报数据-{name}-{period}.xlsx", _XLSX)
