"""Daily AQI of air stations and cities from hourly concentrations, and the good-day share.

- Daily report (HJ 633-2012 §5.1.2): 24-hour means of SO2, NO2, PM10, PM2.5 and CO over the
  calendar day (the 24 hours before midnight), the day's maximum 1-hour O3 and its maximum
  8-hour sliding mean of O3; IAQI and AQI by :func:`plantrack.core.air.aqi` (HJ 633-2012 表1,
  公式(1)(2), rounded up per §6.2).
- Hourly records are stamped with the start of their hour (HJ 212-2017 DataTime of 2061), so
  the day's hours are those stamped 00:00–23:00 Beijing time.
- Data completeness (GB 3095-2012 §8 数据统计的有效性规定, 表4 — not in the reference, from
  background knowledge [U]; each figure is a parameter): a 24-hour mean needs at least 20
  hourly values; an 8-hour mean at least 6 of its 8 hours; the daily maximum 8-hour mean at
  least 14 valid 8-hour means. The 8-hour windows are those ending between 08:00 and 24:00 of
  the day (GB 3095-2012 3.x 日最大8小时平均 "一个自然日内 8 时至 24 时的所有 8 小时滑动平均
  浓度中的最大值" [U]), i.e. 17 windows starting at 00:00 … 16:00. The daily 1-hour O3
  maximum uses the same 20-hour completeness as the 24-hour means [D].
- A city's concentration for a day is the arithmetic mean over its stations with a valid
  value (HJ 663-2013 城市点位平均 [U]); the city's AQI is computed from those means.
- 达标天数比例 = days with AQI ≤ 100 / valid days (:func:`plantrack.core.air.attainment_share`,
  HJ 663-2013 as applied in S36). A day is valid when every required indicator has a value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from plantrack.core.air import AQIResult, aqi, attainment_share
from plantrack.core.nodata import NoData

__all__ = [
    "DAILY_MEANS",
    "REQUIRED",
    "Completeness",
    "StationDay",
    "city_days",
    "daily",
    "good_day_share",
    "month_days",
]

# Indicators computed as 24-hour means (HJ 633-2012 §5.1.2).
DAILY_MEANS = ("SO2", "NO2", "PM10", "PM2.5", "CO")
# The six basic items of GB 3095-2012 表1 a valid day must have [D].
REQUIRED = ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3_8h")


@dataclass(frozen=True)
class Completeness:
    """Minimum counts of valid values (GB 3095-2012 §8 表4 [U])."""

    hours_per_day: int = 20
    hours_per_8h: int = 6
    windows_per_day: int = 14


@dataclass(frozen=True)
class StationDay:
    """One day of one station (or city): the daily concentrations and their AQI."""

    day: dt.date
    concentrations: dict[str, Decimal | None]
    result: AQIResult
    valid: bool

    @property
    def aqi(self) -> int | None:
        return self.result.aqi if self.valid else None

    @property
    def good(self) -> bool | None:
        """达标 (AQI ≤ 100); None for an invalid day."""
        value = self.aqi
        return None if value is None else value <= 100


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def daily(
    hours: Mapping[str, Mapping[dt.datetime, Decimal]],
    day: dt.date,
    tz: dt.tzinfo,
    completeness: Completeness = Completeness(),
) -> dict[str, Decimal | None]:
    """The day's concentrations from hourly values (keys 'SO2' … 'CO', 'O3' for ozone).

    Returns the 24-hour means, 'O3_1h' (maximum hourly) and 'O3_8h' (maximum 8-hour sliding
    mean), None where completeness is not met. ``hours`` holds only valid hourly values.
    """
    start = dt.datetime(day.year, day.month, day.day, tzinfo=tz)
    stamps = [start + dt.timedelta(hours=h) for h in range(24)]
    out: dict[str, Decimal | None] = {}
    for pollutant in DAILY_MEANS:
        series = hours.get(pollutant, {})
        values = [series[h] for h in stamps if h in series]
        out[pollutant] = _mean(values) if len(values) >= completeness.hours_per_day else None
    ozone = hours.get("O3", {})
    values = [ozone[h] for h in stamps if h in ozone]
    out["O3_1h"] = max(values) if len(values) >= completeness.hours_per_day else None
    windows = []
    for first in range(17):  # windows ending 08:00 … 24:00
        inside = [ozone[h] for h in stamps[first : first + 8] if h in ozone]
        if len(inside) >= completeness.hours_per_8h:
            windows.append(_mean(inside))
    out["O3_8h"] = max(windows) if len(windows) >= completeness.windows_per_day else None
    return out


def _day(
    day: dt.date, concentrations: dict[str, Decimal | None], required: Collection[str]
) -> StationDay:
    result = aqi(concentrations, "24h", "2012")
    valid = result.aqi is not None and all(concentrations.get(p) is not None for p in required)
    return StationDay(day, concentrations, result, valid)


def month_days(
    hours: Mapping[str, Mapping[dt.datetime, Decimal]],
    year: int,
    month: int,
    tz: dt.tzinfo,
    required: Collection[str] = REQUIRED,
    completeness: Completeness = Completeness(),
) -> list[StationDay]:
    """Every day of a month for one station."""
    day = dt.date(year, month, 1)
    days = []
    while day.month == month:
        days.append(_day(day, daily(hours, day, tz, completeness), required))
        day += dt.timedelta(days=1)
    return days


def city_days(
    stations: Iterable[list[StationDay]], required: Collection[str] = REQUIRED
) -> list[StationDay]:
    """A city's days: each indicator averaged over the stations that have it, then the AQI."""
    by_day: dict[dt.date, list[StationDay]] = {}
    for station in stations:
        for item in station:
            by_day.setdefault(item.day, []).append(item)
    out = []
    for day in sorted(by_day):
        means: dict[str, Decimal | None] = {}
        for pollutant in (*DAILY_MEANS, "O3_1h", "O3_8h"):
            values = [
                value for s in by_day[day] if (value := s.concentrations.get(pollutant)) is not None
            ]
            means[pollutant] = _mean(values) if values else None
        out.append(_day(day, means, required))
    return out


def good_day_share(days: Iterable[StationDay]) -> Fraction | NoData:
    """达标天数比例 over the valid days."""
    return attainment_share(d.result for d in days if d.valid)
