"""Daily AQI from hourly data, city good-day share, and water sections by month
(plantrack.core.monitoring.airdays and .sections)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plantrack.core.hj212 import BEIJING
from plantrack.core.monitoring.airdays import (
    Completeness,
    city_days,
    daily,
    good_day_share,
    month_days,
)
from plantrack.core.monitoring.sections import city_share, section_month, target_class
from plantrack.core.nodata import NO_DATA

DAY = dt.date(2011, 9, 1)
HOURS = [dt.datetime(2011, 9, 1, h, tzinfo=BEIJING) for h in range(24)]


def constant(values: dict[str, str], hours: list[dt.datetime] = HOURS) -> dict:
    return {p: {h: Decimal(v) for h in hours} for p, v in values.items()}


# The reference's HJ 633-2012 worked example (§3.1): daily PM2.5 80, PM10 120, SO2 30, NO2 50,
# CO 1.2, O3-8h 110 → IAQI 107, 85, 30, 63, 30, 59, AQI 107, primary PM2.5, 三级 轻度污染.
WORKED = {"PM2.5": "80", "PM10": "120", "SO2": "30", "NO2": "50", "CO": "1.2", "O3": "110"}


def test_hj633_worked_example_from_hourly_values() -> None:
    days = month_days(constant(WORKED), 2011, 9, BEIJING)
    first = days[0]
    assert first.valid
    assert first.aqi == 107
    assert first.result.iaqi == {
        "SO2": 30, "NO2": 63, "PM10": 85, "PM2.5": 107, "CO": 30, "O3_1h": 35, "O3_8h": 59,
    }  # fmt: skip
    assert first.result.primary_pollutants == ("PM2.5",)
    assert first.result.grade is not None and first.result.grade.category == "轻度污染"
    assert first.good is False
    # Only 1 September has data: the other 29 days are not valid, and not counted as failing.
    assert [d.valid for d in days[1:]] == [False] * 29
    assert good_day_share(days) == 0


def test_twenty_hours_make_a_daily_mean_nineteen_do_not() -> None:
    nineteen = constant({"SO2": "40"}, HOURS[:19])
    twenty = constant({"SO2": "40"}, HOURS[:20])
    assert daily(nineteen, DAY, BEIJING)["SO2"] is None
    assert daily(twenty, DAY, BEIJING)["SO2"] == Decimal(40)
    assert daily(nineteen, DAY, BEIJING, Completeness(hours_per_day=18))["SO2"] == 40


def test_ozone_8h_sliding_maximum_over_windows_ending_08_to_24() -> None:
    ozone = {h: Decimal(50) for h in HOURS}
    for h in HOURS[16:24]:  # the last window (16:00–24:00) is the highest
        ozone[h] = Decimal(170)
    out = daily({"O3": ozone}, DAY, BEIJING)
    assert out["O3_8h"] == Decimal(170)
    assert out["O3_1h"] == Decimal(170)
    # Hours of the next day do not enter this day's windows.
    ozone[dt.datetime(2011, 9, 2, 3, tzinfo=BEIJING)] = Decimal(900)
    assert daily({"O3": ozone}, DAY, BEIJING)["O3_8h"] == Decimal(170)


def test_ozone_8h_needs_6_hours_a_window_and_14_windows() -> None:
    # Hours 0–12 only: windows starting 0…7 have ≥ 6 hours (8 windows) — too few.
    ozone = {h: Decimal(80) for h in HOURS[:13]}
    assert daily({"O3": ozone}, DAY, BEIJING)["O3_8h"] is None
    # Missing one hour in three keeps each window at ≥ 5 … check the boundary exactly.
    every_hour_but_two = {h: Decimal(80) for i, h in enumerate(HOURS) if i not in (10, 11)}
    assert daily({"O3": every_hour_but_two}, DAY, BEIJING)["O3_8h"] == Decimal(80)


def test_city_day_averages_stations_then_computes_aqi() -> None:
    a = month_days(constant({**WORKED, "PM2.5": "60"}), 2011, 9, BEIJING)
    b = month_days(constant({**WORKED, "PM2.5": "100"}), 2011, 9, BEIJING)
    city = city_days([a, b])
    assert city[0].concentrations["PM2.5"] == Decimal(80)
    assert city[0].aqi == 107
    # Station a alone is good (PM2.5 60 → IAQI 82), b is not: the city follows the mean.
    assert a[0].good is True and b[0].good is False


def test_good_day_share_of_a_month() -> None:
    good = constant({**WORKED, "PM2.5": "40"})  # PM2.5 IAQI 57, PM10 85 → AQI 85 良
    bad = constant(WORKED, [h + dt.timedelta(days=1) for h in HOURS])  # AQI 107
    hours = {p: {**good[p], **bad[p]} for p in good}
    days = month_days(hours, 2011, 9, BEIJING)
    assert [d.aqi for d in days[:3]] == [85, 107, None]
    assert good_day_share(days) == Fraction(1, 2)
    assert good_day_share(days[2:]) is NO_DATA


@given(st.lists(st.integers(0, 300), min_size=1, max_size=30))
def test_good_day_share_is_a_share(pm25: list[int]) -> None:
    days = []
    for i, value in enumerate(pm25):
        hours = [h + dt.timedelta(days=i) for h in HOURS]
        series = constant({**WORKED, "PM2.5": str(value)}, hours)
        days.append(month_days(series, 2011, 9, BEIJING)[i])
    share = good_day_share(days)
    assert 0 <= share <= 1  # type: ignore[operator]
    assert share == Fraction(sum(1 for d in days if d.aqi is not None and d.aqi <= 100), len(days))


def test_section_month_classes_by_single_factor_means() -> None:
    # CODMn mean 5.0 (III), NH3-N mean (0.4 + 1.2)/2 = 0.8 (III), DO 6.5 (II), TP 0.12 (III).
    values = {
        "w01019": [Decimal(4), Decimal(6)],
        "w21003": [Decimal("0.4"), Decimal("1.2")],
        "w01009": [Decimal("6.5")],
        "w21011": [Decimal("0.12")],
        "w00000": [Decimal(20)],  # flow: not a GB 3838 item, ignored
    }
    month = section_month(values, target_class(3))
    assert month.means["NH3_N"] == Decimal("0.8")
    assert month.water_class == "III"
    assert month.compliant is True
    assert section_month(values, target_class(2)).compliant is False
    mercury = section_month({"w20111": [Decimal("0.08")]}, "III")  # µg/L → 0.00008 mg/L
    assert mercury.means["Hg"] == Decimal("0.00008")
    assert mercury.water_class == "III"


def test_city_share_of_sections_leaves_out_unclassed_ones() -> None:
    good = section_month({"w21003": [Decimal("0.4")]}, "III")
    bad = section_month({"w21003": [Decimal("2.5")]}, "III")
    empty = section_month({}, "III")
    assert bad.water_class == "劣V"
    assert empty.compliant is None
    assert city_share([good, bad, empty]) == Fraction(1, 2)
    assert city_share([empty]) is NO_DATA
    with pytest.raises(ValueError):
        target_class(6)
