"""Ambient air quality indices: AQI (HJ 633-2012, HJ 633-2026), API (GB 3095-1996 era).

The 2011 plan's air target ("设区城市环境空气质量达到二级标准天数保持在90%以上") was assessed
with the 空气污染指数 (API): a day meets 二级标准 when API ≤ 100. From 2016-01-01 cities report
the 环境空气质量指数 (AQI) of HJ 633-2012, and from 2026-03-01 that of HJ 633-2026; a day is
达标 when AQI ≤ 100. This module computes all three and the share of such days.

Units follow the standards' tables: µg/m³ for every pollutant except CO, in mg/m³.
Numbers are converted to exact fractions before interpolation (floats through their shortest
decimal form), so "进位取整" never rounds a binary-float artefact up to the next integer.
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
    "AQIGrade",
    "AQIResult",
    "APIResult",
    "GOOD_DAYS_TARGET",
    "Averaging",
    "Edition",
    "api_category",
    "api_index",
    "aqi",
    "aqi_grade",
    "attainment_share",
    "iaqi",
    "meets_good_days_target",
]

Averaging = Literal["24h", "1h"]
Edition = Literal["2012", "2026"]
Number = int | float | Decimal

POLLUTANTS = ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3_1h", "O3_8h")

# HJ 633-2012 表1, first column (空气质量分指数); HJ 633-2026 表3 keeps it.
IAQI_SCALE = (0, 50, 100, 150, 200, 300, 400, 500)

# HJ 633-2012 表1: concentration limits at each IAQI_SCALE step (µg/m³; CO mg/m³).
# SO2 1h stops at 800 (表1 注2) and O3 8h at 800 (表1 注3): above them no IAQI is computed.
BREAKPOINTS_2012: Mapping[str, tuple[int, ...]] = {
    "SO2_24h": (0, 50, 150, 475, 800, 1600, 2100, 2620),
    "SO2_1h": (0, 150, 500, 650, 800),
    "NO2_24h": (0, 40, 80, 180, 280, 565, 750, 940),
    "NO2_1h": (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    "PM10_24h": (0, 50, 150, 250, 350, 420, 500, 600),
    "CO_24h": (0, 2, 4, 14, 24, 36, 48, 60),
    "CO_1h": (0, 5, 10, 35, 60, 90, 120, 150),
    "O3_1h": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "O3_8h": (0, 100, 160, 215, 265, 800),
    "PM2.5_24h": (0, 35, 75, 115, 150, 250, 350, 500),
}

# HJ 633-2026 表3: as 2012 except the IAQI-100 limits of PM10 (120, was 150) and PM2.5
# (60, was 75).
BREAKPOINTS_2026: Mapping[str, tuple[int, ...]] = {
    **BREAKPOINTS_2012,
    "PM10_24h": (0, 50, 120, 250, 350, 420, 500, 600),
    "PM2.5_24h": (0, 35, 60, 115, 150, 250, 350, 500),
}

_BREAKPOINTS: Mapping[Edition, Mapping[str, tuple[int, ...]]] = {
    "2012": BREAKPOINTS_2012,
    "2026": BREAKPOINTS_2026,
}

# Indicators of each report. HJ 633-2012 §5.1.2 (daily: 7) and §5.1.3 (real-time); HJ 633-2026
# daily = 6 (O3 daily max 8 h only), real-time = 6 one-hour means (O3 1 h only).
_INDICATORS: Mapping[tuple[Edition, Averaging], tuple[str, ...]] = {
    ("2012", "24h"): POLLUTANTS,
    ("2012", "1h"): POLLUTANTS,
    ("2026", "24h"): ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3_8h"),
    ("2026", "1h"): ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3_1h"),
}

# HJ 633-2012 表1 注2: in the real-time report, SO2 1 h > 800 takes its IAQI from the 24-hour
# mean, passed under this key.
SO2_24H_FALLBACK = "SO2_24h"


@dataclass(frozen=True)
class AQIGrade:
    """A level of HJ 633-2012 表2: 一级 (优) … 六级 (严重污染), with its colour."""

    level: int
    name: str
    category: str
    colour: str
    rgb: tuple[int, int, int]


# HJ 633-2012 表2 (upper AQI bound of the level, level, category, colour, RGB). HJ 633-2026 is
# used with the same levels: the reference records no change to 表2.
_GRADES: tuple[tuple[int | None, AQIGrade], ...] = (
    (50, AQIGrade(1, "一级", "优", "绿", (0, 228, 0))),
    (100, AQIGrade(2, "二级", "良", "黄", (255, 255, 0))),
    (150, AQIGrade(3, "三级", "轻度污染", "橙", (255, 126, 0))),
    (200, AQIGrade(4, "四级", "中度污染", "红", (255, 0, 0))),
    (300, AQIGrade(5, "五级", "重度污染", "紫", (153, 0, 76))),
    (None, AQIGrade(6, "六级", "严重污染", "褐红", (126, 0, 35))),
)


@dataclass(frozen=True)
class AQIResult:
    """The AQI of one report, with everything HJ 633 asks to publish alongside it.

    ``aqi`` is None when no IAQI could be computed (every indicator missing) or, under
    HJ 633-2026 §5.3.1, when an indicator is missing and the others give AQI ≤ 100.
    ``above_scale`` names the pollutants above the top of the breakpoint table (their IAQI is
    held at 500); ``missing`` names the report's indicators that had no value.
    """

    aqi: int | None
    iaqi: dict[str, int]
    primary_pollutants: tuple[str, ...]
    grade: AQIGrade | None
    exceeding_pollutants: tuple[str, ...]
    edition: Edition
    averaging: Averaging = "24h"
    above_scale: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


def aqi_grade(value: int) -> AQIGrade:
    """Return the HJ 633-2012 表2 level (一级 … 六级) of an AQI value."""
    if value < 0:
        raise ValueError(f"AQI cannot be negative: {value}")
    for upper, grade in _GRADES:
        if upper is None or value <= upper:
            return grade
    raise AssertionError("unreachable: the last grade is open-ended")


def iaqi(
    pollutant: str,
    concentration: Number | None,
    averaging: Averaging = "24h",
    edition: Edition = "2012",
) -> int | None:
    """Return the IAQI (空气质量分指数) of one pollutant, or None when it is not computed.

    ``pollutant`` is one of 'SO2', 'NO2', 'PM10', 'PM2.5', 'CO', 'O3_1h', 'O3_8h'; with
    ``averaging='1h'`` SO2, NO2 and CO use the 1-hour columns of HJ 633 表1, and PM10/PM2.5 the
    24-hour ones (HJ 633-2012 has no 1-hour PM column; HJ 633-2026 says so explicitly).
    None is returned for a missing concentration and where HJ 633-2012 says not to compute an
    IAQI: SO2 1-hour above 800 µg/m³ (表1 注2) and O3 8-hour above 800 µg/m³ (表1 注3).
    Above the top of 表1 the IAQI is held at 500.
    """
    value, _ = _iaqi(pollutant, concentration, averaging, edition)
    return value


def aqi(
    concentrations: Mapping[str, Number | None | NoData],
    averaging: Averaging = "24h",
    edition: Edition = "2012",
) -> AQIResult:
    """Compute the AQI of a daily (``'24h'``) or real-time (``'1h'``) report, HJ 633 §4–§5.

    Keys are pollutant names (see :func:`iaqi`); None or NO_DATA marks a missing value (shown
    as NA by HJ 633-2012 §5, never as zero). Under HJ 633-2012 a real-time report may add
    ``'SO2_24h'``, used only when the 1-hour SO2 exceeds 800 µg/m³ (表1 注2); when O3 8-hour
    exceeds 800 µg/m³ the O3 IAQI comes from ``'O3_1h'`` (表1 注3).
    """
    _check_edition(edition, averaging)
    indicators = _INDICATORS[(edition, averaging)]
    allowed = set(indicators)
    if edition == "2012" and averaging == "1h":
        allowed.add(SO2_24H_FALLBACK)
    unknown = sorted(set(concentrations) - allowed)
    if unknown:
        raise ValueError(
            f"not an indicator of the HJ 633-{edition} {averaging} report: {', '.join(unknown)}"
        )
    sub_indices: dict[str, int] = {}
    above_scale: list[str] = []
    for pollutant in indicators:
        value, capped = _report_iaqi(pollutant, concentrations, averaging, edition)
        if value is not None:
            sub_indices[pollutant] = value
        if capped:
            above_scale.append(pollutant)
    missing = tuple(p for p in indicators if _missing(concentrations.get(p)))
    return _result(sub_indices, edition, averaging, tuple(above_scale), missing)


def attainment_share(
    days: Iterable[AQIResult | APIResult | int | None | NoData],
) -> Fraction | NoData:
    """Return 达标天数比例: days with AQI (or API) ≤ 100 over days with a valid index.

    A day is valid when it has an index; None, NO_DATA or a result without an index are left
    out of both counts, never counted as failing. With no valid day the share is NO_DATA.
    The formula is the one applied under HJ 663-2013 (优良天数 / 有效监测天数); for API
    days, "达到二级标准" means API ≤ 100.
    """
    valid = 0
    good = 0
    for day in days:
        index = _day_index(day)
        if index is None:
            continue
        valid += 1
        if index <= 100:
            good += 1
    if valid == 0:
        return NO_DATA
    return Fraction(good, valid)


# 浙江省2011年资源节约与环境保护行动计划: "设区城市环境空气质量达到二级标准天数保持在90%以上".
GOOD_DAYS_TARGET = Fraction(9, 10)


def meets_good_days_target(
    share: Fraction | float | Decimal | NoData, target: Fraction = GOOD_DAYS_TARGET
) -> bool | NoData:
    """Tell whether a city's share of 二级标准 days meets the plan target (≥ 90 %).

    "以上" includes the figure itself (民法通则 第155条: 以上、以下…包括本数), so exactly 90 %
    meets the target. A NO_DATA share gives NO_DATA: a city without data has not failed.
    """
    if isinstance(share, NoData):  # the singleton's type: same test as is_no_data, narrows
        return NO_DATA
    return _exact(share) >= target


# -- API (空气污染指数), GB 3095-1996 era -------------------------------------------------------

# 城市空气质量日报 API 分级浓度限值 (GB 3095-1996 era), reproduced in S32 of the reference
# [R-copy]; converted here from mg/m³ to µg/m³ (CO stays mg/m³). API 50/100/200 are the
# GB 3095-1996 grade I/II/III daily limits. The table starts at API 50: the 0 → 50 segment
# interpolating from zero concentration is an assumption [U].
API_SCALE = (0, 50, 100, 200, 300, 400, 500)
API_BREAKPOINTS: Mapping[str, tuple[int, ...]] = {
    "SO2": (0, 50, 150, 800, 1600, 2100, 2620),  # 24-hour mean
    "NO2": (0, 80, 120, 280, 565, 750, 940),  # 24-hour mean
    "PM10": (0, 50, 150, 350, 420, 500, 600),  # 24-hour mean
    "CO": (0, 5, 10, 60, 90, 120, 150),  # 1-hour mean, mg/m³
    "O3_1h": (0, 120, 200, 400, 800, 1000, 1200),  # 1-hour mean
}

# API categories, same source [R-copy]: 0–50 优 … >300 重污染.
_API_CATEGORIES: tuple[tuple[int | None, str], ...] = (
    (50, "优"),
    (100, "良"),
    (150, "轻微污染"),
    (200, "轻度污染"),
    (250, "中度污染"),
    (300, "中度重污染"),
    (None, "重污染"),
)


@dataclass(frozen=True)
class APIResult:
    """A daily API with its sub-indices; ``meets_grade_two`` is the 二级标准 test (API ≤ 100)."""

    api: int | None
    sub_indices: dict[str, int]
    category: str | None
    above_scale: tuple[str, ...] = ()

    @property
    def meets_grade_two(self) -> bool | None:
        """True when API ≤ 100 (达到国家二级标准); None without an API."""
        return None if self.api is None else self.api <= 100


def api_category(value: int) -> str:
    """Return the API category (优, 良, 轻微污染 … 重污染) of an API value."""
    if value < 0:
        raise ValueError(f"API cannot be negative: {value}")
    for upper, name in _API_CATEGORIES:
        if upper is None or value <= upper:
            return name
    raise AssertionError("unreachable: the last category is open-ended")


def api_index(concentrations: Mapping[str, Number | None | NoData]) -> APIResult:
    """Compute the daily 空气污染指数 (API) of the GB 3095-1996 era city daily report.

    Keys: 'SO2', 'NO2', 'PM10' (24-hour means, µg/m³), 'CO' (1-hour mean, mg/m³), 'O3_1h'
    (µg/m³). Sub-indices interpolate linearly between the table's limits, API = max of them.
    Unverified [U]: the rounding rule of the API was not read; sub-indices are rounded up
    like the AQI. The 二级标准 test (API ≤ 100) gives the same answer rounded up or unrounded.
    """
    unknown = sorted(set(concentrations) - set(API_BREAKPOINTS))
    if unknown:
        raise ValueError(f"not an API pollutant: {', '.join(unknown)}")
    sub_indices: dict[str, int] = {}
    above_scale: list[str] = []
    for pollutant, limits in API_BREAKPOINTS.items():
        raw = concentrations.get(pollutant)
        if not _given(raw):
            continue
        value = _interpolate(_exact(_concentration(raw)), limits, API_SCALE)
        if value is None:
            value = API_SCALE[-1]
            above_scale.append(pollutant)
        sub_indices[pollutant] = value
    if not sub_indices:
        return APIResult(None, {}, None)
    top = max(sub_indices.values())
    return APIResult(top, sub_indices, api_category(top), tuple(above_scale))


# -- helpers -----------------------------------------------------------------------------------


def _check_edition(edition: str, averaging: str) -> None:
    if edition not in _BREAKPOINTS:
        raise ValueError(f"unknown HJ 633 edition {edition!r}; use '2012' or '2026'")
    if averaging not in ("24h", "1h"):
        raise ValueError(f"unknown averaging {averaging!r}; use '24h' or '1h'")


def _column(pollutant: str, averaging: Averaging) -> str:
    if pollutant in ("SO2", "NO2", "CO"):
        return f"{pollutant}_{averaging}"
    if pollutant in ("PM10", "PM2.5"):
        # No 1-hour PM column in HJ 633-2012 表1; HJ 633-2026 applies the daily limits.
        return f"{pollutant}_24h"
    if pollutant in ("O3_1h", "O3_8h"):
        return pollutant
    raise ValueError(f"unknown pollutant {pollutant!r}; use one of {', '.join(POLLUTANTS)}")


def _iaqi(
    pollutant: str, concentration: Number | None | NoData, averaging: Averaging, edition: Edition
) -> tuple[int | None, bool]:
    """IAQI and whether it was held at 500 because the concentration is above 表1."""
    _check_edition(edition, averaging)
    column = _column(pollutant, averaging)
    if not _given(concentration):
        return None, False
    value = _concentration(concentration)
    if edition == "2026":
        # HJ 633-2026: concentrations are rounded per GB/T 8170 to integers (CO to one
        # decimal) before the IAQI. GB/T 8170-2008 进舍规则 is read here as round-half-even on
        # the decimal digits (background knowledge, not in the reference).
        step = Decimal("0.1") if pollutant == "CO" else Decimal(1)
        value = value.quantize(step, rounding=ROUND_HALF_EVEN)
    limits = _BREAKPOINTS[edition][column]
    if column in ("SO2_1h", "O3_8h") and value > limits[-1]:
        if edition == "2012":
            return None, False  # HJ 633-2012 表1 注2, 注3: not computed.
        # HJ 633-2026 表3 notes: SO2 1 h > 800 counts as IAQI 200, O3 8 h > 800 as 300.
        return IAQI_SCALE[len(limits) - 1], False
    result = _interpolate(_exact(value), limits, IAQI_SCALE)
    if result is None:
        # Above the top of 表1. HJ 633-2012 gives no rule; its 六级 is open-ended and
        # HJ 633-2026 states the AQI range as 1–500, so the IAQI is held at 500 [D].
        return IAQI_SCALE[-1], True
    return result, False


def _report_iaqi(
    pollutant: str,
    concentrations: Mapping[str, Number | None | NoData],
    averaging: Averaging,
    edition: Edition,
) -> tuple[int | None, bool]:
    raw = concentrations.get(pollutant)
    if (
        pollutant == "SO2"
        and edition == "2012"
        and averaging == "1h"
        and _given(raw)
        and _concentration(raw) > BREAKPOINTS_2012["SO2_1h"][-1]
    ):
        # HJ 633-2012 表1 注2: report the SO2 IAQI from the 24-hour mean instead.
        return _iaqi("SO2", concentrations.get(SO2_24H_FALLBACK), "24h", edition)
    return _iaqi(pollutant, raw, averaging, edition)


def _result(
    sub_indices: dict[str, int],
    edition: Edition,
    averaging: Averaging,
    above_scale: tuple[str, ...],
    missing: tuple[str, ...],
) -> AQIResult:
    exceeding = tuple(p for p, v in sub_indices.items() if v > 100)  # 超标污染物: IAQI > 100
    top = max(sub_indices.values()) if sub_indices else None
    if top is not None and edition == "2026" and missing and top <= 100:
        # HJ 633-2026 §5.3.1: with an indicator missing, the AQI is published only if > 100.
        top = None
    if top is None:
        return AQIResult(
            None, sub_indices, (), None, exceeding, edition, averaging, above_scale, missing
        )
    # HJ 633-2012 §3.3, §4.4.2: primary pollutant(s) only when AQI > 50; ties are all primary.
    primary = tuple(p for p, v in sub_indices.items() if v == top) if top > 50 else ()
    grade = aqi_grade(top)
    return AQIResult(
        top, sub_indices, primary, grade, exceeding, edition, averaging, above_scale, missing
    )


def _interpolate(
    concentration: Fraction, limits: tuple[int, ...], scale: tuple[int, ...]
) -> int | None:
    """HJ 633-2012 公式(1), rounded up (§6.2 "全部进位取整数"); None above the last limit."""
    if concentration < 0:
        raise ValueError(f"a concentration cannot be negative: {float(concentration)}")
    for i in range(1, len(limits)):
        if concentration <= limits[i]:
            lo, hi = limits[i - 1], limits[i]
            value = Fraction(scale[i] - scale[i - 1], hi - lo) * (concentration - lo)
            return math.ceil(value + scale[i - 1])
    return None


def _missing(value: object) -> bool:
    return value is None or is_no_data(value)


def _given(value: object) -> TypeGuard[Number]:
    return not _missing(value)


def _concentration(value: Number) -> Decimal:
    """The decimal a caller meant: floats through their shortest repr (35.1, not 35.0999…)."""
    if isinstance(value, bool):
        raise TypeError("a concentration must be a number, not a bool")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"a concentration must be finite: {value}")
        result = Decimal(repr(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"a concentration must be finite: {value}")
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    else:
        raise TypeError(f"a concentration must be a number: {value!r}")
    if result < 0:
        raise ValueError(f"a concentration cannot be negative: {value}")
    return result


def _exact(value: Number | Fraction) -> Fraction:
    if isinstance(value, Fraction):
        return value
    return Fraction(_concentration(value))


def _day_index(day: AQIResult | APIResult | int | None | NoData) -> int | None:
    if day is None or is_no_data(day):
        return None
    if isinstance(day, AQIResult):
        return day.aqi
    if isinstance(day, APIResult):
        return day.api
    if isinstance(day, bool) or not isinstance(day, int):
        raise TypeError(f"expected an AQIResult, APIResult, int or None, got {day!r}")
    return day
