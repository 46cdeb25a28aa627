"""Pollutant total-emission accounting (china-methods.md §3.1, §4)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plantrack.core.emissions import (
    Pollutant,
    annual_total,
    domestic_cod_t,
    domestic_so2_t,
    reduction_vs_base,
)
from plantrack.core.generic import meets
from plantrack.core.nodata import NO_DATA

amounts = st.decimals(min_value=0, max_value=10**7, places=2)


def test_four_controlled_pollutants_with_chinese_names() -> None:
    assert [p.name_zh for p in Pollutant] == ["化学需氧量", "氨氮", "二氧化硫", "氮氧化物"]
    assert Pollutant("nox") is Pollutant.NOX


def test_annual_total_adds_new_and_subtracts_cut() -> None:
    assert annual_total(D("100"), D("5"), D("8")) == D("97")
    assert annual_total(D("100"), NO_DATA, D("8")) is NO_DATA


@given(amounts, st.lists(st.tuples(amounts, amounts), max_size=6))
def test_chained_totals_equal_base_plus_net_change(base: D, years: list[tuple[D, D]]) -> None:
    total = base
    for new, cut in years:
        result = annual_total(total, new, cut)
        assert isinstance(result, D)
        total = result
    assert total == base + sum((n for n, _ in years), D(0)) - sum((c for _, c in years), D(0))


def test_reduction_vs_base_is_a_positive_magnitude() -> None:
    assert reduction_vs_base(D("97.5"), D("100")) == D("0.025")
    assert reduction_vs_base(D("105"), D("100")) == D("-0.05")
    assert reduction_vs_base(NO_DATA, D("100")) is NO_DATA
    with pytest.raises(ValueError):
        reduction_vs_base(D("1"), D("0"))


def test_zhejiang_2011_cod_target_check() -> None:
    # Plan: "化学需氧量排放量削减2.5%" against 2010.
    assert meets(reduction_vs_base(D("97.4"), D("100")), ">=", D("0.025")) is True
    assert meets(reduction_vs_base(D("97.6"), D("100")), ">=", D("0.025")) is False


def test_domestic_cod_per_10k_urban_residents() -> None:
    # 1万人 x 70 g/人·日 x 365 日 = 255 500 000 g = 255.5 t (S62).
    assert domestic_cod_t(D("1"), D("0")) == D("255.5")
    assert domestic_cod_t(D("3000"), D("500000")) == D("766500") - D("500000")


def test_domestic_cod_for_a_half_year() -> None:
    assert domestic_cod_t(D("1"), D("0"), days=181) == D("126.7")


def test_domestic_cod_rejects_removal_above_the_load() -> None:
    with pytest.raises(ValueError, match="generated"):
        domestic_cod_t(D("1"), D("255.6"))
    with pytest.raises(ValueError):
        domestic_cod_t(D("1"), D("-1"))
    assert domestic_cod_t(NO_DATA, D("0")) is NO_DATA


@given(st.decimals(min_value=0, max_value=10**4, places=2), st.integers(2, 5))
def test_domestic_cod_load_scales_with_population(population: D, factor: int) -> None:
    assert domestic_cod_t(population * factor, 0) == factor * domestic_cod_t(population, 0)


def test_domestic_so2_from_coal_and_sulfur() -> None:
    # 1 000 t coal x 1% S x 0.8 x 2 = 16 t SO2 (S62).
    assert domestic_so2_t(D("1000"), D("0.01")) == D("16")
    assert domestic_so2_t(NO_DATA, D("0.01")) is NO_DATA


def test_domestic_so2_refuses_percent_instead_of_fraction() -> None:
    with pytest.raises(ValueError, match="fraction"):
        domestic_so2_t(D("1000"), D("1"))
