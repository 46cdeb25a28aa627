"""The emission figures of one enterprise (环境统计, what the coverage of V00-27 is weighed by):
the figures by year and pollutant, their change history, and a form to enter or correct one
figure without building a spreadsheet.

Reading follows ``loads.enterprises_for`` (404 outside it); entering needs
``loads.can_enter_loads`` for the enterprise (403 otherwise) and writes through
``loads.save_figure``, the import's own writer, with channel ``form``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from plantrack.enterprises.models import EmissionChannel, Enterprise, LoadPollutant
from plantrack.plans.models import Plan

from . import loads
from .forms import EmissionForm


def _table(enterprise: Enterprise) -> list[dict]:
    """One row per year (newest first), one cell per pollutant (None where no figure)."""
    by_year: dict[int, dict[str, object]] = {}
    for figure in loads.figures_of(enterprise):
        by_year.setdefault(figure.year, {})[figure.pollutant] = figure
    return [
        {"year": year, "cells": [cells.get(p) for p in LoadPollutant.values]}
        for year, cells in sorted(by_year.items(), reverse=True)
    ]


def _blank_form(table: list[dict], saved: dict | None = None) -> EmissionForm:
    """An empty form; after a save it stays on that figure's year and pollutant, else on the
    latest year of the ``table`` (the one an official most often corrects)."""
    if saved:
        return EmissionForm(initial={"year": saved["year"], "pollutant": saved["code"]})
    return EmissionForm(initial={"year": table[0]["year"] if table else None})


def _save(request: HttpRequest, enterprise: Enterprise, form: EmissionForm) -> dict | None:
    """Save the posted figure; what happened, for the notice, or None (the form has errors)."""
    if not form.is_valid():
        return None
    row, reason = form.figure(enterprise), form.cleaned_data["reason"]
    try:
        changed = loads.save_figure(request.user, row, reason, EmissionChannel.FORM)  # type: ignore[arg-type]
    except loads.LoadsRefused as refused:
        form.add_error(None, "；".join(e.message for e in refused.errors))
        return None
    label = LoadPollutant(row.pollutant).label
    return {"changed": changed, "year": row.year, "code": row.pollutant, "pollutant": label,
            "amount": row.amount}  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_emissions(request: HttpRequest, code: str, enterprise: str) -> HttpResponse:
    """The page (or, for htmx, its fragment); POST enters one figure."""
    plan = get_object_or_404(Plan, code=code)
    found = loads.access_enterprise_by_code(request.user, enterprise)
    can_enter = loads.can_enter_loads(request.user, found)
    if request.method == "POST" and not can_enter:
        return HttpResponse(_("无权修改该企业的排放量"), status=403)
    posted = EmissionForm(request.POST) if request.method == "POST" else None
    outcome = _save(request, found, posted) if posted is not None else None
    refused = posted is not None and outcome is None
    table = _table(found)  # after a save, so it shows the new figure
    form = posted if refused else _blank_form(table, outcome)
    context = {
        "plan": plan,
        "enterprise": found,
        "headers": LoadPollutant.labels,
        "table": table,
        "changes": loads.changes_of(found),
        "form": form if can_enter else None,
        "outcome": outcome,
    }
    fragment = request.headers.get("HX-Request")
    template = "monitoring/_emissions.html" if fragment else "monitoring/emissions.html"
    return render(request, template, context, status=422 if refused else 200)
