"""The coverage page (在线监控覆盖污染负荷比例, target V00-27): a table per city and pollutant,
the enterprises behind it and those with no figure yet (each linked to its own page,
``emission_views``), and the 环境统计 emissions it is weighed by (Excel template, import).

A user sees the rows of the cities it may see (the province row only with a province-wide
view); importing emissions needs ``loads.can_enter_loads`` and is checked per row.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from plantrack.accounts.access import scope_of
from plantrack.core.hj212 import BEIJING
from plantrack.core.monitoring.coverage import EQUIVALENT, POLLUTANT_CODES, Coverage
from plantrack.core.nodata import NoData
from plantrack.enterprises.models import EmissionFigure, LoadPollutant
from plantrack.plans.models import Plan

from . import coverage, loads
from .models import Record

COLUMNS = [*POLLUTANT_CODES, EQUIVALENT]


def quarter_to_date(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """The window of the quarterly data set V00-27 is reported in: its quarter up to ``month``."""
    first = (month - 1) // 3 * 3 + 1
    start = dt.datetime(year, first, 1, tzinfo=BEIJING)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=BEIJING)
    return start, end


def _month(request: HttpRequest) -> tuple[int, int]:
    text = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in text.split("-"))
        dt.date(year, month, 1)
        return year, month
    except ValueError:
        pass
    latest = Record.objects.filter(cn="2061").aggregate(at=Max("time"))["at"]
    moment = (latest or timezone.now()).astimezone(BEIJING)
    return moment.year, moment.month


def _percent(cell: Coverage | None) -> str | None:
    if cell is None or isinstance(cell.share, NoData):
        return None
    share: Fraction = cell.share
    return f"{float(share * 100):.1f}"


def _context(request: HttpRequest, plan: Plan) -> dict:
    from plantrack.quality.access import cities_for  # quality builds on monitoring

    year, month = _month(request)
    start, end = quarter_to_date(year, month)
    result = coverage.report(start, end)
    cities = cities_for(request.user)
    reachable = dict(loads.enterprises_for(request.user).values_list("code", "name"))
    rows = [(c.code, c.name) for c in cities]
    if scope_of(request.user).sees_everything:
        rows.append((result.province, "全省"))
    table = [
        {
            "code": code,
            "name": name,
            "cells": [
                {
                    "pollutant": p,
                    "cell": result.cell(code, p),
                    "percent": _percent(result.cell(code, p)),
                }
                for p in COLUMNS
            ],
        }
        for code, name in rows
    ]
    enterprises = [
        {"code": code, "name": reachable[code],
         "cells": [next((r for r in items if r.pollutant == p), None) for p in POLLUTANT_CODES]}
        for city, by_code in sorted(coverage.enterprises_by_city(result).items())
        for code, items in sorted(by_code.items())
        if code in reachable
    ]  # fmt: skip
    # Then those with no figure of the base year yet: their page is where the first is entered.
    listed = {row["code"] for row in enterprises}
    enterprises += [
        {"code": code, "name": name, "cells": [None] * len(POLLUTANT_CODES)}
        for code, name in sorted(reachable.items())
        if code not in listed
    ]
    return {
        "plan": plan,
        "month": f"{year}-{month:02d}",
        "start": start,
        "end": end - dt.timedelta(days=1),
        "base_year": result.base_year,
        "table": table,
        "headers": [LoadPollutant(p).label for p in POLLUTANT_CODES],
        "enterprises": enterprises,
        "threshold": coverage.min_rate(),
        "any_demo": EmissionFigure.objects.filter(is_demo=True).exists(),
        "can_import": loads.can_enter_loads(request.user, None),
    }


@login_required
def coverage_page(request: HttpRequest, code: str) -> HttpResponse:
    plan = get_object_or_404(Plan, code=code)
    return render(request, "monitoring/coverage.html", _context(request, plan))


@login_required
def loads_template(request: HttpRequest, code: str) -> HttpResponse:
    """The import sheet, filled with the figures of the enterprises the user may see."""
    get_object_or_404(Plan, code=code)
    figures = EmissionFigure.objects.filter(enterprise__in=loads.enterprises_for(request.user))
    data = loads.template(figures.select_related("enterprise").order_by("enterprise__code", "year"))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="emissions.xlsx"'
    return response


@login_required
@require_POST
def loads_import(request: HttpRequest, code: str) -> HttpResponse:
    plan = get_object_or_404(Plan, code=code)
    if not loads.can_enter_loads(request.user, None):
        return HttpResponse("无权导入排放量", status=403)
    upload = request.FILES.get("file")
    reason = request.POST.get("reason", "")
    context = _context(request, plan)
    if upload is None:
        context["import_errors"] = ["请选择 Excel 文件"]
        return render(request, "monitoring/coverage.html", context, status=422)
    try:
        changed, unchanged = loads.import_figures(request.user, upload.read(), reason)  # type: ignore[arg-type]
    except loads.LoadsRefused as refused:
        context["import_errors"] = [str(e) for e in refused.errors]
        return render(request, "monitoring/coverage.html", context, status=422)
    context = _context(request, plan)
    context["imported"] = (changed, unchanged)
    return render(request, "monitoring/coverage.html", context)
