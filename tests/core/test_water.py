"""GB 3838-2002 classes, the 2011 single-factor method and compliance rates.

GB 3838-2002 表1 is written out here from /work/shared/reference/env-monitoring.md §4.1 and
checked row by row against the module's behaviour and data.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plantrack.core.nodata import NO_DATA, is_no_data
from plantrack.core.water import (
    EVALUATED_2011,
    PARAMETERS,
    attainment_frequency,
    basin_quality,
    classify,
    function_zone_compliance_rate,
    meets_target,
    parameter_class,
    section_compliance_rate,
    section_rating,
)

CLASSES = ("I", "II", "III", "IV", "V")

# GB 3838-2002 表1, 'max' rows (≤): key, row, name, unit, limits I–V.
TABLE_1_MAX = [
    ("CODMn", 4, "高锰酸盐指数", "mg/L", ("2", "4", "6", "10", "15")),
    ("COD", 5, "化学需氧量", "mg/L", ("15", "15", "20", "30", "40")),
    ("BOD5", 6, "五日生化需氧量", "mg/L", ("3", "3", "4", "6", "10")),
    ("NH3_N", 7, "氨氮", "mg/L", ("0.15", "0.5", "1.0", "1.5", "2.0")),
    ("TP", 8, "总磷（以P计）", "mg/L", ("0.02", "0.1", "0.2", "0.3", "0.4")),
    ("TN", 9, "总氮（湖、库，以N计）", "mg/L", ("0.2", "0.5", "1.0", "1.5", "2.0")),
    ("Cu", 10, "铜", "mg/L", ("0.01", "1.0", "1.0", "1.0", "1.0")),
    ("Zn", 11, "锌", "mg/L", ("0.05", "1.0", "1.0", "2.0", "2.0")),
    ("F", 12, "氟化物（以F⁻计）", "mg/L", ("1.0", "1.0", "1.0", "1.5", "1.5")),
    ("Se", 13, "硒", "mg/L", ("0.01", "0.01", "0.01", "0.02", "0.02")),
    ("As", 14, "砷", "mg/L", ("0.05", "0.05", "0.05", "0.1", "0.1")),
    ("Hg", 15, "汞", "mg/L", ("0.00005", "0.00005", "0.0001", "0.001", "0.001")),
    ("Cd", 16, "镉", "mg/L", ("0.001", "0.005", "0.005", "0.005", "0.01")),
    ("Cr6", 17, "铬（六价）", "mg/L", ("0.01", "0.05", "0.05", "0.05", "0.1")),
    ("Pb", 18, "铅", "mg/L", ("0.01", "0.01", "0.05", "0.05", "0.1")),
    ("CN", 19, "氰化物", "mg/L", ("0.005", "0.05", "0.2", "0.2", "0.2")),
    ("volatile_phenol", 20, "挥发酚", "mg/L", ("0.002", "0.002", "0.005", "0.01", "0.1")),
    ("petroleum", 21, "石油类", "mg/L", ("0.05", "0.05", "0.05", "0.5", "1.0")),
    ("LAS", 22, "阴离子表面活性剂", "mg/L", ("0.2", "0.2", "0.2", "0.3", "0.3")),
    ("sulfide", 23, "硫化物", "mg/L", ("0.05", "0.1", "0.2", "0.5", "1.0")),
    ("fecal_coliform", 24, "粪大肠菌群", "个/L", ("200", "2000", "10000", "20000", "40000")),
]
TP_LAKE = ("0.01", "0.025", "0.05", "0.1", "0.2")  # 表1 row 8, 湖、库
DO_LIMITS = ("7.5", "6", "5", "3", "2")  # 表1 row 3, ≥


def _best_class_at(limits: tuple[str, ...], index: int) -> str:
    # Equal limits in several classes (COD I and II both 15): a value at the limit is the best.
    return CLASSES[limits.index(limits[index])]


@pytest.mark.parametrize(("key", "row", "name", "unit", "limits"), TABLE_1_MAX)
def test_table_1_max_row_matches_the_standard(key, row, name, unit, limits):
    parameter = PARAMETERS[key]
    assert (parameter.number, parameter.name, parameter.unit) == (row, name, unit)
    assert parameter.direction == "max"
    assert parameter.limits == tuple(Decimal(v) for v in limits)


@pytest.mark.parametrize(
    ("key", "limits", "index"),
    [(key, limits, i) for key, _, _, _, limits in TABLE_1_MAX for i in range(5)],
)
def test_value_at_each_table_1_limit_gets_that_class(key, limits, index):
    assert parameter_class(key, Decimal(limits[index])) == _best_class_at(limits, index)
    # The same value written as a float classes the same (no binary rounding over the limit).
    assert parameter_class(key, float(limits[index])) == _best_class_at(limits, index)


@pytest.mark.parametrize(("key", "row", "name", "unit", "limits"), TABLE_1_MAX)
def test_value_just_above_class_v_is_worse_than_v(key, row, name, unit, limits):
    assert parameter_class(key, Decimal(limits[4]) * Decimal("1.0001")) == "劣V"


@pytest.mark.parametrize("index", range(5))
def test_lake_total_phosphorus_uses_the_lake_limits(index):
    assert PARAMETERS["TP"].lake_limits == tuple(Decimal(v) for v in TP_LAKE)
    assert parameter_class("TP", Decimal(TP_LAKE[index]), "lake") == CLASSES[index]


def test_lake_and_river_tp_differ():
    assert parameter_class("TP", 0.03, "river") == "II"
    assert parameter_class("TP", 0.03, "lake") == "III"


@pytest.mark.parametrize("index", range(5))
def test_dissolved_oxygen_at_each_limit_gets_that_class(index):
    assert PARAMETERS["DO"].limits == tuple(Decimal(v) for v in DO_LIMITS)
    assert PARAMETERS["DO"].direction == "min"
    assert parameter_class("DO", Decimal(DO_LIMITS[index])) == CLASSES[index]


def test_dissolved_oxygen_below_class_v_is_worse_than_v():
    assert parameter_class("DO", 1.99) == "劣V"


def test_dissolved_oxygen_class_i_also_by_90_percent_saturation():
    assert parameter_class("DO", 7.0) == "II"
    assert parameter_class("DO", 7.0, do_saturation=90) == "I"
    assert parameter_class("DO", 7.0, do_saturation=89.9) == "II"


@pytest.mark.parametrize(
    ("ph", "expected"), [(6, "I"), (7.5, "I"), (9, "I"), (5.99, "劣V"), (9.01, "劣V")]
)
def test_ph_6_to_9_in_every_class(ph, expected):
    assert parameter_class("pH", ph) == expected


def test_water_temperature_has_no_class():
    assert PARAMETERS["water_temperature"].direction == "none"
    with pytest.raises(ValueError):
        parameter_class("water_temperature", 20)


def test_2011_method_evaluates_21_items_without_temperature_tn_and_coliform():
    assert len(PARAMETERS) == 24
    assert len(EVALUATED_2011) == 21
    assert {"water_temperature", "TN", "fecal_coliform"}.isdisjoint(EVALUATED_2011)


# -- single-factor classification --------------------------------------------------------------

SECTION = {"DO": 4, "CODMn": 7, "NH3_N": 2.5, "TP": 0.25, "COD": 18, "pH": 7.2}


def test_section_takes_its_worst_parameter_class():
    result = classify(SECTION)
    assert result.water_class == "劣V"
    assert [p.key for p in result.limiting_parameters] == ["NH3_N"]
    assert result.limiting_parameters[0].exceedance == Decimal("1.5")  # (2.5 − 1.0)/1.0
    assert result.quality == "重度污染"


def test_parameter_classes_are_reported():
    classes = {p.key: p.water_class for p in classify(SECTION).parameters}
    assert classes == {
        "pH": "I",
        "DO": "IV",
        "CODMn": "IV",
        "COD": "III",
        "NH3_N": "劣V",
        "TP": "IV",
    }


def test_exceeding_parameters_are_those_worse_than_the_target():
    result = classify(SECTION, target_class="III")
    exceeding = {p.key: p.exceedance for p in result.exceeding_parameters}
    # DO has no 超标倍数 (a lower bound); the others are (C − C_III)/C_III.
    assert exceeding == {
        "DO": None,
        "CODMn": Decimal(1) / Decimal(6),
        "NH3_N": Decimal("1.5"),
        "TP": Decimal("0.25"),
    }
    assert {p.key for p in classify(SECTION, target_class="IV").exceeding_parameters} == {"NH3_N"}


def test_main_pollutants_are_the_three_worst_when_worse_than_iii():
    # 劣V NH3-N first; then class IV by 超标倍数 vs III: TP 0.25 > CODMn 0.17 > DO (none).
    assert classify(SECTION).main_pollutants == ("NH3_N", "TP", "CODMn")
    assert classify({"CODMn": 5, "NH3_N": 0.9}).main_pollutants == ()


def test_non_evaluated_items_do_not_change_the_class():
    result = classify({"CODMn": 3, "TN": 5, "fecal_coliform": 90000, "water_temperature": 25})
    assert result.water_class == "II"
    assert result.not_evaluated == ("water_temperature", "TN", "fecal_coliform")


def test_other_parameter_sets_can_be_evaluated():
    two = classify({"CODMn": 3, "NH3_N": 0.4, "TP": 0.35}, parameters={"CODMn", "NH3_N"})
    assert two.water_class == "II"


def test_missing_measurements_are_not_evaluated():
    result = classify({"CODMn": 3, "NH3_N": None, "TP": NO_DATA})
    assert [p.key for p in result.parameters] == ["CODMn"]
    assert result.water_class == "II"


def test_a_section_with_no_evaluated_value_has_no_class():
    result = classify({"TN": 1})
    assert result.water_class is None
    with pytest.raises(ValueError):
        meets_target(result, "III")


@pytest.mark.parametrize("bad", [{"CODMn ": 3}, {"CODMn": -1}, {"CODMn": float("inf")}])
def test_invalid_measurements_raise(bad):
    with pytest.raises(ValueError):
        classify(bad)


def test_lake_section_uses_lake_tp():
    assert classify({"TP": 0.08}, water_body="lake").water_class == "IV"
    assert classify({"TP": 0.08}, water_body="river").water_class == "II"


@pytest.mark.parametrize(
    ("observed", "target", "expected"),
    [("II", "III", True), ("III", "III", True), ("IV", "III", False), ("劣V", "V", False)],
)
def test_meets_target_means_target_class_or_better(observed, target, expected):
    assert meets_target(observed, target) is expected


# -- rates -------------------------------------------------------------------------------------


def test_section_compliance_rate_counts_valid_sections_only():
    sections = [
        (classify({"CODMn": 3}), "III"),
        (classify({"CODMn": 7}), "III"),
        ("IV", "IV"),
        (None, "III"),
        (NO_DATA, "II"),
        (classify({"TN": 2}), "III"),
    ]
    assert section_compliance_rate(sections) == Fraction(2, 3)


def test_compliance_rates_without_valid_sections_are_no_data():
    assert is_no_data(section_compliance_rate([]))
    assert is_no_data(function_zone_compliance_rate([(None, "III")]))


def test_function_zone_compliance_rate():
    assert function_zone_compliance_rate([("II", "II"), ("III", "II"), ("V", "V")]) == Fraction(
        2, 3
    )


def test_attainment_frequency_over_valid_or_scheduled_samples():
    samples = ["II"] * 40 + ["IV"] * 10 + [None, NO_DATA]
    assert attainment_frequency(samples, "III") == Fraction(40, 50)
    assert attainment_frequency(samples, "III", scheduled=52) == Fraction(40, 52)
    assert is_no_data(attainment_frequency([None], "III"))
    with pytest.raises(ValueError):
        attainment_frequency(["II"] * 13, "III", scheduled=12)


@pytest.mark.parametrize(
    ("frequency", "rating"),
    [
        (Fraction(4, 5), "达标"),
        (1, "达标"),
        (Fraction(79, 100), "基本达标"),
        (0.7, "基本达标"),
        (0.69, "不达标"),
    ],
)
def test_section_rating_thresholds(frequency, rating):
    assert section_rating(frequency) == rating


def test_section_rating_without_data_is_no_data():
    assert is_no_data(section_rating(NO_DATA))


@pytest.mark.parametrize(
    ("classes", "expected"),
    [
        (["II"] * 9 + ["IV"], "优"),  # I–III 90 %
        (["III"] * 3 + ["IV"], None),  # fewer than 5: raises
        (["II"] * 15 + ["IV"] * 5, "良好"),  # 75 %
        (["II"] * 7 + ["IV"] * 2 + ["劣V"], "轻度污染"),  # 70 %, 劣V 10 %
        (["II"] * 7 + ["劣V"] * 3, "中度污染"),  # 劣V 30 %
        (["II"] * 6 + ["劣V"] * 4, "重度污染"),  # 劣V 40 %
        (["II"] * 5 + [None], "优"),  # missing sections left out; 5 counts as "5 or more"
    ],
)
def test_basin_quality_by_class_proportions(classes, expected):
    if expected is None:
        with pytest.raises(ValueError):
            basin_quality(classes)
    else:
        assert basin_quality(classes) == expected


def test_basin_quality_without_sections_is_no_data():
    assert is_no_data(basin_quality([None]))


# -- properties --------------------------------------------------------------------------------

_RANK = {c: i for i, c in enumerate(("I", "II", "III", "IV", "V", "劣V"))}
amounts = st.decimals(min_value=0, max_value=50000, places=5, allow_nan=False)


@given(
    key=st.sampled_from([k for k, *_ in TABLE_1_MAX]),
    pair=st.tuples(amounts, amounts).map(sorted),
    water_body=st.sampled_from(["river", "lake"]),
)
def test_class_never_improves_as_a_max_item_rises(key, pair, water_body):
    low, high = pair
    assert (
        _RANK[parameter_class(key, low, water_body)]
        <= _RANK[parameter_class(key, high, water_body)]
    )


@given(pair=st.tuples(st.decimals(0, 20, places=3), st.decimals(0, 20, places=3)).map(sorted))
def test_class_never_worsens_as_dissolved_oxygen_rises(pair):
    low, high = pair
    assert _RANK[parameter_class("DO", low)] >= _RANK[parameter_class("DO", high)]


@given(
    base=st.fixed_dictionaries(
        {"CODMn": st.decimals(0, 30, places=2), "NH3_N": st.decimals(0, 5, places=3)}
    ),
    do=st.tuples(st.decimals(0, 12, places=2), st.decimals(0, 12, places=2)).map(sorted),
    extra=st.decimals(0, 30, places=2),
)
def test_section_class_is_monotone_in_each_parameter(base, do, extra):
    worse_do = classify({**base, "DO": do[0]}).water_class
    better_do = classify({**base, "DO": do[1]}).water_class
    assert _RANK[worse_do] >= _RANK[better_do]
    raised = {**base, "CODMn": base["CODMn"] + extra}
    assert _RANK[classify(raised).water_class] >= _RANK[classify(base).water_class]
