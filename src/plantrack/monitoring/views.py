"""Monitoring pages: the registered sources, one source (counters, latest readings, pollutants
and limits, commands to its logger), and the receiver's refusal log. Every page reads through
``access``; commands are queued through ``commands.queue_command``."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from plantrack.accounts.access import scope_of
from plantrack.plans.models import Plan

from .access import access_source_by_mn, events_for, sources_for
from .commands import CommandRefused, can_command, commands_for, expire_overdue, queue_command
from .forms import CommandForm
from .models import EventKind, MonitoredSource
from .queries import counter_totals, daily_counters, latest_readings


def _plan(code: str) -> Plan:
    return get_object_or_404(Plan, code=code)


@login_required
def index(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(code)
    sources = sources_for(request.user).order_by("region__code", "system", "mn")
    totals = counter_totals(sources)
    groups: dict[str, list[dict]] = defaultdict(list)
    for source in sources:
        city = source.region if source.region.level != "county" else source.region.parent
        groups[city.name if city else source.region.name].append(
            {"source": source, "totals": totals.get(source.pk, {})}
        )
    return render(
        request,
        "monitoring/index.html",
        {
            "plan": plan,
            "groups": dict(groups),
            "count": len(sources),
            "any_demo": any(s.is_demo for s in sources),
            "is_admin": scope_of(request.user).is_admin,
        },
    )


@login_required
def source_detail(request: HttpRequest, code: str, mn: str) -> HttpResponse:
    plan = _plan(code)
    source = access_source_by_mn(request.user, mn)
    return render(
        request,
        "monitoring/source.html",
        {
            "plan": plan,
            "source": source,
            "pollutants": source.pollutants.all(),
            "latest": latest_readings(source),
            "days": daily_counters(source),
            "events": events_for(request.user).filter(source=source)[:50],
            "targets": source.targets.filter(plan=plan),
            **_commands_context(request, source, CommandForm()),
        },
    )


def _commands_context(request: HttpRequest, source: MonitoredSource, form: CommandForm) -> dict:
    expire_overdue()  # so a command does not wait for ever when no receiver runs
    history = list(commands_for(request.user, source)[:50])
    return {
        "commands": history,
        "command_form": form if can_command(request.user, source) else None,
        "polling": any(not c.finished for c in history),
    }


@login_required
@require_http_methods(["GET", "POST"])
def source_commands(request: HttpRequest, code: str, mn: str) -> HttpResponse:
    """The command history of a source (htmx fragment); POST queues a command."""
    plan = _plan(code)
    source = access_source_by_mn(request.user, mn)
    form = CommandForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_command(request.user, source):
            return HttpResponse("无权向该监测点的数采仪下发命令", status=403)
        if form.is_valid():
            try:
                queue_command(request.user, source, form.cleaned_data["cn"],  # type: ignore[arg-type]
                              form.parameters(), form.cleaned_data["reason"])  # fmt: skip
            except CommandRefused as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
            else:
                if not request.headers.get("HX-Request"):
                    return redirect("monitoring-source", code, mn)
                form = CommandForm()
        if form.errors:
            status = 422
    context = {"plan": plan, "source": source, **_commands_context(request, source, form)}
    return render(request, "monitoring/_commands.html", context, status=status)


@login_required
def events(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(code)
    rows = events_for(request.user)
    kind = request.GET.get("kind")
    if kind in EventKind.values:
        rows = rows.filter(kind=kind)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/events.html",
        {"plan": plan, "page": page, "kinds": EventKind.choices, "kind": kind or ""},
    )
