"""Year-end projection from the year to date and last year's seasonal profile."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plantrack.core.forecast import AmountGoal, IntensityGoal, forecast_year_end
from plantrack.core.generic import Comparator
from plantrack.core.nodata import NO_DATA

LAST_YEAR = [D(v) for v in (100, 90, 110, 105, 100, 100, 120, 125, 105, 100, 100, 110)]


def test_projection_follows_last_years_profile() -> None:
    # Every month 10% above last year: the projection is last year's total + 10%, exactly.
    now = [v * D("1.1") for v in LAST_YEAR[:6]]
    forecast = forecast_year_end(now, LAST_YEAR, [AmountGoal("binding", D("1300"))])
    assert forecast.projection == sum(LAST_YEAR) * D("1.1")
    assert forecast.share_last_year == D(605) / D(1265)
    assert forecast.sd == 0  # identical monthly growths: no dispersion
    assert forecast.outlooks[0].probability == 1


def test_interval_widens_with_dispersion_and_contains_the_projection() -> None:
    now = [D(v) for v in (104, 95, 113, 110, 103, 104)]
    forecast = forecast_year_end(now, LAST_YEAR, [])
    assert isinstance(forecast.low, D) and isinstance(forecast.high, D)
    assert isinstance(forecast.projection, D) and isinstance(forecast.sd, D)
    assert forecast.low < forecast.projection < forecast.high
    assert forecast.sd > 0


def test_december_has_no_uncertainty_and_no_remaining_effort() -> None:
    forecast = forecast_year_end(LAST_YEAR, LAST_YEAR, [AmountGoal("b", D("1265"))])
    assert forecast.sd == 0 and forecast.projection == D(1265)
    assert forecast.outlooks[0].remaining is None


def test_amount_effort_is_units_per_remaining_month() -> None:
    now = [D(50)] * 6
    forecast = forecast_year_end(now, [D(50)] * 12, [AmountGoal("b", D("660"))])
    assert forecast.outlooks[0].remaining == D(60)
    assert forecast.outlooks[0].effort == "每月还需完成 60.00"


def test_intensity_effort_is_the_allowed_energy_growth() -> None:
    # Last year 1200 tce, GDP +9%, target −3.5%: the year may use 1200×1.09×0.965 = 1262.22.
    # 630 used in H1 against 600 last year leaves 632.22 on last year's 600: +5.37%.
    last = [D(100)] * 12
    now = [D(105)] * 6
    goal = IntensityGoal("binding", D("0.035"), D("0.09"))
    outlook = forecast_year_end(now, last, [goal]).outlooks[0]
    assert isinstance(outlook.remaining, D)
    assert round(outlook.remaining * 100, 2) == D("5.37")
    assert "5.37%" in outlook.effort
    # Projected 1260 tce: 1260/1200/1.09 − 1 = −3.67%.
    assert isinstance(outlook.projected, D)
    assert round(outlook.projected * 100, 2) == D("-3.67")


def test_stretch_level_is_less_likely_than_binding() -> None:
    now = [D(v) for v in (104, 95, 113, 110, 103, 104)]
    goals = [
        IntensityGoal("binding", D("0.035"), D("0.09")),
        IntensityGoal("stretch", D("0.039"), D("0.09")),
    ]
    binding, stretch = forecast_year_end(now, LAST_YEAR, goals).outlooks
    assert isinstance(binding.probability, D) and isinstance(stretch.probability, D)
    assert stretch.probability < binding.probability


def test_missing_month_gives_no_projection() -> None:
    forecast = forecast_year_end([D(1), NO_DATA], LAST_YEAR, [AmountGoal("b", D(1))])
    assert forecast.projection is NO_DATA
    assert forecast.outlooks[0].probability is NO_DATA


def test_one_month_has_no_interval() -> None:
    forecast = forecast_year_end([D(100)], LAST_YEAR, [AmountGoal("b", D(1))])
    assert forecast.projection == D(1265)
    assert forecast.low is NO_DATA and forecast.outlooks[0].probability is NO_DATA


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        forecast_year_end([], LAST_YEAR, [])
    with pytest.raises(ValueError):
        forecast_year_end([D(1)], LAST_YEAR[:11], [])
    with pytest.raises(ValueError):
        forecast_year_end(LAST_YEAR[:3], LAST_YEAR, [AmountGoal("x", D(1), Comparator.EQ)])


months = st.lists(st.decimals(50, 150, places=1), min_size=2, max_size=11)


@given(months, st.decimals(1, 2, places=2), st.decimals(800, 1600, places=0))
def test_probability_is_monotone_in_the_year_to_date(now: list[D], k: D, goal: D) -> None:
    # Scaling every month up never lowers the odds of reaching an amount and never raises
    # the odds of staying under an intensity cap.
    base = forecast_year_end(
        now, LAST_YEAR, [AmountGoal("a", goal), IntensityGoal("i", D("0.035"), D("0.09"))]
    )
    more = forecast_year_end(
        [v * k for v in now],
        LAST_YEAR,
        [AmountGoal("a", goal), IntensityGoal("i", D("0.035"), D("0.09"))],
    )
    (a0, i0), (a1, i1) = base.outlooks, more.outlooks
    assert isinstance(a0.probability, D) and isinstance(a1.probability, D)
    assert isinstance(i0.probability, D) and isinstance(i1.probability, D)
    assert a1.probability >= a0.probability
    assert i1.probability <= i0.probability
