"""Generic indicator arithmetic and the NO_DATA sentinel."""

from __future__ import annotations

import copy
import pickle
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plantrack.core.generic import (
    Comparator,
    aggregate,
    aggregate_ratio,
    meets,
    pct_point_change,
    percent,
    rate,
    relative_change,
    round_half_up,
    share,
    to_decimal,
)
from plantrack.core.nodata import NO_DATA, NoData, is_no_data

amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)
positive = st.decimals(min_value=D("0.01"), max_value=10**9, places=2, allow_nan=False)


# --- NO_DATA ---------------------------------------------------------------------------------


def test_no_data_is_a_singleton_with_a_clear_repr() -> None:
    assert list(NoData) == [NO_DATA]
    assert NoData("NO_DATA") is NO_DATA
    assert repr(NO_DATA) == "NO_DATA"
    assert str(NO_DATA) == "NO_DATA"


def test_no_data_has_no_truth_value() -> None:
    with pytest.raises(TypeError):
        bool(NO_DATA)
    with pytest.raises(TypeError):
        if NO_DATA:  # pragma: no branch
            pass


def test_no_data_supports_no_arithmetic() -> None:
    with pytest.raises(TypeError):
        NO_DATA + 1  # type: ignore[operator]


def test_no_data_survives_copy_and_pickle() -> None:
    assert copy.copy(NO_DATA) is NO_DATA
    assert copy.deepcopy([NO_DATA])[0] is NO_DATA
    assert pickle.loads(pickle.dumps(NO_DATA)) is NO_DATA


@pytest.mark.parametrize("value", [0, D(0), None, "", 0.0, False])
def test_zero_and_none_are_not_no_data(value: object) -> None:
    assert not is_no_data(value)
    assert NO_DATA != value


# --- conversion and rounding -----------------------------------------------------------------


def test_float_converts_through_its_short_repr() -> None:
    assert to_decimal(0.031) == D("0.031")
    assert to_decimal(Fraction(1, 4)) == D("0.25")
    with pytest.raises(TypeError):
        to_decimal(True)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (D("0.0125"), 3, D("0.013")),  # Python's round() would give 0.012
        (D("-0.0125"), 3, D("-0.013")),
        (D("2.5"), 0, D("3")),
        (D("0.55"), 1, D("0.6")),
        (D("-3.7893"), 1, D("-3.8")),
        (D("1234"), -2, D("1.2E+3")),
    ],
)
def test_round_half_up_rounds_halves_away_from_zero(value: D, decimals: int, expected: D) -> None:
    assert round_half_up(value, decimals) == expected


@given(st.decimals(min_value=-(10**6), max_value=10**6, places=6), st.integers(0, 5))
def test_round_half_up_is_within_half_a_unit_and_ties_go_outward(value: D, decimals: int) -> None:
    rounded = round_half_up(value, decimals)
    half = D(5).scaleb(-decimals - 1)
    assert abs(rounded - value) <= half
    if abs(rounded - value) == half:
        assert abs(rounded) > abs(value)


def test_percent_converts_fraction_and_rounds() -> None:
    assert percent(D("-0.0378927"), 2) == D("-3.79")
    assert percent(D("0.5")) == D("50.0")
    assert percent(NO_DATA, 1) is NO_DATA


# --- rates and changes -----------------------------------------------------------------------


def test_rate_share_and_changes() -> None:
    assert rate(1, 4) == D("0.25")
    assert share(D("30"), D("120")) == D("0.25")
    assert relative_change(D("95"), D("100")) == D("-0.05")
    assert pct_point_change(D("44.2"), D("43.1")) == D("1.1")


def test_missing_inputs_give_no_data_not_zero() -> None:
    assert rate(NO_DATA, 4) is NO_DATA
    assert rate(4, NO_DATA) is NO_DATA
    assert relative_change(NO_DATA, 1) is NO_DATA
    assert pct_point_change(1, NO_DATA) is NO_DATA


def test_zero_denominator_is_an_error_not_no_data() -> None:
    with pytest.raises(ZeroDivisionError):
        rate(1, 0)


# --- target checks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "comparator", "target", "expected"),
    [
        (D("0.035"), ">=", D("0.035"), True),
        (D("0.031"), ">=", D("0.035"), False),  # Zhejiang 2011: -3.1% vs "下降3.5%以上"
        (D("0.031"), "<=", D("0.035"), True),
        (D("0.035"), ">", D("0.035"), False),
        (D("0.035"), "<", D("0.035"), False),
        (D("0.035"), "=", D("0.035"), True),
        (D("0.036"), "=", D("0.035"), False),
    ],
)
def test_meets_compares_as_written(value: D, comparator: str, target: D, expected: bool) -> None:
    assert meets(value, comparator, target) is expected


def test_approximately_needs_and_uses_a_tolerance() -> None:
    with pytest.raises(ValueError, match="tolerance"):
        meets(D("0.5"), Comparator.APPROX, D("0.5"))
    assert meets(D("0.48"), "≈", D("0.5"), tolerance=D("0.02")) is True
    assert meets(D("0.47"), "≈", D("0.5"), tolerance=D("0.02")) is False


def test_tolerance_widens_one_sided_checks() -> None:
    assert meets(D("0.0349"), ">=", D("0.035")) is False
    assert meets(D("0.0349"), ">=", D("0.035"), tolerance=D("0.0001")) is True


def test_meets_with_missing_value_is_no_data() -> None:
    assert meets(NO_DATA, ">=", 1) is NO_DATA
    assert meets(1, ">=", NO_DATA) is NO_DATA


def test_unknown_comparator_is_refused() -> None:
    with pytest.raises(ValueError):
        meets(1, "=>", 1)


# --- aggregation -----------------------------------------------------------------------------


def test_aggregate_sum_min_max() -> None:
    values = [D("1.5"), D("2"), D("-0.5")]
    assert aggregate(values) == D("3.0")
    assert aggregate(values, "min") == D("-0.5")
    assert aggregate(values, "max") == D("2")
    with pytest.raises(ValueError):
        aggregate(values, "mean")  # type: ignore[arg-type]


def test_aggregate_with_a_missing_region_is_no_data_unless_skipped() -> None:
    values = [D(1), NO_DATA, D(2)]
    assert aggregate(values) is NO_DATA
    assert aggregate(values, skip_missing=True) == D(3)


def test_aggregate_of_nothing_is_no_data_not_zero() -> None:
    assert aggregate([]) is NO_DATA
    assert aggregate([NO_DATA], skip_missing=True) is NO_DATA
    assert aggregate_ratio([]) is NO_DATA


def test_aggregate_ratio_is_sum_over_sum_not_mean_of_ratios() -> None:
    pairs = [(D(1), D(1)), (D(10), D(100))]
    assert aggregate_ratio(pairs) == D(11) / D(101)
    assert aggregate_ratio(pairs) != (D(1) + D("0.1")) / 2


def test_aggregate_ratio_skips_whole_pairs() -> None:
    pairs = [(D(1), D(2)), (NO_DATA, D(100)), (D(3), D(6))]
    assert aggregate_ratio(pairs) is NO_DATA
    # Skipping the pair also drops its denominator: 4/8, not 4/108.
    assert aggregate_ratio(pairs, skip_missing=True) == D("0.5")


@st.composite
def regions_in_cities(draw: st.DrawFn) -> list[list[tuple[D, D]]]:
    """Counties as (energy, GDP) pairs, grouped into an arbitrary partition of cities."""
    counties = draw(st.lists(st.tuples(amounts, positive), min_size=1, max_size=30))
    cuts = sorted(draw(st.sets(st.integers(1, len(counties)), max_size=len(counties))))
    bounds = [0, *[c for c in cuts if c < len(counties)], len(counties)]
    return [counties[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if a < b]


@given(regions_in_cities())
def test_province_ratio_from_city_totals_equals_ratio_from_county_totals(
    cities: list[list[tuple[D, D]]],
) -> None:
    city_totals = [
        (aggregate([e for e, _ in city]), aggregate([g for _, g in city])) for city in cities
    ]
    all_counties = [pair for city in cities for pair in city]
    assert aggregate_ratio(city_totals) == aggregate_ratio(all_counties)


@given(regions_in_cities())
def test_sum_is_the_same_over_any_partition_of_regions(
    cities: list[list[tuple[D, D]]],
) -> None:
    direct = aggregate([e for city in cities for e, _ in city])
    by_city = aggregate([aggregate([e for e, _ in city]) for city in cities])
    assert by_city == direct
