"""Coverage of the pollution load by online monitoring (target V00-27), from the database.

An enterprise counts as monitored online and networked for a pollutant when its outlets
transmitted that pollutant's hourly data (2061, HJ 212-2017 表9) to this receiver in the window
at a transmission rate (hours with data / hours of the window so far) above
``PLANTRACK_NETWORKED_MIN_RATE`` (default 0: at least one hour). Installing an analyser is not
enough; the plan asks that it be 联网, and transmitting is what shows it. The loads are the
enterprises' annual emissions (``EmissionFigure``) of the latest year up to the window's year
that has figures (环境统计 of a year is published the next year). The shares are computed by
:func:`plantrack.core.monitoring.coverage.coverage`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from plantrack.core.monitoring.coverage import (
    POLLUTANT_CODES,
    Coverage,
    EnterpriseLoad,
    coverage,
)
from plantrack.enterprises.models import EmissionFigure
from plantrack.regions.models import Level, Region

from .models import Record

_BY_CODE = {code: pollutant for pollutant, code in POLLUTANT_CODES.items()}


@dataclass(frozen=True)
class Report:
    """The coverage of one window: per (region code, pollutant) and the enterprise rows."""

    start: dt.datetime
    end: dt.datetime
    base_year: int | None
    province: str
    cells: dict[tuple[str, str], Coverage]
    loads: list[EnterpriseLoad]

    def cell(self, region: str, pollutant: str) -> Coverage | None:
        return self.cells.get((region, pollutant))


def min_rate() -> Fraction:
    return Fraction(str(getattr(settings, "PLANTRACK_NETWORKED_MIN_RATE", "0")))


def base_year(year: int) -> int | None:
    """The latest year up to ``year`` with emission figures."""
    found = EmissionFigure.objects.filter(year__lte=year).aggregate(latest=Max("year"))
    return found["latest"]


def report(start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None) -> Report:
    """Coverage of every city and the province for the window [start, end)."""
    province = Region.objects.filter(level=Level.PROVINCE).values_list("code", flat=True)
    province_code = province.first() or "330000"
    year = base_year(start.year)
    if year is None:
        return Report(start, end, None, province_code, {}, [])
    figures = EmissionFigure.objects.filter(year=year).select_related(
        "enterprise__region", "enterprise__region__parent"
    )
    networked = _networked(start, end, now or timezone.now())
    loads = [
        EnterpriseLoad(
            enterprise=f.enterprise.code,
            region=_city(f.enterprise.region),
            pollutant=f.pollutant,
            amount=f.amount,
            monitored=(f.enterprise_id, f.pollutant) in networked,
        )
        for f in figures
    ]
    return Report(start, end, year, province_code, coverage(loads, province_code), loads)


def _city(region: Region) -> str:
    if region.level == Level.COUNTY and region.parent is not None:
        return region.parent.code
    return region.code


def _networked(start: dt.datetime, end: dt.datetime, now: dt.datetime) -> set[tuple[int, str]]:
    """(enterprise id, pollutant) pairs whose hourly transmission rate is above the minimum."""
    hours = (min(end, now) - start).total_seconds() // 3600
    if hours <= 0:
        return set()
    threshold = min_rate()
    records = Record.objects.filter(
        source__enterprise__isnull=False,
        source__active=True,
        cn="2061",
        time__gte=start,
        time__lt=end,
    )
    out = set()
    for code, pollutant in _BY_CODE.items():
        rows = (
            records.filter(data__has_key=code)
            .values("source__enterprise_id")
            .annotate(hours=Count("time", distinct=True))
        )
        for row in rows:
            if Fraction(row["hours"]) / Fraction(int(hours)) > threshold:
                out.add((row["source__enterprise_id"], pollutant))
    return out


def city_loads(report: Report, city: str) -> dict[str, Decimal]:
    """The equivalent load of ``city`` and its monitored part, as the plan's elements
    (``pollution_load``, ``monitored_pollution_load``), or {} without figures."""
    cell = report.cell(city, "equivalent")
    if cell is None or not cell.total:
        return {}
    return {"pollution_load": cell.total, "monitored_pollution_load": cell.monitored}


def enterprises_by_city(report: Report) -> dict[str, dict[str, list[EnterpriseLoad]]]:
    """Rows of the report per city and enterprise, for the detail table."""
    out: dict[str, dict[str, list[EnterpriseLoad]]] = defaultdict(lambda: defaultdict(list))
    for row in report.loads:
        out[row.region][row.enterprise].append(row)
    return out
