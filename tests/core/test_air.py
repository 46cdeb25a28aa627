"""AQI (HJ 633-2012, HJ 633-2026), API and 达标天数比例, against the standards' tables.

The tables are written out here from /work/shared/reference/env-monitoring.md §3, not
imported from the module, so a typo in either place fails a test.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plantrack.core.air import (
    APIResult,
    api_category,
    api_index,
    aqi,
    aqi_grade,
    attainment_share,
    iaqi,
    meets_good_days_target,
)
from plantrack.core.nodata import NO_DATA, is_no_data

IAQI_LEVELS = (0, 50, 100, 150, 200, 300, 400, 500)

# HJ 633-2012 表1, column by column: (pollutant, averaging, limits at IAQI_LEVELS).
TABLE_1_2012 = [
    ("SO2", "24h", (0, 50, 150, 475, 800, 1600, 2100, 2620)),
    ("SO2", "1h", (0, 150, 500, 650, 800)),
    ("NO2", "24h", (0, 40, 80, 180, 280, 565, 750, 940)),
    ("NO2", "1h", (0, 100, 200, 700, 1200, 2340, 3090, 3840)),
    ("PM10", "24h", (0, 50, 150, 250, 350, 420, 500, 600)),
    ("CO", "24h", (0, 2, 4, 14, 24, 36, 48, 60)),
    ("CO", "1h", (0, 5, 10, 35, 60, 90, 120, 150)),
    ("O3_1h", "24h", (0, 160, 200, 300, 400, 800, 1000, 1200)),
    ("O3_8h", "24h", (0, 100, 160, 215, 265, 800)),
    ("PM2.5", "24h", (0, 35, 75, 115, 150, 250, 350, 500)),
]

# HJ 633-2026 表3: PM10 IAQI-100 limit 120, PM2.5 60; the rest as 2012.
TABLE_3_2026 = [
    ("PM10", "24h", (0, 50, 120, 250, 350, 420, 500, 600)),
    ("PM2.5", "24h", (0, 35, 60, 115, 150, 250, 350, 500)),
    ("SO2", "24h", (0, 50, 150, 475, 800, 1600, 2100, 2620)),
    ("NO2", "24h", (0, 40, 80, 180, 280, 565, 750, 940)),
    ("CO", "24h", (0, 2, 4, 14, 24, 36, 48, 60)),
    ("O3_8h", "24h", (0, 100, 160, 215, 265, 800)),
    ("O3_1h", "1h", (0, 160, 200, 300, 400, 800, 1000, 1200)),
]


def _rows(table: list[tuple[str, str, tuple[int, ...]]]) -> list[tuple[str, str, int, int]]:
    return [
        (pollutant, averaging, limit, level)
        for pollutant, averaging, limits in table
        for limit, level in zip(limits, IAQI_LEVELS, strict=False)
    ]


@pytest.mark.parametrize(("pollutant", "averaging", "concentration", "level"), _rows(TABLE_1_2012))
def test_iaqi_at_each_table_1_limit_is_the_table_level(pollutant, averaging, concentration, level):
    assert iaqi(pollutant, concentration, averaging, "2012") == level


@pytest.mark.parametrize(("pollutant", "averaging", "concentration", "level"), _rows(TABLE_3_2026))
def test_iaqi_2026_at_each_table_3_limit_is_the_table_level(
    pollutant, averaging, concentration, level
):
    assert iaqi(pollutant, concentration, averaging, "2026") == level


@pytest.mark.parametrize("pollutant", ["PM10", "PM2.5"])
def test_hourly_particulates_use_the_daily_limits(pollutant):
    for edition in ("2012", "2026"):
        assert iaqi(pollutant, 100, "1h", edition) == iaqi(pollutant, 100, "24h", edition)


# HJ 633-2012 表2: (lowest AQI, highest AQI, level, 级别, category, colour, RGB).
TABLE_2 = [
    (0, 50, 1, "一级", "优", "绿", (0, 228, 0)),
    (51, 100, 2, "二级", "良", "黄", (255, 255, 0)),
    (101, 150, 3, "三级", "轻度污染", "橙", (255, 126, 0)),
    (151, 200, 4, "四级", "中度污染", "红", (255, 0, 0)),
    (201, 300, 5, "五级", "重度污染", "紫", (153, 0, 76)),
    (301, 500, 6, "六级", "严重污染", "褐红", (126, 0, 35)),
]


@pytest.mark.parametrize(("low", "high", "level", "name", "category", "colour", "rgb"), TABLE_2)
def test_aqi_grade_matches_table_2_at_both_ends(low, high, level, name, category, colour, rgb):
    for value in (low, high):
        grade = aqi_grade(value)
        assert (grade.level, grade.name, grade.category, grade.colour, grade.rgb) == (
            level,
            name,
            category,
            colour,
            rgb,
        )


def test_worked_daily_example_from_the_reference():
    result = aqi({"PM2.5": 80, "PM10": 120, "SO2": 30, "NO2": 50, "CO": 1.2, "O3_8h": 110})
    assert result.iaqi == {"PM2.5": 107, "PM10": 85, "SO2": 30, "NO2": 63, "CO": 30, "O3_8h": 59}
    assert result.aqi == 107
    assert result.primary_pollutants == ("PM2.5",)
    assert result.grade is not None
    assert (result.grade.name, result.grade.category) == ("三级", "轻度污染")
    assert result.exceeding_pollutants == ("PM2.5",)
    assert result.edition == "2012"


def test_aqi_of_50_has_no_primary_pollutant():
    result = aqi({"PM2.5": 35, "PM10": 50, "SO2": 50, "NO2": 40, "CO": 2, "O3_8h": 100})
    assert result.aqi == 50
    assert result.primary_pollutants == ()
    assert result.exceeding_pollutants == ()


@pytest.mark.parametrize(
    ("pollutant", "concentration", "expected"),
    [
        # Reference §3.1 worked examples and §3.5 cross-check table (HJ 633-2012, ceiling).
        ("PM2.5", 35.1, 51),
        ("PM2.5", 40, 57),
        ("PM2.5", 75.5, 101),
        ("PM2.5", 76, 102),
        ("PM2.5", 35.4, 51),
        ("PM2.5", 116, 152),
        ("CO", 2.5, 63),
        ("CO", 3.4, 85),
        ("SO2", 40, 40),
        ("SO2", 100, 75),
        ("SO2", 150, 100),
        ("SO2", 300, 124),
        ("PM10", 151, 101),
        ("NO2", 60, 75),
        ("O3_8h", 120, 67),
    ],
)
def test_reference_cross_check_values(pollutant, concentration, expected):
    assert iaqi(pollutant, concentration) == expected


def test_rounding_up_does_not_round_a_float_artefact_up():
    # 2.2 mg/m³ CO is exactly IAQI 55; the binary float 2.2000000000000002 must not give 56.
    assert iaqi("CO", 2.2) == 55
    assert iaqi("CO", Decimal("2.2")) == 55


def test_ties_make_every_tied_pollutant_primary():
    result = aqi({"PM2.5": 75, "PM10": 150, "SO2": 10})
    assert result.aqi == 100
    assert result.primary_pollutants == ("PM10", "PM2.5")
    assert result.exceeding_pollutants == ()


def test_so2_hourly_above_800_is_not_computed_in_2012():
    assert iaqi("SO2", 800, "1h") == 200
    assert iaqi("SO2", 801, "1h") is None


def test_so2_hourly_above_800_reports_the_24_hour_iaqi_in_2012():
    result = aqi({"SO2": 900, "SO2_24h": 100, "PM2.5": 30}, averaging="1h")
    assert result.iaqi["SO2"] == 75
    assert result.aqi == 75


def test_so2_hourly_above_800_without_a_24_hour_mean_has_no_so2_iaqi():
    result = aqi({"SO2": 900, "PM2.5": 30}, averaging="1h")
    assert "SO2" not in result.iaqi
    assert result.aqi == iaqi("PM2.5", 30)


def test_so2_24h_fallback_is_only_for_the_2012_hourly_report():
    with pytest.raises(ValueError):
        aqi({"SO2": 900, "SO2_24h": 100})
    with pytest.raises(ValueError):
        aqi({"SO2": 900, "SO2_24h": 100}, averaging="1h", edition="2026")


def test_o3_8h_above_800_uses_the_o3_1h_iaqi_in_2012():
    assert iaqi("O3_8h", 801) is None
    result = aqi({"O3_8h": 900, "O3_1h": 300})
    assert "O3_8h" not in result.iaqi
    assert result.iaqi["O3_1h"] == 150
    assert result.aqi == 150
    assert result.primary_pollutants == ("O3_1h",)


def test_2026_notes_count_so2_above_800_as_200_and_o3_8h_above_800_as_300():
    assert iaqi("SO2", 801, "1h", "2026") == 200
    assert iaqi("SO2", 5000, "1h", "2026") == 200
    assert iaqi("O3_8h", 801, "24h", "2026") == 300


def test_above_the_top_of_table_1_the_iaqi_is_held_at_500_and_flagged():
    assert iaqi("PM2.5", 600) == 500
    result = aqi({"PM2.5": 600, "PM10": 100})
    assert result.aqi == 500
    assert result.above_scale == ("PM2.5",)
    assert result.grade is not None and result.grade.level == 6


def test_missing_values_are_na_not_zero():
    result = aqi({"PM2.5": 80, "PM10": None, "SO2": NO_DATA})
    assert set(result.iaqi) == {"PM2.5"}
    assert "PM10" in result.missing and "SO2" in result.missing
    assert result.aqi == 107


def test_all_missing_gives_no_aqi():
    result = aqi({"PM2.5": None})
    assert result.aqi is None
    assert result.grade is None
    assert result.primary_pollutants == ()


def test_2026_publishes_an_incomplete_aqi_only_above_100():
    low = aqi({"PM2.5": 40}, edition="2026")
    assert low.iaqi == {"PM2.5": 60}
    assert low.aqi is None
    high = aqi({"PM2.5": 80}, edition="2026")
    assert high.aqi == 119  # 100 + 50 × 20/55 = 118.18 → 119
    complete = aqi(
        {"PM2.5": 40, "PM10": 40, "SO2": 10, "NO2": 10, "CO": 0.5, "O3_8h": 50}, edition="2026"
    )
    assert complete.aqi == 60


def test_2026_rounds_concentrations_half_even_before_the_iaqi():
    assert iaqi("CO", Decimal("2.25"), edition="2026") == 55  # 2.25 → 2.2
    assert iaqi("CO", Decimal("2.25"), edition="2012") == 57  # 56.25 → 57
    assert iaqi("PM2.5", Decimal("36.5"), edition="2026") == 52  # 36.5 → 36: 50 + 50/25
    assert iaqi("PM2.5", Decimal("35.5"), edition="2026") == 52  # 35.5 → 36


def test_2026_reports_have_six_indicators():
    with pytest.raises(ValueError):
        aqi({"O3_1h": 100}, edition="2026")
    with pytest.raises(ValueError):
        aqi({"O3_8h": 100}, averaging="1h", edition="2026")


@pytest.mark.parametrize(
    "bad",
    [{"PM25": 1}, {"PM2.5": -1}, {"PM2.5": float("nan")}, {"PM2.5": Decimal("Infinity")}],
)
def test_invalid_input_raises(bad):
    with pytest.raises(ValueError):
        aqi(bad)


def test_a_negative_concentration_is_rejected_before_2026_rounding():
    with pytest.raises(ValueError):
        iaqi("PM2.5", -0.4, edition="2026")


def test_bool_is_not_a_concentration():
    with pytest.raises(TypeError):
        iaqi("PM2.5", True)  # type: ignore[arg-type]


def test_unknown_edition_raises():
    with pytest.raises(ValueError):
        iaqi("PM2.5", 10, edition="2016")  # type: ignore[arg-type]


# -- 达标天数比例 ------------------------------------------------------------------------------


def test_attainment_share_matches_the_published_county_bulletin():
    # Reference §3.4: 91 valid days, 51 优 + 35 良 = 86 → 优良率 94.5 %.
    days = [30] * 51 + [80] * 35 + [120] * 5
    share = attainment_share(days)
    assert share == Fraction(86, 91)
    assert round(float(share) * 100, 1) == 94.5


def test_attainment_share_leaves_out_invalid_days():
    days = [aqi({"PM2.5": 80}), aqi({"PM2.5": 40}), None, NO_DATA, aqi({"PM2.5": None}), 100]
    assert attainment_share(days) == Fraction(2, 3)


def test_attainment_share_without_valid_days_is_no_data():
    assert is_no_data(attainment_share([None, NO_DATA]))
    assert is_no_data(attainment_share([]))


def test_attainment_share_counts_api_days_at_or_below_100():
    days = [api_index({"PM10": 150}), api_index({"PM10": 151}), api_index({})]
    assert attainment_share(days) == Fraction(1, 2)


@pytest.mark.parametrize(
    ("share", "expected"),
    [(Fraction(9, 10), True), (0.9, True), (Fraction(329, 365), True), (Fraction(328, 365), False)],
)
def test_good_days_target_is_90_percent_inclusive(share, expected):
    assert meets_good_days_target(share) is expected


def test_good_days_target_without_data_is_no_data():
    assert is_no_data(meets_good_days_target(NO_DATA))


# -- API (GB 3095-1996 era) --------------------------------------------------------------------

# City daily report API table (mg/m³ in the reference; µg/m³ here, CO mg/m³).
API_TABLE = [
    ("SO2", (50, 150, 800, 1600, 2100, 2620)),
    ("NO2", (80, 120, 280, 565, 750, 940)),
    ("PM10", (50, 150, 350, 420, 500, 600)),
    ("CO", (5, 10, 60, 90, 120, 150)),
    ("O3_1h", (120, 200, 400, 800, 1000, 1200)),
]
API_LEVELS = (50, 100, 200, 300, 400, 500)


@pytest.mark.parametrize(
    ("pollutant", "concentration", "level"),
    [(p, c, level) for p, limits in API_TABLE for c, level in zip(limits, API_LEVELS, strict=True)],
)
def test_api_at_each_table_limit_is_the_table_level(pollutant, concentration, level):
    result = api_index({pollutant: concentration})
    assert result.sub_indices == {pollutant: level}
    assert result.api == level


@pytest.mark.parametrize(
    ("low", "high", "category"),
    [
        (0, 50, "优"),
        (51, 100, "良"),
        (101, 150, "轻微污染"),
        (151, 200, "轻度污染"),
        (201, 250, "中度污染"),
        (251, 300, "中度重污染"),
        (301, 500, "重污染"),
    ],
)
def test_api_categories_match_the_table(low, high, category):
    assert api_category(low) == api_category(high) == category


def test_api_grade_two_is_api_at_most_100():
    assert api_index({"PM10": 150, "SO2": 100}).meets_grade_two is True
    result = api_index({"PM10": 150.5})
    assert result.api == 101
    assert result.meets_grade_two is False
    assert APIResult(None, {}, None).meets_grade_two is None


def test_api_interpolates_between_limits():
    # PM10 100 µg/m³: 50 + 50 × (100 − 50)/(150 − 50) = 75.
    assert api_index({"PM10": 100, "NO2": 100}).sub_indices == {"NO2": 75, "PM10": 75}


def test_api_rejects_aqi_only_pollutants():
    with pytest.raises(ValueError):
        api_index({"PM2.5": 30})


# -- properties --------------------------------------------------------------------------------

_TOPS = {"SO2": 2620, "NO2": 3840, "PM10": 600, "PM2.5": 500, "CO": 150, "O3_1h": 1200}


def _upper(pollutant: str, edition: str) -> float:
    # The 2012 notes switch SO2 1 h and O3 8 h above 800 to another indicator: the index is
    # deliberately not monotone across that switch, so the properties stay below it there.
    if edition == "2012" and pollutant in ("SO2", "O3_8h"):
        return 800
    return _TOPS.get(pollutant, 1000) * 1.2


concentration_pairs = st.tuples(
    st.floats(min_value=0, max_value=1, allow_nan=False),
    st.floats(min_value=0, max_value=1, allow_nan=False),
).map(sorted)


@given(
    pollutant=st.sampled_from(["SO2", "NO2", "PM10", "PM2.5", "CO", "O3_1h", "O3_8h"]),
    averaging=st.sampled_from(["24h", "1h"]),
    edition=st.sampled_from(["2012", "2026"]),
    pair=concentration_pairs,
)
def test_iaqi_is_monotone_in_concentration(pollutant, averaging, edition, pair):
    top = _upper(pollutant, edition)
    low, high = (Decimal(repr(x * top)) for x in pair)
    assert iaqi(pollutant, low, averaging, edition) <= iaqi(pollutant, high, averaging, edition)


@given(
    averaging=st.sampled_from(["24h", "1h"]),
    edition=st.sampled_from(["2012", "2026"]),
    base=st.fixed_dictionaries(
        {p: st.floats(min_value=0, max_value=1) for p in ["SO2", "NO2", "PM10", "PM2.5", "CO"]}
        | {"O3_1h": st.floats(min_value=0, max_value=1), "O3_8h": st.floats(0, 1)}
    ),
    pollutant=st.sampled_from(["SO2", "NO2", "PM10", "PM2.5", "CO", "O3_1h", "O3_8h"]),
    pair=concentration_pairs,
)
def test_aqi_is_monotone_in_each_concentration(averaging, edition, base, pollutant, pair):
    # HJ 633-2026 reports have one O3 indicator each: drop the other one.
    dropped = {"2012": None, "2026": {"24h": "O3_1h", "1h": "O3_8h"}[averaging]}[edition]
    if pollutant == dropped:
        return
    values = {p: x * _upper(p, edition) for p, x in base.items() if p != dropped}
    low, high = dict(values), dict(values)
    low[pollutant] = pair[0] * _upper(pollutant, edition)
    high[pollutant] = pair[1] * _upper(pollutant, edition)
    low_aqi = aqi(low, averaging, edition).aqi
    high_aqi = aqi(high, averaging, edition).aqi
    assert low_aqi is not None and high_aqi is not None
    assert low_aqi <= high_aqi
