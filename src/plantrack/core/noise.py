"""Environmental noise: GB 3096-2008 zone limits and the 区域环境噪声 grades.

A measurement is an equivalent continuous A-weighted level (Leq, dB(A)) for the day (昼间)
or night (夜间) period. A zone exceeds its limit when Leq is above it (GB 3096-2008 表1).
A city's 区域环境噪声 is graded by its mean day-time Leq; the 2011 plan counts the cities
below 55 dB(A) ("区域环境噪声小于55分贝的县以上城市比例大于70%").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Literal, TypeGuard

from plantrack.core.nodata import NO_DATA, NoData, is_no_data

__all__ = [
    "ZONE_LIMITS",
    "NOISE_CITY_TARGET",
    "NoiseGrade",
    "Period",
    "Zone",
    "exceeds",
    "exceeds_night_maximum",
    "limit",
    "meets_noise_city_target",
    "regional_grade",
    "regional_mean",
    "share_of_cities_below",
]

Zone = Literal["0", "1", "2", "3", "4a", "4b"]
Period = Literal["day", "night"]
Number = int | float | Decimal

# GB 3096-2008 表1 环境噪声限值, LAeq dB(A): zone → (昼间, 夜间).
ZONE_LIMITS: Mapping[Zone, tuple[int, int]] = {
    "0": (50, 40),
    "1": (55, 45),
    "2": (60, 50),
    "3": (65, 55),
    "4a": (70, 55),
    "4b": (70, 60),
}

# GB 3096-2008 §5 (表1 notes): the 4b limits apply to railway lines whose EIA was approved from
# 2011-01-01; along existing railway trunk lines through a city the background noise (no train
# passing) is held to 70 / 55 dB(A). Clause number not recorded in the reference [R-copy].
_EXISTING_RAILWAY_LIMITS = (70, 55)

# GB 3096-2008 §5: a sudden night-time noise may exceed the night limit by at most 15 dB(A).
_NIGHT_MAXIMUM_MARGIN = 15


@dataclass(frozen=True)
class NoiseGrade:
    """A grade of city-wide mean Leq; ``verified`` is False where the bands were not read."""

    level: int
    name: str
    method: str
    verified: bool


# Upper bounds (inclusive, dB(A), one decimal) of grades 1–4; above the last is grade 5.
# 中国环境监测总站《声环境质量评价方法技术规定》(2004) §2, 区域环境噪声 (day) [R-copy].
_BANDS_2004 = (Decimal("50.0"), Decimal("55.0"), Decimal("60.0"), Decimal("65.0"))
_NAMES_2004 = ("好", "较好", "轻度污染", "中度污染", "重度污染")
# HJ 640-2012 renamed the grades and added night grades [R-copy, front matter only]. Day bands
# taken as the 2004 ones [D: a 2018 bulletin grades 54.5 as 较好]; night bands 40/45/50/55
# unverified [U: consistent with a 2018 bulletin (46.1 一般) and one public implementation].
_NAMES_HJ640 = ("好", "较好", "一般", "较差", "差")
_NIGHT_BANDS_HJ640 = (Decimal("40.0"), Decimal("45.0"), Decimal("50.0"), Decimal("55.0"))

Method = Literal["HJ 640-2012", "2004"]


def limit(zone: Zone, period: Period, existing_railway: bool = False) -> int:
    """Return the GB 3096-2008 表1 Leq limit, dB(A), of a zone and period.

    ``existing_railway`` applies to 4b zones along railway lines approved before 2011-01-01,
    whose background limits are 70 / 55 dB(A).
    """
    if zone not in ZONE_LIMITS:
        raise ValueError(f"not a GB 3096-2008 zone: {zone!r}; use one of {', '.join(ZONE_LIMITS)}")
    day, night = ZONE_LIMITS[zone]
    if zone == "4b" and existing_railway:
        day, night = _EXISTING_RAILWAY_LIMITS
    if period == "day":
        return day
    if period == "night":
        return night
    raise ValueError(f"unknown period {period!r}; use 'day' or 'night'")


def exceeds(zone: Zone, period: Period, leq: Number, existing_railway: bool = False) -> bool:
    """True when ``leq`` is above the zone's limit (equal to the limit is compliant)."""
    return _decimal(leq) > limit(zone, period, existing_railway)


def exceeds_night_maximum(zone: Zone, lmax: Number, existing_railway: bool = False) -> bool:
    """True when a sudden night noise's maximum level is more than 15 dB(A) over the limit."""
    return _decimal(lmax) > limit(zone, "night", existing_railway) + _NIGHT_MAXIMUM_MARGIN


def regional_mean(point_levels: Iterable[Number | None | NoData]) -> Decimal | NoData:
    """Return a city's 区域环境噪声 mean: the arithmetic mean of its grid points' Leq.

    Unverified [U]: the averaging rule (arithmetic, not energy mean) was not read in HJ 640.
    Missing points are left out; with none the mean is NO_DATA. The value is not rounded.
    """
    values = [_decimal(v) for v in point_levels if _given(v)]
    if not values:
        return NO_DATA
    return sum(values, Decimal(0)) / len(values)


def regional_grade(
    mean_leq: Number, period: Period = "day", method: Method = "HJ 640-2012"
) -> NoiseGrade:
    """Grade a city's mean 区域环境噪声 Leq (levels 1–5).

    The mean is first rounded to 0.1 dB(A), the resolution of the bands (round-half-even,
    GB/T 8170 [U]). ``method='2004'`` uses the 2004 grade names (好 … 重度污染) and has day
    bands only; HJ 640-2012 names are 好/较好/一般/较差/差, and its night bands are unverified.
    """
    value = _decimal(mean_leq).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
    if period not in ("day", "night"):
        raise ValueError(f"unknown period {period!r}; use 'day' or 'night'")
    if method == "2004":
        if period == "night":
            raise ValueError("the 2004 technical rule grades day-time regional noise only")
        return _grade(value, _BANDS_2004, _NAMES_2004, method, verified=True)
    if method == "HJ 640-2012":
        if period == "night":
            return _grade(value, _NIGHT_BANDS_HJ640, _NAMES_HJ640, method, verified=False)
        return _grade(value, _BANDS_2004, _NAMES_HJ640, method, verified=True)
    raise ValueError(f"unknown method {method!r}; use 'HJ 640-2012' or '2004'")


# 浙江省2011年计划: "区域环境噪声小于55分贝的县以上城市比例大于70%".
NOISE_CITY_TARGET = Fraction(7, 10)


def share_of_cities_below(
    levels: Iterable[Number | None | NoData], threshold: Number = 55
) -> Fraction | NoData:
    """Return the share of cities whose regional noise mean is below ``threshold`` dB(A).

    "小于55分贝" is strict: a city at exactly 55.0 is not counted (it is still 较好 by the
    grade bands). Cities without a value are left out of both counts; with none the share is
    NO_DATA.
    """
    bound = _decimal(threshold)
    values = [_decimal(v) for v in levels if _given(v)]
    if not values:
        return NO_DATA
    return Fraction(sum(1 for v in values if v < bound), len(values))


def meets_noise_city_target(
    share: Fraction | float | Decimal | NoData, target: Fraction = NOISE_CITY_TARGET
) -> bool | NoData:
    """True when the share of cities below 55 dB(A) is above the target ("大于70%", strict)."""
    if isinstance(share, NoData):
        return NO_DATA
    value = share if isinstance(share, Fraction) else Fraction(_decimal(share))
    return value > target


def _grade(
    value: Decimal, bands: tuple[Decimal, ...], names: tuple[str, ...], method: str, verified: bool
) -> NoiseGrade:
    for index, upper in enumerate(bands):
        if value <= upper:
            return NoiseGrade(index + 1, names[index], method, verified)
    return NoiseGrade(len(bands) + 1, names[len(bands)], method, verified)


def _given(value: object) -> TypeGuard[Number]:
    return not (value is None or is_no_data(value))


def _decimal(value: Number) -> Decimal:
    """The decimal a caller meant: floats through their shortest repr."""
    if isinstance(value, bool):
        raise TypeError("a level must be a number, not a bool")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"a level must be finite: {value}")
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"a level must be finite: {value}")
        return value
    if isinstance(value, int):
        return Decimal(value)
    raise TypeError(f"a level must be a number: {value!r}")
