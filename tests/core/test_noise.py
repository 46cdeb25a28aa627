"""GB 3096-2008 zone limits, 区域环境噪声 grades and the plan's city share.

Tables are written out here from /work/shared/reference/env-monitoring.md §5.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plantrack.core.nodata import NO_DATA, is_no_data
from plantrack.core.noise import (
    ZONE_LIMITS,
    exceeds,
    exceeds_night_maximum,
    limit,
    meets_noise_city_target,
    regional_grade,
    regional_mean,
    share_of_cities_below,
)

# GB 3096-2008 表1: zone, day, night (LAeq, dB(A)).
TABLE_1 = [
    ("0", 50, 40),
    ("1", 55, 45),
    ("2", 60, 50),
    ("3", 65, 55),
    ("4a", 70, 55),
    ("4b", 70, 60),
]


@pytest.mark.parametrize(("zone", "day", "night"), TABLE_1)
def test_zone_limits_match_table_1(zone, day, night):
    assert ZONE_LIMITS[zone] == (day, night)
    assert limit(zone, "day") == day
    assert limit(zone, "night") == night


@pytest.mark.parametrize(
    ("zone", "period", "value"),
    [(z, "day", d) for z, d, _ in TABLE_1] + [(z, "night", n) for z, _, n in TABLE_1],
)
def test_a_level_equal_to_the_limit_does_not_exceed_it(zone, period, value):
    assert exceeds(zone, period, value) is False
    assert exceeds(zone, period, value + 0.1) is True


def test_existing_railway_background_limits():
    assert limit("4b", "night") == 60
    assert limit("4b", "night", existing_railway=True) == 55
    assert limit("4b", "day", existing_railway=True) == 70
    assert limit("2", "night", existing_railway=True) == 50  # only 4b is affected


def test_night_sudden_noise_may_exceed_the_limit_by_15_db():
    assert exceeds_night_maximum("2", 65) is False
    assert exceeds_night_maximum("2", 65.1) is True


@pytest.mark.parametrize("bad", [("5", "day"), ("4", "day"), ("1", "evening")])
def test_unknown_zone_or_period_raises(bad):
    with pytest.raises(ValueError):
        limit(*bad)


# 声环境质量评价方法技术规定 (2004), 区域环境噪声, day: (lowest, highest, level, name).
GRADES_2004 = [
    ("0", "50.0", 1, "好"),
    ("50.1", "55.0", 2, "较好"),
    ("55.1", "60.0", 3, "轻度污染"),
    ("60.1", "65.0", 4, "中度污染"),
    ("65.1", "90", 5, "重度污染"),
]
HJ640_NAMES = ("好", "较好", "一般", "较差", "差")


@pytest.mark.parametrize(("low", "high", "level", "name"), GRADES_2004)
def test_2004_regional_grades_match_the_table(low, high, level, name):
    for value in (Decimal(low), Decimal(high)):
        grade = regional_grade(value, "day", "2004")
        assert (grade.level, grade.name, grade.verified) == (level, name, True)
        hj640 = regional_grade(value, "day")
        assert (hj640.level, hj640.name) == (level, HJ640_NAMES[level - 1])


def test_means_are_rounded_to_one_decimal_before_grading():
    assert regional_grade(50.04).name == "好"
    assert regional_grade(55.06).name == "一般"


def test_published_city_bulletin_grades():
    # Reference §5.2: a 2018 city bulletin, day 54.5 dB(A) 较好, night 46.1 dB(A) 一般.
    assert regional_grade(54.5, "day").name == "较好"
    night = regional_grade(46.1, "night")
    assert night.name == "一般"
    assert night.verified is False  # HJ 640-2012 night bands not read


def test_2004_rule_has_no_night_grades():
    with pytest.raises(ValueError):
        regional_grade(45, "night", "2004")


def test_regional_mean_is_arithmetic_and_skips_missing_points():
    assert regional_mean([50, 52, 57, None, NO_DATA]) == Decimal(53)
    assert is_no_data(regional_mean([None]))


# -- the plan's city share ---------------------------------------------------------------------


def test_share_of_cities_below_55_is_strict():
    levels = [54.9, 55.0, 53, 56.2, None, NO_DATA]
    assert share_of_cities_below(levels) == Fraction(2, 4)


def test_share_of_cities_without_data_is_no_data():
    assert is_no_data(share_of_cities_below([None, NO_DATA]))


@pytest.mark.parametrize(
    ("share", "expected"), [(Fraction(7, 10), False), (Fraction(71, 100), True), (0.8, True)]
)
def test_noise_city_target_is_above_70_percent(share, expected):
    assert meets_noise_city_target(share) is expected


def test_noise_city_target_without_data_is_no_data():
    assert is_no_data(meets_noise_city_target(NO_DATA))


# -- properties --------------------------------------------------------------------------------

levels = st.decimals(min_value=20, max_value=90, places=2)


@given(zone=st.sampled_from([z for z, *_ in TABLE_1]), pair=st.tuples(levels, levels).map(sorted))
def test_exceeding_is_monotone_in_level(zone, pair):
    for period in ("day", "night"):
        assert exceeds(zone, period, pair[0]) <= exceeds(zone, period, pair[1])


@given(pair=st.tuples(levels, levels).map(sorted), period=st.sampled_from(["day", "night"]))
def test_regional_grade_is_monotone_in_level(pair, period):
    assert regional_grade(pair[0], period).level <= regional_grade(pair[1], period).level
