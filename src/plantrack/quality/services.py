"""Compute a month's figures from stored readings with ``plantrack.core.monitoring``.

Readings are the values of the hourly records (CN 2061) the monitoring app stores, DataTime =
start of the hour, read in Beijing time. Each compute replaces the month's stored results, so it can be run
again at any time (after late data, amendments or a changed limit).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from plantrack.core.hj212 import BEIJING
from plantrack.core.monitoring import airdays, exceedance, rates, sections
from plantrack.core.monitoring.flags import HourStatus, Protocol
from plantrack.monitoring.models import VALUE_FLAGS, MonitoredSource, Record, SourcePollutant
from plantrack.regions.models import Region

from .models import (
    Amendment,
    CityAirDay,
    ExceedanceRecord,
    MonthlyRate,
    SectionMonth,
    StationDay,
)

HOURLY = "2061"
OUTLETS = ("31", "32")
AIR_STATION = "22"
WATER_SECTION = "21"

# HJ 212-2017 表B.2 codes of an air-quality station → HJ 633 indicator names; O3 (a05024) is
# not in 表B.2 but is what station loggers send (reference §1.8, packet V7). Station values are
# taken as µg/m³ (CO mg/m³), the units of HJ 633 表1.
AIR_CODES = {
    "a21026": "SO2",
    "a21004": "NO2",
    "a34002": "PM10",
    "a34004": "PM2.5",
    "a21005": "CO",
    "a05024": "O3",
}


@dataclass(frozen=True)
class Month:
    """A calendar month and its hour bounds in Beijing time."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        try:
            year, month = (int(part) for part in text.split("-"))
            dt.date(year, month, 1)
        except ValueError:
            raise ValueError(f"月份格式应为 YYYY-MM：{text!r}") from None
        return cls(year, month)

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def start(self) -> dt.datetime:
        return dt.datetime(self.year, self.month, 1, tzinfo=BEIJING)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime(self.year + self.month // 12, self.month % 12 + 1, 1, tzinfo=BEIJING)

    @property
    def hours(self) -> list[dt.datetime]:
        return rates.month_hours(self.year, self.month, BEIJING)

    def contains(self, moment: dt.datetime) -> bool:
        return self.start <= moment < self.end


@dataclass
class ComputeResult:
    rates: int = 0
    exceedances: int = 0
    station_days: int = 0
    city_days: int = 0
    sections: int = 0
    notes: list[str] = field(default_factory=list)


def city_of(region: Region) -> Region:
    """The city a source belongs to: its region, or the county's parent."""
    if region.level == "county" and region.parent is not None:
        return region.parent
    return region


def assessed_pollutants(source: MonitoredSource) -> list[SourcePollutant]:
    """The factors an outlet is assessed on (core ASSESSED_POLLUTANTS), else those with a limit."""
    declared = list(source.pollutants.all())
    codes = rates.ASSESSED_POLLUTANTS.get(source.system, ())
    assessed = [p for p in declared if p.code in codes]
    return assessed or [p for p in declared if p.limit is not None]


def amendments_in(source: MonitoredSource, month: Month) -> dict[tuple[str, dt.datetime], str]:
    """The amendment in force (the latest) per (pollutant, hour) of the month."""
    rows = Amendment.objects.filter(
        source=source, hour__gte=month.start, hour__lt=month.end
    ).order_by("amended_at", "pk")
    return {(a.pollutant, a.hour.astimezone(BEIJING)): a.new_status for a in rows}


def hourly_records(
    source: MonitoredSource, month: Month, codes: Iterable[str]
) -> dict[str, dict[dt.datetime, dict[str, tuple[Decimal, str]]]]:
    """pollutant → hour → kind → (value, flag), for the month's hourly records."""
    out: dict[str, dict[dt.datetime, dict[str, tuple[Decimal, str]]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    wanted = set(codes)
    rows = Record.objects.filter(
        source=source, time__gte=month.start, time__lt=month.end, cn=HOURLY
    ).values_list("time", "data")
    for time, data in rows.iterator(2000):
        hour = time.astimezone(BEIJING)
        for pollutant in wanted.intersection(data):
            entry = data[pollutant]
            flag = entry.get("Flag", "")
            kinds = {k: (value, flag) for k, value in entry.items() if k not in VALUE_FLAGS}
            if kinds:
                out[pollutant][hour] = kinds
    return out


def _flag(kinds: dict[str, tuple[Decimal, str]]) -> str:
    # The flag travels with each value kind of the hour; the mean's flag is the hour's.
    for kind in ("Avg", "ZsAvg"):
        if kind in kinds:
            return kinds[kind][1]
    return next(iter(kinds.values()))[1]


def statuses_of(
    source: MonitoredSource,
    pollutant: str,
    month: Month,
    hourly: dict[dt.datetime, dict[str, tuple[Decimal, str]]],
    amended: dict[tuple[str, dt.datetime], str],
) -> tuple[dict[dt.datetime, HourStatus], dict[dt.datetime, HourStatus]]:
    """The hours' statuses from their flags, and after the amendments in force."""
    flags = {hour: _flag(kinds) for hour, kinds in hourly.items()}
    protocol: Protocol = "2005" if source.protocol == "2005" else "2017"
    original = rates.hour_statuses(month.hours, flags, protocol)
    changes = {
        hour: HourStatus(status) for (code, hour), status in amended.items() if code == pollutant
    }
    # An amendment recorded under rules that no longer hold (a missing hour later received) is
    # still applied as far as the core allows it; anything else is left as it was.
    in_force = dict(original)
    for hour, status in changes.items():
        try:
            in_force = rates.amend(in_force, {hour: status})
        except rates.AmendmentError:
            continue
    return original, in_force


@transaction.atomic
def compute_source_pollutant(source: MonitoredSource, pollutant: SourcePollutant, month: Month
                             ) -> tuple[MonthlyRate, int]:  # fmt: skip
    """Recompute one outlet factor's month: its counts and its exceedances."""
    hourly = hourly_records(source, month, [pollutant.code]).get(pollutant.code, {})
    amended = amendments_in(source, month)
    _, statuses = statuses_of(source, pollutant.code, month, hourly, amended)
    counts = rates.count_hours(statuses.values())
    values = [
        exceedance.HourValue(hour, kinds[pollutant.limit_kind][0], kinds[pollutant.limit_kind][1])
        for hour, kinds in hourly.items()
        if pollutant.limit_kind in kinds
    ]
    found = exceedance.exceedances(values, pollutant.limit, statuses)
    ExceedanceRecord.objects.filter(
        source=source, pollutant=pollutant.code, month=str(month)
    ).delete()
    ExceedanceRecord.objects.bulk_create(
        ExceedanceRecord(
            source=source,
            pollutant=pollutant.code,
            month=str(month),
            hour=e.hour,
            kind=pollutant.limit_kind,
            value=e.value,
            limit=e.limit,
            multiple=e.multiple,
            above_range=e.above_range,
        )
        for e in found
    )
    rate, _ = MonthlyRate.objects.update_or_create(
        source=source,
        pollutant=pollutant.code,
        month=str(month),
        defaults={
            "owed": counts.owed,
            "received": counts.received,
            "valid": counts.valid,
            "excluded": counts.excluded,
            "exceedances": len(found),
        },
    )
    return rate, len(found)


def _valid_values(
    source: MonitoredSource, month: Month, codes: Iterable[str]
) -> dict[str, dict[dt.datetime, Decimal]]:
    """Hourly means whose status (after amendments) is valid, by pollutant code."""
    hourly = hourly_records(source, month, codes)
    amended = amendments_in(source, month)
    out: dict[str, dict[dt.datetime, Decimal]] = {}
    for code, hours in hourly.items():
        _, statuses = statuses_of(source, code, month, hours, amended)
        out[code] = {
            hour: kinds["Avg"][0]
            for hour, kinds in hours.items()
            if "Avg" in kinds and statuses.get(hour) == HourStatus.VALID
        }
    return out


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.quantize(Decimal('0.001')).normalize():f}"


@transaction.atomic
def compute_station(source: MonitoredSource, month: Month) -> list[airdays.StationDay]:
    """An air station's days of the month, stored."""
    values = _valid_values(source, month, AIR_CODES)
    hours = {AIR_CODES[code]: series for code, series in values.items()}
    days = airdays.month_days(hours, month.year, month.month, BEIJING)
    StationDay.objects.filter(source=source, day__gte=month.start.date(), day__lt=month.end.date()
                              ).delete()  # fmt: skip
    StationDay.objects.bulk_create(_station_day(source, d) for d in days)
    return days


def _station_day(source: MonitoredSource, day: airdays.StationDay) -> StationDay:
    return StationDay(
        source=source,
        day=day.day,
        concentrations={k: _text(v) for k, v in day.concentrations.items()},
        aqi=day.aqi,
        primary="、".join(day.result.primary_pollutants) if day.valid else "",
        valid=day.valid,
    )


@transaction.atomic
def compute_city_air(region: Region, stations: list[list[airdays.StationDay]], month: Month
                     ) -> list[airdays.StationDay]:  # fmt: skip
    days = airdays.city_days(stations)
    CityAirDay.objects.filter(region=region, day__gte=month.start.date(), day__lt=month.end.date()
                              ).delete()  # fmt: skip
    counts: dict[dt.date, int] = defaultdict(int)
    for station in stations:
        for item in station:
            counts[item.day] += item.result.aqi is not None
    CityAirDay.objects.bulk_create(
        CityAirDay(
            region=region,
            day=d.day,
            concentrations={k: _text(v) for k, v in d.concentrations.items()},
            aqi=d.aqi,
            primary="、".join(d.result.primary_pollutants) if d.valid else "",
            valid=d.valid,
            stations=counts[d.day],
        )
        for d in days
    )
    return days


@transaction.atomic
def compute_section(source: MonitoredSource, month: Month) -> SectionMonth | None:
    """A water section's month; None (and nothing stored) without a declared target class."""
    if source.water_class is None:
        SectionMonth.objects.filter(source=source, month=str(month)).delete()
        return None
    values = _valid_values(source, month, sections.CODE_PARAMETERS)
    result = sections.section_month(
        {code: series.values() for code, series in values.items()},
        sections.target_class(source.water_class),
    )
    record, _ = SectionMonth.objects.update_or_create(
        source=source,
        month=str(month),
        defaults={
            "means": {k: _text(v) for k, v in result.means.items()},
            "water_class": result.water_class or "",
            "target_class": result.target,
            "compliant": result.compliant,
            "exceeding": "、".join(p.name for p in result.result.exceeding_parameters)[:200],
        },
    )
    return record


def compute_month(month: Month, sources: Iterable[MonitoredSource] | None = None) -> ComputeResult:
    """Recompute every active source's figures for the month (or those of ``sources``).

    A city's air days average all of its active stations, so recomputing one station
    recomputes every station of its city.
    """
    result = ComputeResult()
    chosen = MonitoredSource.objects.filter(active=True)
    if sources is not None:
        chosen = MonitoredSource.objects.filter(pk__in=[s.pk for s in sources])
    cities: set[Region] = set()
    for source in chosen.select_related("region", "region__parent").prefetch_related("pollutants"):
        if source.system in OUTLETS:
            for pollutant in assessed_pollutants(source):
                _, found = compute_source_pollutant(source, pollutant, month)
                result.rates += 1
                result.exceedances += found
        elif source.system == AIR_STATION:
            cities.add(city_of(source.region))
        elif source.system == WATER_SECTION:
            if compute_section(source, month) is None:
                result.notes.append(f"{source.name}（{source.mn}）未设定水功能区目标类别，未评价")
            else:
                result.sections += 1
    for city in sorted(cities, key=lambda r: r.code):
        stations = []
        for station in stations_of(city):
            days = compute_station(station, month)
            result.station_days += len(days)
            stations.append(days)
        result.city_days += len(compute_city_air(city, stations, month))
    return result


def stations_of(city: Region) -> list[MonitoredSource]:
    """The active air stations of a city (in the city itself or one of its counties)."""
    return list(
        MonitoredSource.objects.filter(active=True, system=AIR_STATION)
        .filter(Q(region=city) | Q(region__parent=city))
        .order_by("mn")
    )
