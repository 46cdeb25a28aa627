"""Named reads of the stored results, aggregated by source, enterprise, county and city.

Every function takes the sources or regions the caller may see (from ``quality.access``), so
an aggregate never includes another city's data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import QuerySet

from plantrack.core.monitoring.rates import HourCounts, Rates, rates
from plantrack.core.monitoring.supervisory import Compliance, Sample, compliance
from plantrack.core.nodata import NO_DATA, NoData
from plantrack.monitoring.models import MonitoredSource
from plantrack.regions.models import Region

from .models import CityAirDay, MonthlyRate, SectionMonth, SupervisorySample
from .services import Month, city_of


@dataclass
class RateRow:
    """Counts of a group (a source factor, an outlet, an enterprise, a county or a city)."""

    key: str
    name: str
    region: str = ""
    counts: HourCounts = field(default_factory=lambda: HourCounts(0, 0, 0))
    exceedances: int = 0
    is_demo: bool = False

    @property
    def rates(self) -> Rates:
        return rates(self.counts)


def rates_of(sources: QuerySet[MonitoredSource], month: Month) -> QuerySet[MonthlyRate]:
    return (
        MonthlyRate.objects.filter(source__in=sources, month=str(month))
        .select_related("source", "source__region", "source__region__parent", "source__enterprise")
        .order_by("source__region__code", "source__mn", "pollutant")
    )


def rate_rows(monthly: Iterable[MonthlyRate], level: str) -> list[RateRow]:
    """Group monthly counts by ``level``: 'factor', 'enterprise', 'county' or 'city'."""
    groups: dict[str, RateRow] = {}
    for m in monthly:
        source = m.source
        key, name, region = _group(source, m.pollutant, level)
        row = groups.setdefault(key, RateRow(key, name, region))
        row.counts = row.counts + HourCounts(m.owed, m.received, m.valid, m.excluded)
        row.exceedances += m.exceedances
        row.is_demo = row.is_demo or source.is_demo
    return list(groups.values())


def _group(source: MonitoredSource, pollutant: str, level: str) -> tuple[str, str, str]:
    city = city_of(source.region)
    if level == "factor":
        return f"{source.mn}:{pollutant}", f"{source.name} {pollutant}", source.region.name
    if level == "enterprise":
        if source.enterprise is None:
            return source.mn, source.name, source.region.name
        return source.enterprise.code, source.enterprise.name, source.region.name
    if level == "county":
        return source.region.code, source.region.name, city.name
    return city.code, city.name, city.name


@dataclass
class CityFigures:
    """One city's month: online counts, supervisory compliance, air days, water sections."""

    region: Region
    online: HourCounts = field(default_factory=lambda: HourCounts(0, 0, 0))
    supervisory: Compliance = field(default_factory=lambda: Compliance(0, 0, 0, 0))
    air_days: int = 0
    good_days: int = 0
    sections: int = 0
    sections_compliant: int = 0
    is_demo: bool = False

    @property
    def online_rates(self) -> Rates:
        return rates(self.online)

    @property
    def good_day_share(self) -> Fraction | NoData:
        return Fraction(self.good_days, self.air_days) if self.air_days else NO_DATA

    @property
    def section_share(self) -> Fraction | NoData:
        return Fraction(self.sections_compliant, self.sections) if self.sections else NO_DATA

    def metric(self, name: str) -> int:
        """The counts the publication table maps to data elements."""
        return {
            "online_owed": self.online.owed,
            "online_valid": self.online.valid,
            "supervisory_occasions": self.supervisory.occasions,
            "supervisory_compliant": self.supervisory.occasions_compliant,
            "air_valid_days": self.air_days,
            "air_good_days": self.good_days,
            "sections": self.sections,
            "sections_compliant": self.sections_compliant,
        }[name]


def samples_of(samples: QuerySet[SupervisorySample], month: Month) -> QuerySet[SupervisorySample]:
    return samples.filter(
        sampled_on__gte=month.start.date(), sampled_on__lt=month.end.date()
    ).select_related("enterprise", "enterprise__region", "enterprise__region__parent")


def as_sample(s: SupervisorySample) -> Sample:
    return Sample((s.enterprise_id, s.outlet_code), s.sampled_on, s.pollutant, s.value, s.limit,
                  s.lower_limit)  # fmt: skip


def city_figures(
    cities: Iterable[Region],
    sources: QuerySet[MonitoredSource],
    samples: QuerySet[SupervisorySample],
    month: Month,
) -> list[CityFigures]:
    """Per city the month's figures, from the stored results the caller may see."""
    out = {c.code: CityFigures(c) for c in cities}
    for m in rates_of(sources, month):
        figures = out.get(city_of(m.source.region).code)
        if figures is not None:
            figures.online = figures.online + HourCounts(m.owed, m.received, m.valid, m.excluded)
            figures.is_demo = figures.is_demo or m.source.is_demo
    by_city: dict[str, list[Sample]] = defaultdict(list)
    for s in samples_of(samples, month):
        by_city[city_of(s.enterprise.region).code].append(as_sample(s))
        if s.is_demo and city_of(s.enterprise.region).code in out:
            out[city_of(s.enterprise.region).code].is_demo = True
    for code, items in by_city.items():
        if code in out:
            out[code].supervisory = compliance(items)
    days = CityAirDay.objects.filter(
        region__code__in=list(out),
        day__gte=month.start.date(),
        day__lt=month.end.date(),
        valid=True,
    ).values_list("region__code", "aqi")
    for code, aqi in days:
        out[code].air_days += 1
        out[code].good_days += aqi is not None and aqi <= 100
    sections = SectionMonth.objects.filter(
        source__in=sources, month=str(month), compliant__isnull=False
    ).select_related("source__region__parent", "source")
    for section in sections:
        figures = out.get(city_of(section.source.region).code)
        if figures is not None:
            figures.sections += 1
            figures.sections_compliant += bool(section.compliant)
            figures.is_demo = figures.is_demo or section.source.is_demo
    return list(out.values())
