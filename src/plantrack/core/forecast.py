"""Year-end projection of a monthly amount, with an interval, odds of meeting goals, and effort.

Method (deterministic, documented here because no source prescribes one; NDRC's monthly
barometer compares "a model projection" with the annual task but its model was not published,
china-methods.md §1.3 [R] S21):

1. **Projection.** Last year's seasonal profile says which share ``s`` of the year's total had
   been reached by the same month. The year-end projection is ``YTD / s``; equivalently, the
   remaining months grow on last year's like the year to date did.
2. **Interval.** The months so far each have a year-on-year growth ``gᵢ = vᵢ / last_yearᵢ − 1``;
   their sample standard deviation ``σ`` measures how far the growth of the remaining months
   may stray from the year-to-date growth. Months move together (weather, the economy), so the
   remaining months are treated as one block: ``sd = (last year's remaining total) × σ``, with
   no ``1/√n``. The interval is ``projection ± z × sd`` for the chosen coverage (normal). It
   needs at least two months with a non-zero last-year value; in December ``sd`` is 0.
3. **Probability** of meeting a goal: the normal probability that the year-end total lies on
   the goal's side of its threshold, ``Φ`` of the distance over ``sd``.
4. **Remaining effort**: for an amount, the units needed (or, for a cap, allowed) per
   remaining month; for an intensity goal, the largest growth of energy use in the remaining
   months (against the same months of last year) that still meets the goal given an assumed
   GDP growth: ``E_max = E_last_year × (1 + g) × (1 − T)`` since intensity change =
   ``(1 + e) / (1 + g) − 1`` (§1.2 [R] S6).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from statistics import NormalDist

from plantrack.core.energy import change_from_growth_rates
from plantrack.core.generic import Comparator, Number, to_decimal
from plantrack.core.nodata import NO_DATA, NoData, is_no_data

from .messages import Message, gettext_noop

__all__ = ["AmountGoal", "Forecast", "GoalOutlook", "IntensityGoal", "forecast_year_end"]

_NORMAL = NormalDist()

NO_MONTH_REMAINS = gettext_noop("本年已无剩余月份")


@dataclass(frozen=True)
class AmountGoal:
    """A year-end total to reach (``>=``, e.g. tce saved) or not to exceed (``<=``, a cap)."""

    label: str
    value: Decimal
    comparator: Comparator = Comparator.GE


@dataclass(frozen=True)
class IntensityGoal:
    """An intensity reduction (magnitude, fraction: 0.035) with an assumed GDP growth (0.09).

    The forecast series is then energy use; the goal is met when the year-end energy use is at
    most ``last year's × (1 + gdp_growth) × (1 − reduction)``.
    """

    label: str
    reduction: Decimal
    gdp_growth: Decimal


Goal = AmountGoal | IntensityGoal


@dataclass(frozen=True)
class GoalOutlook:
    """How a goal looks from the projection.

    ``projected``: the projected total (amount goals) or the projected signed intensity change
    (intensity goals). ``remaining``: per remaining month, the units still needed (``>=``) or
    still allowed (``<=``); for an intensity goal, the largest growth (fraction) of energy use
    in the remaining months. ``None`` when no month remains.
    """

    label: str
    probability: Decimal | NoData
    projected: Decimal | NoData
    remaining: Decimal | NoData | None
    effort: str


@dataclass(frozen=True)
class Forecast:
    """A year-end projection with its interval and the outlook of each goal."""

    months: int
    ytd: Decimal | NoData
    share_last_year: Decimal | NoData
    projection: Decimal | NoData
    sd: Decimal | NoData
    low: Decimal | NoData
    high: Decimal | NoData
    coverage: Decimal
    outlooks: tuple[GoalOutlook, ...]
    note: str = ""


def forecast_year_end(
    monthly_values: Sequence[Number | NoData],
    last_year_monthly: Sequence[Number | NoData],
    goals: Sequence[Goal],
    *,
    coverage: Decimal = Decimal("0.9"),
) -> Forecast:
    """Project the year-end total from this year's months so far and last year's 12 months.

    ``monthly_values`` are the single months January onwards (not cumulative). Any missing
    month makes the projection ``NO_DATA`` (never a guess). See the module docstring for the
    method; ``coverage`` is the two-sided coverage of the interval.
    """
    months = len(monthly_values)
    if not 1 <= months <= 12 or len(last_year_monthly) != 12:
        raise ValueError("give 1 to 12 months of this year and the 12 months of last year")
    if not 0 < coverage < 1:
        raise ValueError("coverage must be between 0 and 1")
    if any(is_no_data(v) for v in [*monthly_values, *last_year_monthly]):
        return _empty(months, goals, coverage, "no data: a month is missing")
    now = [to_decimal(v) for v in monthly_values if not is_no_data(v)]
    last = [to_decimal(v) for v in last_year_monthly if not is_no_data(v)]
    ytd, last_ytd, last_total = (
        sum(now, Decimal(0)),
        sum(last[:months], Decimal(0)),
        sum(last, Decimal(0)),
    )
    if last_ytd == 0:
        return _empty(months, goals, coverage, "last year had nothing by this month", ytd)
    share = last_ytd / last_total
    projection = ytd / share
    last_rest = last_total - last_ytd
    sd = _sd(now, last[:months], last_rest)
    z = Decimal(repr(_NORMAL.inv_cdf(float((1 + coverage) / 2))))
    low = NO_DATA if is_no_data(sd) else projection - z * sd
    high = NO_DATA if is_no_data(sd) else projection + z * sd
    context = _Context(months, ytd, last_total, last_rest, projection, sd)
    return Forecast(
        months=months,
        ytd=ytd,
        share_last_year=share,
        projection=projection,
        sd=sd,
        low=low,
        high=high,
        coverage=coverage,
        outlooks=tuple(_outlook(goal, context) for goal in goals),
        note=""
        if not is_no_data(sd)
        else Message(gettext_noop("区间估计需要至少两个有上年同期数的月份")),
    )


@dataclass(frozen=True)
class _Context:
    months: int
    ytd: Decimal
    last_total: Decimal
    last_rest: Decimal
    projection: Decimal
    sd: Decimal | NoData


def _sd(now: list[Decimal], last: list[Decimal], last_rest: Decimal) -> Decimal | NoData:
    if last_rest == 0:
        return Decimal(0)  # nothing left to happen (December, or an empty rest of the year)
    growths = [n / p - 1 for n, p in zip(now, last, strict=True) if p != 0]
    if len(growths) < 2:
        return NO_DATA
    mean = sum(growths, Decimal(0)) / len(growths)
    variance = sum(((g - mean) ** 2 for g in growths), Decimal(0)) / (len(growths) - 1)
    return last_rest * variance.sqrt()


def _probability_below(threshold: Decimal, context: _Context) -> Decimal | NoData:
    """P(year-end total <= threshold) under the normal approximation."""
    if is_no_data(context.sd):
        return NO_DATA
    if context.sd == 0:
        return Decimal(1) if context.projection <= threshold else Decimal(0)
    z = (threshold - context.projection) / context.sd
    return Decimal(repr(_NORMAL.cdf(float(z))))


def _outlook(goal: Goal, context: _Context) -> GoalOutlook:
    rest = 12 - context.months
    if isinstance(goal, IntensityGoal):
        allowed = context.last_total * (1 + goal.gdp_growth) * (1 - goal.reduction)
        change = change_from_growth_rates(
            context.projection / context.last_total - 1, goal.gdp_growth
        )
        remaining: Decimal | NoData | None = None
        effort = Message(NO_MONTH_REMAINS)
        if rest and context.last_rest:
            remaining = (allowed - context.ytd) / context.last_rest - 1
            effort = Message(
                gettext_noop("其余 %(rest)s 个月能源消费量比上年同期增长不得超过 %(percent)s%%"),
                rest=rest,
                percent=f"{remaining * 100:.2f}",
            )
        return GoalOutlook(
            goal.label, _probability_below(allowed, context), change, remaining, effort
        )
    below = _probability_below(goal.value, context)
    if goal.comparator in (Comparator.GE, Comparator.GT):
        probability = NO_DATA if is_no_data(below) else 1 - below
        if context.sd == 0 and not is_no_data(below):
            probability = Decimal(1) if context.projection >= goal.value else Decimal(0)
        needed = max(goal.value - context.ytd, Decimal(0))
        per_month = needed / rest if rest else None
        effort = (
            Message(gettext_noop("每月还需完成 %(amount)s"), amount=f"{per_month:.2f}")
            if rest
            else Message(NO_MONTH_REMAINS)
        )
    elif goal.comparator in (Comparator.LE, Comparator.LT):
        probability = below
        per_month = (goal.value - context.ytd) / rest if rest else None
        effort = (
            Message(gettext_noop("每月不得超过 %(amount)s"), amount=f"{per_month:.2f}")
            if rest
            else Message(NO_MONTH_REMAINS)
        )
    else:
        raise ValueError(f"goal {goal.label}: comparator {goal.comparator} cannot be forecast")
    return GoalOutlook(goal.label, probability, context.projection, per_month, effort)


def _empty(
    months: int,
    goals: Sequence[Goal],
    coverage: Decimal,
    note: str,
    ytd: Decimal | NoData = NO_DATA,
) -> Forecast:
    outlooks = tuple(GoalOutlook(g.label, NO_DATA, NO_DATA, NO_DATA, note) for g in goals)
    return Forecast(
        months, ytd, NO_DATA, NO_DATA, NO_DATA, NO_DATA, NO_DATA, coverage, outlooks, note
    )
