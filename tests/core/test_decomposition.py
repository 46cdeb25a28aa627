"""Checks of a province's targets decomposed to its cities."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from plantrack.core.decomposition import CityTarget, check_amounts, implied_intensity_change
from plantrack.core.nodata import NO_DATA


def test_children_must_add_up_to_at_least_the_parent() -> None:
    check = check_amounts(D(650), {"330100": D(120), "330200": D(130), "330300": D(400)})
    assert check.total == 650 and check.surplus == 0 and check.ok is True
    short = check_amounts(D(650), {"330100": D(120), "330200": D(130)})
    assert short.surplus == -400 and short.ok is False


def test_a_cap_must_not_be_exceeded_by_the_children() -> None:
    check = check_amounts(D(100), {"A": D(60), "B": D(50)}, direction="decrease")
    assert check.ok is False and check.surplus == -10


def test_a_missing_child_leaves_the_check_open() -> None:
    check = check_amounts(D(650), {"330100": D(700), "330200": NO_DATA})
    assert check.ok is NO_DATA and check.total is NO_DATA
    assert check.missing == ("330200",)


def test_equal_city_targets_give_the_same_provincial_change() -> None:
    cities = [
        CityTarget("A", D(100), D(200), D("-0.035")),
        CityTarget("B", D(50), D(300), D("-0.035")),
    ]
    result = implied_intensity_change(cities, D("0.09"), D("-0.035"))
    assert isinstance(result.implied_change, D)
    assert abs(result.implied_change - D("-0.035")) < D("1e-20")
    assert result.ok is True


def test_fast_growth_of_light_cities_helps_the_province() -> None:
    # A uses much energy for little GDP and cuts 2%; B is light and cuts 6%, growing faster.
    # Province: (100·0.98·1.08 + 50·0.94·1.12) / (200·1.08 + 300·1.12) ÷ (150/500) − 1.
    cities = [
        CityTarget("A", D(100), D(200), D("-0.02")),
        CityTarget("B", D(50), D(300), D("-0.06")),
    ]
    result = implied_intensity_change(cities, {"A": D("0.08"), "B": D("0.12")}, D("-0.035"))
    expected = (D(100) * D("0.98") * D("1.08") + D(50) * D("0.94") * D("1.12")) / (
        D(200) * D("1.08") + D(300) * D("1.12")
    ) / (D(150) / D(500)) - 1
    assert result.implied_change == expected
    assert round(result.implied_change, 4) == D("-0.0430")  # better than either city's mean
    assert isinstance(result.shortfall, D) and result.shortfall < 0 and result.ok is True


def test_fast_growth_of_heavy_cities_leaves_a_shortfall() -> None:
    # Both cut 3.5%, but the energy-heavy city grows 15% and the light one 5%: the mix shifts
    # toward energy-heavy output, so the province falls less than 3.5%.
    cities = [
        CityTarget("A", D(100), D(200), D("-0.035")),
        CityTarget("B", D(50), D(300), D("-0.035")),
    ]
    result = implied_intensity_change(cities, {"A": D("0.15"), "B": D("0.05")}, D("-0.035"))
    assert isinstance(result.shortfall, D) and result.shortfall > 0 and result.ok is False


def test_missing_base_data_gives_no_answer() -> None:
    cities = [CityTarget("A", NO_DATA, D(200), D("-0.02"))]
    assert implied_intensity_change(cities, D("0.09"), D("-0.035")).implied_change is NO_DATA


changes = st.decimals(D("-0.2"), D("0.05"), places=3)
amounts = st.decimals(1, 1000, places=0)


@given(st.lists(st.tuples(amounts, amounts, changes), min_size=1, max_size=11))
def test_implied_change_lies_between_the_city_targets_at_common_growth(rows: list) -> None:
    cities = [CityTarget(str(n), e, g, c) for n, (e, g, c) in enumerate(rows)]
    result = implied_intensity_change(cities, D("0.1"), D("-0.035"))
    assert isinstance(result.implied_change, D)
    slack = D("1e-20")
    assert (
        min(c for *_, c in rows) - slack
        <= result.implied_change
        <= max(c for *_, c in rows) + slack
    )
