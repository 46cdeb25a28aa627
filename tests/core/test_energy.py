"""Energy methods against published figures (china-methods.md §1) and their invariants."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plantrack.core.energy import (
    ELECTRICITY_EQUAL_VALUE_BY_YEAR,
    GBT2589_2008,
    GBT2589_2020,
    Basis,
    Coefficient,
    EnergyFigure,
    Kind,
    MixedBasisError,
    UnknownCoefficient,
    change_from_growth_rates,
    completion_ratio,
    comprehensive_consumption,
    cumulative_change,
    energy_saved,
    find_coefficient,
    intensity,
    intensity_change,
    milestone_share,
    progress_share,
    required_annual_rate,
    to_tce,
    year_on_year,
    ytd_change,
)
from plantrack.core.generic import percent, round_half_up
from plantrack.core.nodata import NO_DATA

TINY = D("1e-20")


def pct(value: object, decimals: int) -> D:
    result = percent(value, decimals)  # type: ignore[arg-type]
    assert isinstance(result, D)
    return result


def figure(value: object) -> EnergyFigure:
    assert isinstance(value, EnergyFigure)
    return value


# --- coefficient tables ----------------------------------------------------------------------


def test_2008_table_matches_reference_values() -> None:
    assert GBT2589_2008["raw_coal"].kgce_per_unit == D("0.7143")
    assert GBT2589_2008["electricity"].kgce_per_unit == D("0.1229")
    assert GBT2589_2008["heat"].kgce_per_unit == D("0.03412")
    assert GBT2589_2008["kerosene"].kgce_per_unit == D("1.4714")  # not S32's typo 1.4286
    assert GBT2589_2008["lpg"].kgce_per_unit == D("1.7143")  # not S32's typo 0.7143
    assert GBT2589_2008["coke_oven_gas"].kgce_range == (D("0.5714"), D("0.6143"))
    assert GBT2589_2008["acetylene"].kind is Kind.WORKING_MEDIUM


def test_unverified_rows_are_flagged() -> None:
    assert GBT2589_2008["crude_benzene"].verified is False  # [U]
    assert GBT2589_2008["fresh_water"].verified is False  # S29/S32 conflict
    assert GBT2589_2008["coal_tar"].verified is True
    assert GBT2589_2008["coal_tar"].lhv_verified is False
    assert all(not row.verified for row in GBT2589_2020.values())
    assert all(not e.verified for e in ELECTRICITY_EQUAL_VALUE_BY_YEAR.values())
    assert {"nitrogen", "blast_air", "carbon_dioxide"}.isdisjoint(GBT2589_2008)


def test_every_row_names_its_source_and_a_known_unit() -> None:
    for table in (GBT2589_2008, GBT2589_2020):
        for key, row in table.items():
            assert row.key == key
            assert "GB/T 2589" in row.source
            assert row.unit in {"kg", "t", "m3", "kWh", "MJ"}


@pytest.mark.parametrize(
    "row",
    [r for r in GBT2589_2008.values() if r.kind is Kind.PRIMARY and r.lhv_kj is not None],
    ids=lambda r: r.key,
)
def test_primary_coefficients_equal_heating_value_over_7000_kcal(row: object) -> None:
    # The 2008 table prints kJ = kcal x 4.1816 (§1.6 [D]), and the coefficient is kcal / 7000.
    # One row, 炼厂干气 (46 055 kJ = 11 000 kcal), uses 4.1868 instead. A mistyped coefficient
    # or heating value breaks this.
    assert isinstance(row, Coefficient) and row.lhv_kj is not None
    bounds = [(row.lhv_kj, row.kgce_per_unit)]
    if row.kgce_range is not None:
        assert row.lhv_kj_max is not None
        bounds = [(row.lhv_kj, row.kgce_range[0]), (row.lhv_kj_max, row.kgce_range[1])]
    for lhv, coefficient in bounds:
        assert coefficient is not None
        kcal_factor = D("4.1868") if row.key == "refinery_gas" else D("4.1816")
        assert abs(lhv / kcal_factor / 7000 - coefficient) <= D("0.0001")


# --- to_tce ----------------------------------------------------------------------------------


def test_raw_coal_in_10k_tonnes() -> None:
    result = figure(to_tce(100, "raw_coal", "万t"))
    assert result.tce == D("714300")  # 100万t x 0.7143 = 71.43万tce
    assert result.basis is Basis.EQUIVALENT
    assert result.edition == "2008"
    assert result.coefficient == D("0.7143")
    assert result.verified is True


def test_chinese_name_and_english_key_agree() -> None:
    assert figure(to_tce(5, "原煤", "吨")).tce == figure(to_tce(5, "raw_coal", "t")).tce


def test_electricity_equivalent_value() -> None:
    assert figure(to_tce(1, "electricity", "亿kWh")).tce == D("12290")
    assert figure(to_tce(1, "电力", "万千瓦时")).tce == D("1.229")


def test_electricity_equal_value_with_explicit_coefficient() -> None:
    # 0.404 kgce/kWh (S26) = 4.04 tce/万kWh as in the old statistical table (S29).
    result = figure(
        to_tce(1, "electricity", "万kWh", "equal_value", equal_value_coefficient=D("0.404"))
    )
    assert result.tce == D("4.04")
    assert result.basis is Basis.EQUAL_VALUE


def test_electricity_equal_value_by_year_is_marked_unverified() -> None:
    result = figure(to_tce(1, "electricity", "亿kWh", "equal_value", year=2011))
    assert result.tce == D("32900")
    assert result.verified is False


def test_electricity_equal_value_without_a_coefficient_is_refused() -> None:
    with pytest.raises(UnknownCoefficient, match="equal_value_coefficient"):
        to_tce(1, "electricity", "kWh", "equal_value", year=1999)


def test_primary_energy_is_the_same_on_both_bases() -> None:
    eq = figure(to_tce(1000, "diesel", "kg", "equivalent"))
    ev = figure(to_tce(1000, "diesel", "kg", "equal_value"))
    assert eq.tce == ev.tce == D("1.4571")


def test_equal_value_coefficient_is_refused_for_primary_energy() -> None:
    with pytest.raises(ValueError, match="secondary"):
        to_tce(1, "raw_coal", "t", "equal_value", equal_value_coefficient=D("0.5"))


def test_working_media_exist_only_at_equal_value() -> None:
    assert figure(to_tce(1000, "oxygen", "m3", "equal_value")).tce == D("0.4")
    with pytest.raises(ValueError, match="等价值"):
        to_tce(1000, "oxygen", "m3", "equivalent")


def test_ranged_rows_need_the_measured_coefficient() -> None:
    with pytest.raises(UnknownCoefficient, match="0.5714"):
        to_tce(1, "coke_oven_gas", "万m3")
    result = figure(to_tce(1, "coke_oven_gas", "万m3", coefficient=D("0.6")))
    assert result.tce == D("6")


def test_unknown_unit_and_wrong_dimension_are_value_errors() -> None:
    with pytest.raises(ValueError, match="unknown unit"):
        to_tce(1, "raw_coal", "bushel")
    with pytest.raises(ValueError, match="per kg"):
        to_tce(1, "raw_coal", "kWh")


def test_unknown_energy_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown energy"):
        to_tce(1, "unobtainium", "t")


def test_2020_edition_refuses_rows_it_does_not_hold() -> None:
    with pytest.raises(UnknownCoefficient, match="not in the GB/T 2589-2020"):
        to_tce(1, "raw_coal", "t", edition="2020")
    with pytest.raises(UnknownCoefficient, match="not in the GB/T 2589-2008"):
        find_coefficient("natural_gas", "2008")
    with pytest.raises(ValueError, match="edition"):
        to_tce(1, "raw_coal", "t", edition="2015")


def test_2020_edition_rows_carry_the_unverified_flag() -> None:
    result = figure(to_tce(1, "天然气", "亿m3", edition="2020"))
    assert result.tce == D("133000")
    assert result.verified is False
    assert result.edition == "2020"


def test_missing_amount_is_no_data() -> None:
    assert to_tce(NO_DATA, "raw_coal", "t") is NO_DATA


@given(st.decimals(min_value=0, max_value=10**8, places=4), st.sampled_from(["万t", "t"]))
def test_unit_multiples_scale_exactly(amount: D, unit: str) -> None:
    in_kg = amount * (10_000_000 if unit == "万t" else 1000)
    assert figure(to_tce(amount, "coke", unit)).tce == figure(to_tce(in_kg, "coke", "kg")).tce


# --- comprehensive consumption ---------------------------------------------------------------


def test_comprehensive_consumption_sums_one_basis() -> None:
    total = figure(
        comprehensive_consumption(
            [to_tce(100, "raw_coal", "t"), to_tce(10_000, "electricity", "kWh")]
        )
    )
    assert total.tce == D("71.43") + D("1.229")
    assert total.energy == "comprehensive"
    assert total.verified is True


def test_comprehensive_consumption_refuses_mixed_bases() -> None:
    items = [
        to_tce(1, "electricity", "kWh"),
        to_tce(1, "electricity", "kWh", "equal_value", equal_value_coefficient=D("0.404")),
    ]
    with pytest.raises(MixedBasisError):
        comprehensive_consumption(items)


def test_comprehensive_consumption_refuses_mixed_editions() -> None:
    items = [to_tce(1, "electricity", "kWh"), to_tce(1, "electricity", "kWh", edition="2020")]
    with pytest.raises(MixedBasisError, match="editions"):
        comprehensive_consumption(items)


def test_comprehensive_consumption_with_a_gap_is_no_data() -> None:
    assert comprehensive_consumption([to_tce(1, "coke", "t"), NO_DATA]) is NO_DATA
    with pytest.raises(ValueError):
        comprehensive_consumption([])


def test_comprehensive_consumption_carries_unverified_parts() -> None:
    total = figure(
        comprehensive_consumption([to_tce(1, "coke", "t"), to_tce(1, "crude_benzene", "t")])
    )
    assert total.verified is False


# --- intensity and its changes ---------------------------------------------------------------


def test_intensity_in_tce_per_10k_yuan() -> None:
    assert intensity(D("18076"), D("34665")) == D("18076") / D("34665")
    assert intensity(figure(to_tce(100, "raw_coal", "t")), D("100")) == D("0.7143")
    assert intensity(NO_DATA, 1) is NO_DATA
    with pytest.raises(ValueError):
        intensity(1, 0)


def test_national_2006_change_from_revised_intensities() -> None:
    # Revised national intensities 2005 1.276, 2006 1.241 -> published 2006 change -2.74% (S10).
    change = intensity_change(D("1.276"), 1, D("1.241"), 1)
    assert pct(change, 2) == D("-2.74")


def test_intensity_decimals_rounds_both_intensities_first() -> None:
    # I_prev = 1/3, I_now = 1/3.1. Rounded to 4 decimals: 0.3226 / 0.3333 - 1.
    rounded = intensity_change(1, 3, 1, D("3.1"), intensity_decimals=4)
    assert rounded == D("0.3226") / D("0.3333") - 1
    unrounded = intensity_change(1, 3, 1, D("3.1"))
    assert pct(rounded, 2) == D("-3.21")
    assert pct(unrounded, 2) == D("-3.23")


def test_intensity_change_decimals_rounds_the_result() -> None:
    assert intensity_change(1, 3, 1, D("3.1"), decimals=4) == D("-0.0323")
    assert intensity_change(NO_DATA, 3, 1, 3) is NO_DATA


def test_zhejiang_2013_from_growth_rates() -> None:
    # Energy +4.1%, GDP +8.2% (S7, S12): 1.041/1.082 - 1 = -3.79%.
    assert pct(change_from_growth_rates(D("0.041"), D("0.082")), 2) == D("-3.79")


positive = st.decimals(min_value=1, max_value=10**6, places=2)


@given(positive, positive, positive, positive)
def test_ratio_of_intensities_equals_growth_rate_form(e0: D, g0: D, e1: D, g1: D) -> None:
    direct = intensity_change(e0, g0, e1, g1)
    growth_form = change_from_growth_rates(year_on_year(e1, e0), year_on_year(g1, g0))
    assert isinstance(direct, D) and isinstance(growth_form, D)
    assert abs(direct - growth_form) <= TINY * max(D(1), abs(direct))


def test_year_on_year_and_ytd() -> None:
    assert year_on_year(D("1.88"), D("1.8076")) == D("1.88") / D("1.8076") - 1
    # Year-to-date: same formula on Jan-to-date totals, ordered (now, prev) like year_on_year.
    assert ytd_change(D("95"), D("100"), D("100"), D("100")) == D("-0.05")
    assert ytd_change(NO_DATA, 1, 1, 1) is NO_DATA


# --- cumulative progress ---------------------------------------------------------------------


def test_zhejiang_cumulative_12th_fyp() -> None:
    # 2011 -3.1% (S11), 2012 -6.1% (S7) -> "累计下降9%"; 2013 -3.7% -> "累计下降12.4%" (S12).
    two_years = cumulative_change([D("-0.031"), D("-0.061")])
    assert two_years == D("-0.090109")
    assert pct(two_years, 1) == D("-9.0")
    three_years = cumulative_change([D("-0.031"), D("-0.061"), D("-0.037")])
    assert pct(three_years, 1) == D("-12.4")


def test_cumulative_change_is_not_the_plain_sum() -> None:
    assert cumulative_change([D("-0.1"), D("-0.1")]) == D("-0.19")
    assert cumulative_change([]) == 0
    assert cumulative_change([D("-0.1"), NO_DATA]) is NO_DATA


changes = st.decimals(min_value=D("-0.5"), max_value=D("0.5"), places=4)


@given(st.lists(changes, max_size=8), st.lists(changes, max_size=8))
def test_cumulative_change_chains_over_any_split(first: list[D], second: list[D]) -> None:
    whole = cumulative_change(first + second)
    a, b = cumulative_change(first), cumulative_change(second)
    assert isinstance(whole, D) and isinstance(a, D) and isinstance(b, D)
    assert abs((1 + whole) - (1 + a) * (1 + b)) <= TINY


def test_shenzhen_required_annual_rate() -> None:
    # 19.5% over the 12th FYP -> "年均下降率为4.25%" (S13).
    assert pct(required_annual_rate(D("0.195"), 5), 2) == D("4.25")
    with pytest.raises(ValueError):
        required_annual_rate(D("1"), 5)
    with pytest.raises(ValueError):
        required_annual_rate(D("0.2"), 0)


@given(st.decimals(min_value=D("0.01"), max_value=D("0.6"), places=3), st.integers(1, 10))
def test_required_rate_compounds_back_to_the_target(target: D, years: int) -> None:
    annual = required_annual_rate(target, years)
    total = cumulative_change([-annual] * years)
    assert isinstance(total, D)
    assert abs(-total - target) <= D("1e-24")


def test_progress_share_matches_ndrc_published_figures() -> None:
    # Tianjin 11th FYP: 20.07% of 20% -> "完成进度的100.39%" (S15); linear would give 100.35%.
    assert pct(progress_share(D("0.2007"), D("0.20")), 2) == D("100.39")
    # Beijing 2011: 6.94% of 17% -> 38.60% (S3, S16); linear would give 40.82%.
    assert pct(progress_share(D("0.0694"), D("0.17")), 2) == D("38.60")
    assert progress_share(NO_DATA, D("0.17")) is NO_DATA


@given(st.decimals(min_value=D("0.05"), max_value=D("0.3"), places=3), st.integers(1, 5))
def test_log_progress_hits_the_milestones_on_the_geometric_path(target: D, year: int) -> None:
    annual = required_annual_rate(target, 5)
    reached = cumulative_change([-annual] * year)
    assert isinstance(reached, D)
    share = progress_share(-reached, target)
    assert isinstance(share, D)
    assert abs(share - milestone_share(year, 5)) <= D("1e-20")


def test_completion_ratio_matches_end_of_period_figures() -> None:
    # Beijing 11th FYP 26.59% of 20% -> "超额32.95%" (S17); Zhenjiang 25.69% of 18% -> 142.7%.
    assert pct(completion_ratio(D("26.59"), D("20")), 2) == D("132.95")
    assert pct(completion_ratio(D("0.2569"), D("0.18")), 1) == D("142.7")
    assert completion_ratio(D("0.21"), NO_DATA) is NO_DATA


def test_milestones_are_20_40_60_80_100_percent() -> None:
    assert [milestone_share(i) for i in range(1, 6)] == [
        D("0.2"),
        D("0.4"),
        D("0.6"),
        D("0.8"),
        D("1"),
    ]
    with pytest.raises(ValueError):
        milestone_share(0)
    with pytest.raises(ValueError):
        milestone_share(6)


def test_energy_saved_against_base_intensity() -> None:
    # GDP 1000万元 at base intensity 0.6 would have used 600 tce; 550 were used: 50 saved.
    assert energy_saved(D("1000"), D("0.6"), D("550")) == D("50.0")
    assert energy_saved(D("1000"), D("0.6"), D("650")) == D("-50.0")
    assert energy_saved(NO_DATA, D("0.6"), D("550")) is NO_DATA


def test_published_rounding_is_half_up() -> None:
    assert round_half_up(D("0.03785"), 4) == D("0.0379")
