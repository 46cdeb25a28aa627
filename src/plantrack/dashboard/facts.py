"""Facts the target page and the scorecard show besides progress: the vintages of a target's
data, the target's history, and a city's assessment."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from plantrack.accounts.access import Scope, region_filter
from plantrack.assessment.models import Round
from plantrack.assessment.services import CityResult, assess
from plantrack.core.periods import Period
from plantrack.plans.models import Plan, PlanRevision, Target, TargetAdjustment
from plantrack.progress.services import _elements, _revision, compiled_indicators
from plantrack.regions.models import Region
from plantrack.reporting.models import Status, Value, Vintage

from . import progress


def target_vintages(plan: Plan, target: Target, month: Period, scope: Scope) -> list[dict]:
    """How many approved figures of the target's data elements the user may see, this year
    and last, exist in each vintage (自报, 核定, 修订), and when the latest was written."""
    if target.indicator is None:
        return []
    compiled = compiled_indicators(plan.pk, _revision(plan))
    elements = _elements(compiled, target.indicator.code)
    rows = (
        Value.objects.filter(
            region_filter(scope, "submission__region"),
            submission__data_set__plan=plan,
            submission__status=Status.APPROVED,
            element__code__in=elements,
            submission__period__gte=str(month.year - 1),
            submission__period__lt=str(month.year + 1),
        )
        .values("vintage")
        .annotate(count=Count("pk"), latest=Max("updated_at"))
    )
    labels = dict(Vintage.choices)
    found = {r["vintage"]: r for r in rows}
    return [
        {"vintage": labels[v], "count": found[v]["count"], "latest": found[v]["latest"]}
        for v in labels
        if v in found
    ]


@dataclass
class Change:
    when: object
    who: str
    what: str
    old: str
    new: str
    why: str


def target_history(plan: Plan, target: Target) -> list[Change]:
    """Loads of the plan file that changed the target, and adjustments of it or its shares."""
    changes = [
        Change(
            a.changed_at, a.changed_by.get_username(), a.holder or target.region.name,
            "" if a.old_value is None else f"{a.old_value.normalize():f}",
            "" if a.new_value is None else f"{a.new_value.normalize():f}", a.reason,
        )
        for a in TargetAdjustment.objects.filter(target=target).select_related("changed_by")
    ]  # fmt: skip
    actions = {"created": _("载入计划时新增"), "updated": _("载入计划时修改"),
               "deleted": _("载入计划时删除")}  # fmt: skip
    for revision in PlanRevision.objects.filter(plan=plan):
        for change in revision.changes:
            if change.get("object") != "target" or change.get("code") != target.code:
                continue
            fields = change.get("fields") or {}
            action = change.get("action", "")
            changes.append(
                Change(
                    revision.loaded_at, revision.filename.rsplit("/", 1)[-1],
                    str(actions.get(action, action)),
                    "; ".join(f"{_field(k)}: {_listed(v[0])}" for k, v in fields.items()),
                    "; ".join(f"{_field(k)}: {_listed(v[1])}" for k, v in fields.items()),
                    "",
                )
            )  # fmt: skip
    return sorted(changes, key=lambda c: c.when, reverse=True)  # type: ignore[arg-type,return-value]


def _field(name: str) -> str:
    try:
        found = Target._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(found, "verbose_name", name))


def _listed(value: object) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    return "—" if value in (None, "") else str(value)


def city_assessment(plan: Plan, year: int, region: Region, scope: Scope) -> dict | None:
    """The city's result in the year's assessment, when the user may read it: published, or
    the user sees every region (assessors and leaders read it before publication)."""
    if region.level != "city":
        return None
    round_ = Round.objects.filter(plan=plan, year=year).first()
    published = round_ is not None and round_.published_at is not None
    if not published and not scope.sees_everything:
        return {"hidden": True, "year": year}
    state = progress.fingerprint(plan)
    results: list[CityResult] = progress.cached(
        ("assessment", state, year, _scores(round_)), lambda: assess(plan, year)
    )
    mine = next((r for r in results if r.region.code == region.code), None)
    return {"hidden": False, "year": year, "published": published, "row": mine}


def _scores(round_: Round | None) -> tuple:
    if round_ is None:
        return ()
    scores = round_.scores.aggregate(n=Count("pk"), m=Max("updated_at"))
    return (round_.pk, round_.published_at, scores["n"], scores["m"])
