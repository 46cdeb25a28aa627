"""Land indicators: area units, construction-land consumption, cultivated-land balance."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plantrack.core.generic import meets
from plantrack.core.land import (
    DEFAULT_GRADE_WEIGHTS,
    AreaUnit,
    Parcel,
    balance,
    convert_area,
    land_indicator_change,
    land_per_fixed_investment,
    land_per_gdp_growth,
    round_area,
)
from plantrack.core.nodata import NO_DATA

# --- area units ------------------------------------------------------------------------------


def test_fifteen_mu_make_one_hectare() -> None:
    assert convert_area(15, "亩", "公顷") == 1
    assert convert_area(1, AreaUnit.MU, AreaUnit.SQUARE_METRE) == Fraction(2000, 3)
    assert convert_area(1, "平方公里", "亩") == 1500
    assert convert_area(D("2.5"), "公顷", "平方米") == 25_000


def test_rounding_a_mu_for_publication() -> None:
    assert round_area(convert_area(1, "亩", "平方米"), 2) == D("666.67")
    assert round_area(convert_area(80_000, "亩", "公顷"), 2) == D("5333.33")


def test_unknown_area_unit_is_refused() -> None:
    with pytest.raises(ValueError):
        convert_area(1, "acre", "亩")


areas = st.fractions(min_value=0, max_value=10**9) | st.decimals(
    min_value=0, max_value=10**9, places=4
)


@given(areas, st.sampled_from(list(AreaUnit)), st.sampled_from(list(AreaUnit)))
def test_area_round_trip_is_exact(value: Fraction | D, a: AreaUnit, b: AreaUnit) -> None:
    assert convert_area(convert_area(value, a, b), b, a) == Fraction(value)


@given(areas, st.sampled_from(list(AreaUnit)))
def test_mu_is_two_thousand_thirds_of_a_square_metre(value: Fraction | D, unit: AreaUnit) -> None:
    in_mu = convert_area(value, unit, "亩")
    assert in_mu * Fraction(2000, 3) == convert_area(value, unit, "平方米")


# --- construction-land consumption -----------------------------------------------------------


def test_land_per_gdp_growth_in_mu_per_100m_yuan() -> None:
    # 500 亩 of new construction land for 100 亿元 of GDP growth: 5 亩/亿元.
    assert land_per_gdp_growth(D("500"), D("1100"), D("1000")) == D("5")
    assert land_per_gdp_growth(NO_DATA, D("1100"), D("1000")) is NO_DATA


def test_land_per_gdp_growth_is_undefined_without_growth() -> None:
    with pytest.raises(ValueError, match="did not grow"):
        land_per_gdp_growth(D("500"), D("1000"), D("1000"))


def test_land_per_fixed_investment() -> None:
    assert land_per_fixed_investment(D("300"), D("600")) == D("0.5")
    assert land_per_fixed_investment(D("300"), NO_DATA) is NO_DATA
    with pytest.raises(ValueError):
        land_per_fixed_investment(D("300"), D("0"))


def test_plan_targets_down_5_and_3_percent_year_on_year() -> None:
    prev = land_per_gdp_growth(D("500"), D("1100"), D("1000"))  # 5.00 亩/亿元
    now = land_per_gdp_growth(D("570"), D("1220"), D("1100"))  # 4.75 亩/亿元
    change = land_indicator_change(now, prev)
    assert change == D("-0.05")
    assert meets(change, "<=", D("-0.05")) is True
    assert meets(land_indicator_change(D("0.49"), D("0.5")), "<=", D("-0.03")) is False
    assert land_indicator_change(NO_DATA, prev) is NO_DATA


# --- cultivated-land balance -----------------------------------------------------------------


def test_balance_holds_with_more_and_better_land() -> None:
    result = balance(
        [Parcel(Fraction(100), 8, "批次2011-1")],
        [Parcel(Fraction(60), 6, "垦造项目A"), Parcel(Fraction(50), 8, "垦造项目B")],
    )
    assert result.area_balance == 10
    assert result.supplemented_mean_grade == Fraction(60 * 6 + 50 * 8, 110)
    assert result.quantity_holds and result.quality_holds and result.holds
    # Default weights: 16 - grade. Occupied 100 x 8 = 800; supplemented 60 x 10 + 50 x 8 = 1000.
    assert result.capacity_balance == 200
    assert result.weights_verified is False


def test_enough_area_of_worse_land_does_not_balance() -> None:
    result = balance([Parcel(Fraction(100), 5)], [Parcel(Fraction(150), 9)])
    assert result.quantity_holds is True
    assert result.quality_holds is False
    assert result.holds is False


def test_better_land_of_too_little_area_does_not_balance() -> None:
    result = balance([Parcel(Fraction(100), 9)], [Parcel(Fraction(99), 1)])
    assert result.quality_holds is True
    assert result.quantity_holds is False
    assert result.holds is False
    assert result.capacity_balance > 0  # capacity alone would have passed


def test_occupation_without_supplement_fails() -> None:
    result = balance([Parcel(Fraction(1), 3)], [])
    assert result.holds is False
    assert result.supplemented_mean_grade is None


def test_custom_weights_are_used_and_must_cover_every_grade() -> None:
    weights = {grade: Fraction(1) for grade in range(1, 16)}
    result = balance([Parcel(Fraction(10), 1)], [Parcel(Fraction(10), 15)], weights=weights)
    assert result.capacity_balance == 0
    assert result.weights_verified is True
    with pytest.raises(ValueError, match="grades"):
        balance([], [], weights={1: Fraction(1)})


def test_parcel_validates_grade_and_area() -> None:
    with pytest.raises(ValueError):
        Parcel(Fraction(1), 16)
    with pytest.raises(ValueError):
        Parcel(Fraction(1), 0)
    with pytest.raises(ValueError):
        Parcel(Fraction(-1), 3)
    assert Parcel(D("1.5"), 3).area == Fraction(3, 2)  # type: ignore[arg-type]


parcels = st.lists(
    st.builds(Parcel, st.fractions(min_value=0, max_value=10_000), st.integers(1, 15)),
    max_size=10,
)


@given(parcels)
def test_supplementing_exactly_what_was_occupied_balances_to_zero(occupied: list[Parcel]) -> None:
    result = balance(occupied, list(occupied))
    assert result.area_balance == 0
    assert result.capacity_balance == 0
    assert result.holds is True


@given(parcels, parcels, st.builds(Parcel, st.fractions(0, 1000), st.integers(1, 15)))
def test_adding_a_supplement_never_lowers_the_balances(
    occupied: list[Parcel], supplied: list[Parcel], extra: Parcel
) -> None:
    before = balance(occupied, supplied)
    after = balance(occupied, [*supplied, extra])
    assert after.area_balance == before.area_balance + extra.area
    assert after.capacity_balance >= before.capacity_balance


def test_default_weights_rank_better_grades_higher() -> None:
    assert all(DEFAULT_GRADE_WEIGHTS[g] > DEFAULT_GRADE_WEIGHTS[g + 1] for g in range(1, 15))
