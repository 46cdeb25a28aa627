"""Quality pages (/quality/<plan>/…): city overview, transmission-validity rates with
amendments, exceedances, supervisory monitoring, air days, water sections. Every table exports
to Excel with ``?format=xlsx``; every read goes through ``quality.access``."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plantrack.accounts.access import region_filter, scope_of
from plantrack.core.hj212 import BEIJING
from plantrack.core.monitoring import window
from plantrack.enterprises.models import Enterprise
from plantrack.plans.models import Plan

from . import access, pages
from .actions import AmendmentRefused, amend_hours, amendment_day, window_closes
from .forms import AmendmentForm
from .importer import ImportFailed, import_samples, template
from .models import Amendment, HourStatus, Publication
from .publish import publish
from .services import Month, amendments_in, compute_month, hourly_records, statuses_of
from .tables import XLSX, Table, xlsx

# The plan's indicators these pages compute, shown with their targets.
INDICATORS = (
    "online_data_conformity_rate",
    "key_source_compliance_rate",
    "good_air_days_rate",
    "surface_water_compliance_rate",
)


def _plan(code: str) -> Plan:
    return get_object_or_404(Plan, code=code)


def _month(request: HttpRequest) -> Month:
    text = request.GET.get("month") or request.POST.get("month")
    if text:
        try:
            return Month.parse(text)
        except ValueError:
            pass
    latest = pages.latest_month(request.user)
    if latest:
        return latest
    today = timezone.localdate()
    return Month(today.year, today.month)


def _render(request: HttpRequest, plan: Plan, month: Month, template_name: str,
            tables: list[Table], **extra: object) -> HttpResponse:  # fmt: skip
    wanted = request.GET.get("format")
    if wanted == "xlsx":
        key = request.GET.get("table") or tables[0].key
        table = next((t for t in tables if t.key == key), tables[0])
        return xlsx(table, f"{plan.short_name or plan.name} · {month}")
    context = {"plan": plan, "month": str(month), "tables": tables,
               "demo": any(t.demo for t in tables), **extra}  # fmt: skip
    return render(request, template_name, context)


@login_required
def index(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(code)
    month = _month(request)
    targets = plan.targets.filter(indicator__code__in=INDICATORS, region__level="province")
    tables = [pages.cities_table(request.user, plan, month)]
    publication = Publication.objects.filter(plan=plan, month=str(month)).first()
    if publication is not None and access.can_publish(request.user, plan):
        tables.append(_publication_table(publication))
    return _render(
        request, plan, month, "quality/index.html", tables,
        targets=targets.select_related("indicator"),
        can_publish=access.can_publish(request.user, plan), publication=publication,
    )  # fmt: skip


def _publication_table(publication: Publication) -> Table:
    when = f"{timezone.localtime(publication.published_at):%Y-%m-%d %H:%M}"
    table = Table(
        "publication",
        _("最近一次写入填报"),
        [_("报表"), _("报告期"), _("设区市"), _("结果"), _("数值"), _("说明")],
        note=f"{when} · {publication.published_by}",
    )
    for o in publication.outcome:
        values = " ".join(f"{k}={v}" for k, v in o["elements"].items())
        table.add(o["data_set"], o["period"], o["city"] or None, o["action"], values or None,
                  o["note"] or None)  # fmt: skip
    return table


@login_required
@require_POST
def compute(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(code)
    if not access.can_publish(request.user, plan):
        raise PermissionDenied("无权计算或写入监测指标")
    month = _month(request)
    result = compute_month(month)
    text = _(
        "已计算 %(month)s：传输有效率 %(rates)s 项，超标 %(exceed)s 小时，断面 %(sections)s 个"
    )
    messages.success(
        request,
        text
        % {
            "month": month,
            "rates": result.rates,
            "exceed": result.exceedances,
            "sections": result.sections,
        },
    )
    if request.POST.get("publish"):
        publication = publish(plan, month, request.user)  # type: ignore[arg-type]
        written = sum(1 for o in publication.outcome if o["action"] in ("reported", "verified"))
        messages.success(request, _("已写入填报 %(n)s 份") % {"n": written})
    return redirect(reverse("quality", args=[plan.code]) + f"?month={month}")


@login_required
def rates(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(code)
    month = _month(request)
    wanted = request.GET.get("level") or ""
    level = wanted if wanted in pages.LEVELS else "factor"
    table = pages.rates_table(request.user, plan, month, level)
    return _render(request, plan, month, "quality/rates.html", [table], level=level,
                   levels=pages.LEVELS, closes=window_closes(month))  # fmt: skip


@login_required
def hours(request: HttpRequest, code: str, mn: str, pollutant: str) -> HttpResponse:
    """One outlet factor's month: the hours that are not valid, the amendment form, history."""
    plan = _plan(code)
    source = access.access_source_by_mn(request.user, mn)
    month = _month(request)
    form = AmendmentForm(request.POST or None, month=month)
    allowed = access.can_amend(request.user, source, plan)
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied("无权修约该监测点的数据")
        if form.is_valid():
            try:
                result = amend_hours(
                    request.user, plan, source, [pollutant],  # type: ignore[arg-type]
                    form.cleaned_data["start"], form.cleaned_data["end"],
                    form.cleaned_data["status"], form.cleaned_data["reason"],
                    evidence=form.cleaned_data["evidence"],
                )  # fmt: skip
                messages.success(request, _("已修约 %(n)s 个小时，传输有效率已重算")
                                 % {"n": len(result.amendments)})  # fmt: skip
                return redirect(request.get_full_path())
            except AmendmentRefused as error:
                form.add_error(None, str(error))
    hourly = hourly_records(source, month, [pollutant]).get(pollutant, {})
    original, in_force = statuses_of(source, pollutant, month, hourly, amendments_in(source, month))
    table = Table(
        "hours",
        _("非有效小时"),
        [_("起始时间"), _("结束时间（含）"), _("小时数"), _("数据标记"), _("原状态"), _("现状态")],
    )
    for first, last, count, flag, was, now in _runs(hourly, original, in_force):
        table.add(f"{first:%Y-%m-%d %H:%M}", f"{last:%Y-%m-%d %H:%M}", count, flag,
                  str(HourStatus(was).label), str(HourStatus(now).label))  # fmt: skip
    table.demo = source.is_demo
    history = Table(
        "amendments",
        _("修约记录"),
        [_("数据时间"), _("原状态"), _("修约后状态"), _("修约理由"), _("凭证"), _("修约人"),
         _("修约时间")],
    )  # fmt: skip
    for a in Amendment.objects.filter(
        source=source, pollutant=pollutant, hour__gte=month.start, hour__lt=month.end
    ).select_related("amended_by")[:2000]:
        history.add(
            f"{a.hour.astimezone(BEIJING):%Y-%m-%d %H:%M}", a.get_old_status_display(),
            a.get_new_status_display(), a.reason, a.evidence or None, a.amended_by.username,
            f"{timezone.localtime(a.amended_at):%Y-%m-%d %H:%M}",
        )  # fmt: skip
    return _render(
        request, plan, month, "quality/hours.html", [table, history], source=source,
        pollutant=pollutant, form=form, allowed=allowed, closes=window_closes(month),
        open=window.is_open(month.year, month.month, timezone.now(), BEIJING, amendment_day()),
    )  # fmt: skip


def _runs(hourly, original, in_force):  # type: ignore[no-untyped-def]
    """Consecutive hours that are not valid (or were amended), one row per run.

    A month of missing data is one row rather than 700: a run continues while the hours follow
    each other with the same flag, original status and status in force.
    """
    runs: list[list] = []  # type: ignore[type-arg]
    for hour, status in in_force.items():
        if status == HourStatus.VALID and original[hour] == status:
            continue
        kinds = hourly.get(hour, {})
        flag = (next(iter(kinds.values()))[1] if kinds else "") or "—"
        key = (flag, original[hour], status)
        last = runs[-1] if runs else None
        if last and tuple(last[3:]) == key and hour - last[1] == dt.timedelta(hours=1):
            last[1], last[2] = hour, last[2] + 1
        else:
            runs.append([hour, hour, 1, *key])
    return runs


@login_required
def exceedances(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(code)
    month = _month(request)
    table = pages.exceedances_table(request.user, plan, month)
    return _render(request, plan, month, "quality/table.html", [table])


@login_required
def supervisory(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(code)
    month = _month(request)
    allowed = access.can_enter_samples(request.user, plan)
    errors: list[str] = []
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied("无权录入监督性监测结果")
        upload = request.FILES.get("file")
        if upload is None:
            errors.append(_("请选择要导入的 Excel 文件"))
        else:
            try:
                result = import_samples(upload.read(), request.user,  # type: ignore[arg-type]
                                        _enterprises(request), upload.name or "")  # fmt: skip
                messages.success(request, _("已导入：新增 %(c)s 条，更新 %(u)s 条")
                                 % {"c": result.created, "u": result.updated})  # fmt: skip
                return redirect(request.get_full_path())
            except ImportFailed as error:
                errors = [str(e) for e in error.errors]
    table = pages.samples_table(request.user, plan, month)
    return _render(request, plan, month, "quality/supervisory.html", [table], allowed=allowed,
                   errors=errors)  # fmt: skip


def _enterprises(request: HttpRequest):  # type: ignore[no-untyped-def]
    scope = scope_of(request.user)
    if scope.sees_everything:
        return Enterprise.objects.all()
    return Enterprise.objects.filter(region_filter(scope, "region"))


@login_required
def supervisory_template(request: HttpRequest, code: str) -> HttpResponse:
    _plan(code)
    response = HttpResponse(template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="supervisory-template.xlsx"'
    return response


@login_required
def air(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(code)
    month = _month(request)
    tables = [pages.cities_table(request.user, plan, month),
              pages.city_air_table(request.user, plan, month),
              pages.station_air_table(request.user, plan, month)]  # fmt: skip
    return _render(request, plan, month, "quality/table.html", tables)


@login_required
def water(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(code)
    month = _month(request)
    return _render(request, plan, month, "quality/table.html",
                   [pages.sections_table(request.user, plan, month)])  # fmt: skip
