"""Ledger pages: the ledger with filters and counts, one item's file (一案一档) and its steps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plantrack.accounts.access import scope_of
from plantrack.accounts.models import Role
from plantrack.accounts.types import AuthenticatedRequest
from plantrack.plans.models import Plan
from plantrack.regions.models import Region

from . import actions, summary
from .access import access_item, can_submit, can_verify
from .constants import ESCALATION, level_label
from .models import ItemStatus, Source, Term
from .queries import LedgerFilter, filter_items

PAGE_SIZE = 50


def plan_of(code: str) -> Plan:
    return get_object_or_404(Plan, code=code)


def regions_for(request: HttpRequest) -> list[Region]:
    scope = scope_of(request.user)
    regions = Region.objects.filter(level__in=["city", "county"])
    if scope.role in (Role.CITY, Role.COUNTY):
        regions = regions.filter(code__startswith=(scope.region_code or "")[:4])
    return list(regions.order_by("code"))


def errors_of(error: ValidationError) -> str:
    return "；".join(error.messages)


@login_required
def ledger(request: HttpRequest, code: str) -> HttpResponse:
    plan = plan_of(code)
    scope = scope_of(request.user)
    filters = LedgerFilter.of(request.GET)
    items = filter_items(scope, plan, filters)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "plan": plan,
        "filters": filters,
        "page": page,
        "total": page.paginator.count,
        "today": timezone.localdate(),
        "query": request.GET.urlencode(),
    }
    if request.headers.get("HX-Request"):
        return render(request, "supervision/_items.html", context)
    counts = summary.counts(request.user, plan)
    context |= {
        "counts": [(label, counts[value]) for value, label in Source.choices],
        "sources": Source.choices,
        "statuses": ItemStatus.choices,
        "terms": Term.choices,
        "regions": regions_for(request),
        "escalation": [(s.days, s.level, s.label) for s in ESCALATION],
    }
    return render(request, "supervision/ledger.html", context)


@login_required
def item_page(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = plan_of(code)
    item = access_item(request.user, plan, pk)
    scope = scope_of(request.user)
    return render(
        request,
        "supervision/item.html",
        {
            "plan": plan,
            "item": item,
            "level_label": level_label(item.escalation),
            "overdue": item.status != ItemStatus.CLOSED and item.deadline < timezone.localdate(),
            "events": item.events.select_related("user"),
            "evidence": item.evidence.select_related("uploaded_by"),
            "changes": item.changes.select_related("user")[:200],
            "can_submit": item.status == ItemStatus.OPEN and can_submit(scope, item),
            "can_verify": item.status == ItemStatus.SUBMITTED
            and can_verify(scope, request.user, item),
        },
    )


@login_required
@require_POST
def submit(request: AuthenticatedRequest, code: str, pk: int) -> HttpResponse:
    item = access_item(request.user, plan_of(code), pk)
    try:
        actions.submit(
            request.user, item, request.POST.get("note", ""), request.FILES.getlist("files")
        )
    except ValidationError as error:
        messages.error(request, errors_of(error))
    else:
        messages.success(request, _("整改材料已提交，等待核验"))
    return redirect("supervision-item", code=code, pk=pk)


@login_required
@require_POST
def review(request: AuthenticatedRequest, code: str, pk: int) -> HttpResponse:
    """Verify and close (销号), or return to the owner with a reason."""
    item = access_item(request.user, plan_of(code), pk)
    note = request.POST.get("note", "")
    try:
        if request.POST.get("decision") == "close":
            actions.verify(request.user, item, note)
            messages.success(request, _("已核验销号"))
        else:
            actions.send_back(request.user, item, note)
            messages.success(request, _("已退回责任单位"))
    except ValidationError as error:
        messages.error(request, errors_of(error))
    return redirect("supervision-item", code=code, pk=pk)


@login_required
def evidence(request: HttpRequest, code: str, pk: int, file: int) -> FileResponse:
    item = access_item(request.user, plan_of(code), pk)
    found = item.evidence.filter(pk=file).first()
    if found is None:
        raise Http404
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.name)
