"""Excel and Word: the findings template and upload (atomic, row errors), the ledger and the
meetings as workbooks, one item's file (一案一档) as a Word document."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from plantrack.accounts.access import scope_of
from plantrack.accounts.types import AuthenticatedRequest
from plantrack.reporting.excel import MAX_UPLOAD_BYTES

from . import dossier, excel
from .access import access_campaign, access_item, can_manage, visible_items, visible_meetings
from .constants import level_label
from .importer import import_findings
from .models import Item
from .queries import LedgerFilter, filter_items
from .views import plan_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(content: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
def findings_template(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    found = access_campaign(request.user, plan_of(code), pk)
    content = excel.findings_template(found.pk, found.name, demo=settings.PLANTRACK_DEMO)
    return download(content, f"findings-template-{found.pk}.xlsx")


@login_required
def findings_upload(request: AuthenticatedRequest, code: str, pk: int) -> HttpResponse:
    plan = plan_of(code)
    found = access_campaign(request.user, plan, pk)
    if not can_manage(scope_of(request.user)):
        raise PermissionDenied
    context: dict[str, object] = {"plan": plan, "campaign": found}
    if request.method != "POST":
        return render(request, "supervision/upload.html", context)
    upload = request.FILES.get("file")
    errors: list[excel.Error] = []
    status = 400
    if upload is None:
        errors = [excel.Error("", None, "", "", "请选择要上传的文件")]
    elif upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        errors, status = [excel.Error("", None, "", "", "文件超过 10 MB")], 413
    else:
        try:
            rows = excel.read_findings(upload.read())
        except excel.Malformed as error:
            errors = error.errors
        else:
            outcome = import_findings(request.user, found, rows)
            errors = outcome.errors
            if not errors:
                context |= {"created": outcome.created, "done": True}
                status = 200
    context["errors"] = errors
    return render(request, "supervision/upload.html", context, status=status)


LEDGER_HEADERS = [
    "案号", "来源", "整改事项", "责任地区", "责任部门", "工程", "整改时限类型", "整改期限",
    "状态", "是否逾期", "督办等级", "应提交的佐证材料", "提交时间", "销号时间", "演示数据",
]  # fmt: skip


def ledger_row(item: Item, today: object) -> list[object]:
    late = item.status != "closed" and item.deadline < today  # type: ignore[operator]
    return [
        item.number, item.get_source_display(), item.title,
        item.region.name if item.region else "", item.department.name if item.department else "",
        item.program.name if item.program else "", item.get_term_display(), item.deadline,
        item.get_status_display(), "是" if late else "否",
        level_label(item.escalation) or "—", item.required_evidence,
        timezone.localtime(item.submitted_at) if item.submitted_at else None,
        timezone.localtime(item.closed_at) if item.closed_at else None,
        "是" if item.is_demo else "",
    ]  # fmt: skip


@login_required
def ledger_export(request: HttpRequest, code: str) -> HttpResponse:
    """The ledger as filtered on the page."""
    plan = plan_of(code)
    items = filter_items(scope_of(request.user), plan, LedgerFilter.of(request.GET))
    today = timezone.localdate()
    content = excel.table_workbook(
        f"督查整改台账 · {plan.short_name} · 导出于 {today:%Y-%m-%d}",
        [("整改台账", LEDGER_HEADERS, [ledger_row(i, today) for i in items])],
        demo=settings.PLANTRACK_DEMO,
    )
    return download(content, f"supervision-ledger-{plan.code}.xlsx")


@login_required
def meetings_export(request: HttpRequest, code: str) -> HttpResponse:
    plan = plan_of(code)
    scope = scope_of(request.user)
    meetings = visible_meetings(scope, plan).prefetch_related("departments", "decisions")
    visible = visible_items(scope, plan).filter(decision__meeting__in=meetings)
    meeting_rows = [
        [f"第{m.number}次", m.date, m.place, m.chair,
         "、".join(d.short_name for d in m.departments.all()), m.attendees,
         "\n".join(m.agenda_items), "\n".join(d.text for d in m.decisions.all())]
        for m in meetings
    ]  # fmt: skip
    today = timezone.localdate()
    task_rows = [
        [f"第{i.decision.meeting.number}次", i.decision.text, *ledger_row(i, today)]  # type: ignore[union-attr]
        for i in visible.select_related("decision__meeting", "region", "department", "program")
    ]
    content = excel.table_workbook(
        f"联席会议 · {plan.short_name}",
        [
            ("会议", ["届次", "日期", "地点", "主持人", "参会部门", "参会人员", "议题", "议定事项"],
             meeting_rows),
            ("会议任务", ["会议", "议定事项", *LEDGER_HEADERS], task_rows),
        ],
        demo=settings.PLANTRACK_DEMO,
    )  # fmt: skip
    return download(content, f"supervision-meetings-{plan.code}.xlsx")


@login_required
def item_dossier(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    item = access_item(request.user, plan_of(code), pk)
    content = dossier.document(item, demo=settings.PLANTRACK_DEMO)
    return download(content, f"dossier-{item.number}.docx", DOCX)
