"""Write the computed figures into reporting, so progress, warnings and assessment read them.

The declared table :data:`PUBLISHED_ELEMENTS` maps the plan's data elements (by code, as the
plan file declares them) to computed counts. Elements a plan does not declare are skipped; a
plan that names them differently needs only another table.

Interpretation [D] of 污染源在线监测上传数据符合率 (no definition was found, reference §2.3):
上传数据条数 = hourly records owed by the assessed outlet factors (应传输), 符合条数 = valid
records received, so the indicator pct(符合, 上传) is the pooled 数据传输有效率 (传输率 × 有效率)
of the city's outlets.

How a value is written depends on the unit's submission (one per city and period):
- draft or returned: as the self-reported value (``save_values``, channel ``monitoring``),
  for the city to complete, submit and have approved like any report;
- approved: as the verified vintage (``record_vintage`` 核定数), which progress reads over
  the self-reported one;
- submitted (in approval): left alone, so an approver never sees figures change under them.
A city without data for a pair (no outlet, no sample, no valid air day, no classed section)
gets nothing written for it: zero would overwrite what it reported by hand.

The pollution load covered by online monitoring (V00-27: ``pollution_load`` and
``monitored_pollution_load``, 等标污染负荷) comes from ``monitoring.coverage``: the city's
enterprises' 环境统计 emissions, and the part of those whose outlets transmitted in the report
period to date. A city without emission figures keeps what it reports by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from plantrack.core.periods import Period
from plantrack.monitoring.models import MonitoredSource
from plantrack.plans.models import Plan
from plantrack.regions.models import Level, Region
from plantrack.reporting import actions
from plantrack.reporting.models import DataSet, Status, Submission, Vintage

from .models import Publication, SupervisorySample
from .services import Month

CHANNEL = "monitoring"


@dataclass(frozen=True)
class Published:
    """A computed count for a data element: summed over the report period's months (``flow``)
    or taken from its last month; ``group`` must have data for it to be written."""

    metric: str
    flow: bool
    group: str


PUBLISHED_ELEMENTS: dict[str, Published] = {
    "online_data_uploaded": Published("online_owed", True, "online"),
    "online_data_conforming": Published("online_valid", True, "online"),
    "key_source_tests": Published("supervisory_occasions", True, "supervisory"),
    "key_source_tests_compliant": Published("supervisory_compliant", True, "supervisory"),
    "air_monitored_days": Published("air_valid_days", True, "air"),
    "good_air_days": Published("air_good_days", True, "air"),
    "function_zone_sections": Published("sections", False, "water"),
    "function_zone_sections_compliant": Published("sections_compliant", False, "water"),
    "pollution_load": Published("pollution_load", False, "load"),
    "monitored_pollution_load": Published("monitored_pollution_load", False, "load"),
}

# The count that says a group has data (its denominator).
_PRESENCE = {
    "online": "online_owed",
    "supervisory": "supervisory_occasions",
    "air": "air_valid_days",
    "water": "sections",
}


def period_of(frequency: str, month: Month) -> Period:
    if frequency == "month":
        return Period(month.year, month=month.month)
    if frequency == "quarter":
        return Period(month.year, quarter=(month.month - 1) // 3 + 1)
    if frequency == "half":
        return Period(month.year, half=1 if month.month <= 6 else 2)
    return Period(month.year)


def months_to_date(period: Period, month: Month) -> list[Month]:
    """The months of ``period`` from its first up to ``month`` (period to date)."""
    first = {"month": month.month, "quarter": 0, "half": 0, "year": 1}[period.frequency]
    if period.frequency == "quarter":
        first = (month.month - 1) // 3 * 3 + 1
    if period.frequency == "half":
        first = 1 if month.month <= 6 else 7
    return [Month(month.year, m) for m in range(first, month.month + 1)]


def values_for(
    city: Region, months: list[Month], elements: Iterable[str], cache: dict[Any, Any] | None = None
) -> dict[str, str]:
    """The element values of one city over the months (the last month is ``months[-1]``).
    ``cache`` keeps the load coverage of a window across the cities of one publication."""
    from .queries import city_figures

    elements = list(elements)
    loads = [code for code in elements if PUBLISHED_ELEMENTS[code].group == "load"]
    out = _load_values(city, months, loads, {} if cache is None else cache) if loads else {}
    elements = [code for code in elements if code not in loads]
    if not elements:
        return out
    sources = MonitoredSource.objects.all()
    samples = SupervisorySample.objects.all()
    per_month = [city_figures([city], sources, samples, m)[0] for m in months]
    for code in elements:
        spec = PUBLISHED_ELEMENTS[code]
        if spec.flow:
            present = sum(f.metric(_PRESENCE[spec.group]) for f in per_month)
            value = sum(f.metric(spec.metric) for f in per_month)
        else:
            present = per_month[-1].metric(_PRESENCE[spec.group])
            value = per_month[-1].metric(spec.metric)
        if present:
            out[code] = str(value)
    return out


def _load_values(
    city: Region, months: list[Month], codes: list[str], cache: dict[Any, Any]
) -> dict[str, str]:
    from plantrack.monitoring.coverage import city_loads, report

    window = (months[0].start, months[-1].end)
    if window not in cache:
        cache[window] = report(*window)
    figures = city_loads(cache[window], city.code)
    return {
        code: f"{figures[code].quantize(Decimal('0.0001')):f}" for code in codes if code in figures
    }


@dataclass
class Outcome:
    city: str
    data_set: str
    period: str
    action: str  # reported / verified / unchanged / skipped / invalid
    elements: dict[str, str]
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "city": self.city,
            "data_set": self.data_set,
            "period": self.period,
            "action": self.action,
            "elements": self.elements,
            "note": self.note,
        }


def _targets(plan: Plan) -> list[tuple[DataSet, list[str]]]:
    out = []
    for data_set in plan.data_sets.filter(
        fields__element__code__in=list(PUBLISHED_ELEMENTS)
    ).distinct():
        codes = [
            f.element.code
            for f in data_set.fields.select_related("element")
            if f.element.code in PUBLISHED_ELEMENTS
        ]
        out.append((data_set, codes))
    return out


def _write(submission: Submission, user: User, values: dict[str, str], reason: str) -> str:
    if submission.status in (Status.DRAFT, Status.RETURNED):
        saved = actions.save_values(
            submission, user, values, version=submission.version, reason=reason, channel=CHANNEL
        )
        return "reported" if saved.changed else "unchanged"
    if submission.status == Status.APPROVED:
        recorded = actions.record_vintage(
            submission, user, Vintage.VERIFIED, values, reason, channel=CHANNEL
        )
        return "verified" if recorded.changed else "unchanged"
    return "skipped"


@transaction.atomic
def publish(plan: Plan, month: Month, user: User) -> Publication:
    """Write the month's computed figures for every city into the plan's data sets."""
    outcomes: list[Outcome] = []
    reason = f"在线监测自动计算（{month}，PlanTrack 监测指标）"
    for data_set, codes in _targets(plan):
        period = period_of(data_set.frequency, month)
        if data_set.reporter_kind != "region" or data_set.reporter_level != Level.CITY:
            outcomes.append(Outcome("", data_set.code, str(period), "skipped", {},
                                    "该报表不由设区市填报，未写入"))  # fmt: skip
            continue
        months = months_to_date(period, month)
        submissions = {s.region_id: s for s in actions.open_period(data_set, period)}
        cache: dict[Any, Any] = {}
        for city in Region.objects.filter(pk__in=list(submissions)).order_by("code"):
            values = values_for(city, months, codes, cache)
            outcome = Outcome(city.name, data_set.code, str(period), "skipped", values)
            if not values:
                outcome.note = "无监测数据"
            else:
                try:
                    outcome.action = _write(submissions[city.pk], user, values, reason)
                except (actions.Invalid, actions.WorkflowError, actions.Conflict) as error:
                    outcome.action, outcome.note = "invalid", str(error)
                if outcome.action == "skipped":
                    outcome.note = "填报审核中，未改动"
            outcomes.append(outcome)
    return Publication.objects.create(
        plan=plan, month=str(month), published_by=user, outcome=[o.as_dict() for o in outcomes]
    )
