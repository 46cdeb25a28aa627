"""Progress of one target at one reporting period: where it stands, what was due, how far short.

Binding (确保) and stretch (力争) levels are separate targets in a plan file, so each level is
assessed by its own call. The time logic depends on what the indicator measures:

- **amounts and counts** accumulate: the value due by now is the target times the share of the
  target's time elapsed at the end of the period (months), or times a monthly profile (the
  cumulative share of the year done by each month) when one is given;
- **changes** (a rate of change such as "单位GDP能耗下降3.5%") are compared as bulletins do: the
  year-to-date change against the whole annual requirement (§1.3 [R] S20). A target that spans
  several years (change since a base year more than one year back) is instead tracked by its
  in-period progress share 完成进度 (log form, :func:`plantrack.core.energy.progress_share`)
  against the 20/40/60/80/100% milestone of the year (§1.3 [R] S14);
- **levels** (ratios, rates, levels, indices: "森林覆盖率60%以上") are checked against the
  threshold with the target's comparator (:func:`plantrack.core.generic.meets`);
- **milestones** are done, due later or overdue against their due date.

Sign conventions follow the plan file (see ``plans/data/zhejiang-2011.yaml``): a change
indicator yields the *signed* change (-3.5 = down 3.5%); the target's ``value`` is the
*magnitude* in the target's direction and its comparator applies to that magnitude.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Literal

from plantrack.core import planfile
from plantrack.core.energy import cumulative_change, milestone_share, progress_share
from plantrack.core.expressions import Period
from plantrack.core.generic import Comparator, Number, meets, to_decimal
from plantrack.core.nodata import NO_DATA, NoData, is_no_data
from plantrack.core.periods import end_date

from .messages import Message, gettext_noop

__all__ = [
    "Observation",
    "Progress",
    "Status",
    "TargetSpec",
    "Thresholds",
    "assess_progress",
    "cumulative_observation",
]

IndicatorKind = Literal["amount", "count", "ratio", "rate", "change", "pp_change", "level", "index"]
Direction = Literal["increase", "decrease", "maintain"]

_ACCUMULATING = frozenset({"amount", "count"})
_CHANGES = frozenset({"change", "pp_change"})
_HIGHER_BETTER = frozenset({Comparator.GE, Comparator.GT})
_LOWER_BETTER = frozenset({Comparator.LE, Comparator.LT})


class Status(StrEnum):
    """Where a target stands at a period (see :func:`assess_progress` for the exact rules)."""

    ACHIEVED = "achieved"  # the target is met for good (final period, or an amount already reached)
    ON_TRACK = "on_track"  # what is due by now is met
    LAGGING = "lagging"  # behind what is due, by no more than the serious threshold
    SERIOUSLY_LAGGING = "seriously_lagging"  # behind by more than the serious threshold
    DETERIORATING = "deteriorating"  # a change moved the wrong way (不降反升)
    NO_DATA = "no_data"  # nothing reported: never read as zero
    DUE_LATER = "due_later"  # milestone not done, not yet due (or the target has not started)
    OVERDUE = "overdue"  # milestone not done after its due date
    DONE = "done"  # milestone completed by the end of the period


@dataclass(frozen=True)
class Thresholds:
    """The thresholds that separate on track, lagging and seriously lagging.

    ``serious_gap_share``: behind by more than this share of what is due is *seriously*
    lagging. The default 10% is the NDRC 2021 Q1 barometer rule, "实际值与目标值差距大于目标值
    10%" for 一级红灯 (china-methods.md §2 [R] S43). ``tolerance`` is an absolute slack in the
    indicator's unit (use it to absorb the rounding of published figures); it is also the
    width of "≈" (左右) when the target has none of its own.
    """

    serious_gap_share: Decimal = Decimal("0.10")
    tolerance: Decimal = Decimal(0)


@dataclass(frozen=True)
class TargetSpec:
    """What :func:`assess_progress` needs to know about one target at one level.

    ``base_year`` is the year a change is measured against; a change whose ``due`` year is more
    than one year after it is a multi-year target. ``start`` is when an amount starts to
    accumulate (default: 1 January of the due year). ``unit`` "%" marks a change in percent,
    which is what makes the log-form progress share apply. ``tolerance`` is the width of "≈".
    """

    code: str
    kind: Literal["quantitative", "milestone"]
    due: dt.date
    indicator_kind: IndicatorKind | None = None
    direction: Direction | None = None
    comparator: Comparator | None = None
    value: Decimal | None = None
    unit: str = ""
    level: Literal["binding", "stretch"] = "binding"
    base_year: int | None = None
    start: dt.date | None = None
    tolerance: Decimal | None = None

    @classmethod
    def from_plan(
        cls,
        target: planfile.Target,
        indicator: planfile.Indicator | None,
        *,
        plan_year: int | None = None,
        start: dt.date | None = None,
        tolerance: Decimal | None = None,
    ) -> TargetSpec:
        """Build the spec from a plan-file target and its indicator.

        A quantitative target without ``due`` is due at the end of ``plan_year``.
        """
        due = target.due
        if due is None:
            if plan_year is None:
                raise ValueError(f"target {target.code} has no due date; pass plan_year")
            due = dt.date(plan_year, 12, 31)
        if target.kind == "quantitative" and indicator is None:
            raise ValueError(f"quantitative target {target.code} needs its indicator")
        return cls(
            code=target.code,
            kind=target.kind,
            due=due,
            indicator_kind=indicator.kind if indicator else None,
            direction=target.direction,
            comparator=Comparator(target.comparator) if target.comparator else None,
            value=target.value,
            unit=target.unit,
            level=target.level,
            base_year=target.baseline.year if target.baseline else None,
            start=start,
            tolerance=tolerance,
        )


@dataclass(frozen=True)
class Observation:
    """What was reported for the target's indicator, as of the period.

    ``value``: for an amount, the total since the target's start (year to date for an annual
    target); for a change, the signed change (year to date against the same period last year
    for an annual target; cumulative since the base year for a multi-year one, see
    :func:`cumulative_observation`); for a level, the value itself. ``completed_on`` is for
    milestones: ``None`` means reported as not completed, ``NO_DATA`` that nothing was said.
    ``vintage`` (a data-release label such as "2012年公报") is passed through untouched.
    """

    value: Decimal | NoData = NO_DATA
    vintage: str = ""
    completed_on: dt.date | None | NoData = NO_DATA


@dataclass(frozen=True)
class Progress:
    """A target's status at a period with the numbers behind it.

    ``value`` and ``required`` are in the indicator's own terms (a signed change for a change,
    e.g. -2.5 against -3.5). ``gap`` is how far short the target is, in the indicator's unit,
    as a magnitude in the target's direction: positive = behind, zero or negative = ahead.
    ``share`` is the progress achieved as a fraction of the whole target (amounts: value /
    target; multi-year changes: 完成进度) and ``expected_share`` the fraction due by now.
    ``None`` means "does not apply" (milestones), ``NO_DATA`` "could not be computed".
    """

    target: str
    level: str
    period: Period
    status: Status
    value: Decimal | NoData
    vintage: str
    required: Decimal | NoData | None
    gap: Decimal | NoData | None
    share: Decimal | NoData | None
    expected_share: Decimal | None
    final: bool
    note: str = ""


def cumulative_observation(
    annual_changes: Sequence[Number | NoData], *, percent: bool = True, vintage: str = ""
) -> Observation:
    """Chain annual signed changes into the cumulative change an Observation carries.

    Uses :func:`plantrack.core.energy.cumulative_change` (Π(1 + cᵢ) − 1, §1.3 [D]). With
    ``percent`` the changes are in percent (-3.1 = down 3.1%), as the plan's indicators are.
    """
    scale = Decimal(100) if percent else Decimal(1)
    fractions = [c if is_no_data(c) else to_decimal(c) / scale for c in annual_changes]
    total = cumulative_change(fractions)
    return Observation(NO_DATA if is_no_data(total) else total * scale, vintage=vintage)


def assess_progress(
    target: TargetSpec,
    observation: Observation,
    period: Period,
    *,
    profile: Sequence[Number] | None = None,
    thresholds: Thresholds | None = None,
) -> Progress:
    """Return the progress of ``target`` at the end of ``period``.

    Statuses, in order of precedence:

    - milestones: ``done`` if completed on or before the period's end; otherwise ``overdue``
      if the period ends after ``due``, else ``due_later``; ``no_data`` if nothing reported;
    - quantitative: ``due_later`` if the period ends before the target starts; ``no_data`` if
      the value is missing; ``deteriorating`` if a change moved against the target's direction
      (不降反升, 发改办环资〔2021〕629号, §2 [R] S44); ``achieved`` if the target is met at or
      after its due date, or an amount already reaches the whole target; ``on_track`` if what
      is due by now is met; ``seriously_lagging`` if the gap exceeds
      ``thresholds.serious_gap_share`` of what is due; ``lagging`` otherwise.

    ``profile`` (12 cumulative monthly shares ending at 1) replaces the even spread of an
    annual amount over the months.
    """
    limits = thresholds or Thresholds()
    as_of = end_date(period)
    if target.kind == "milestone":
        return _milestone(target, observation, period, as_of)
    if target.value is None or target.comparator is None or target.indicator_kind is None:
        raise ValueError(f"quantitative target {target.code} needs value, comparator and kind")
    if target.comparator is Comparator.APPROX and target.tolerance is None and not limits.tolerance:
        # "左右" has no defined width in the plan documents (see generic.meets).
        raise ValueError(f"target {target.code} is '≈' (左右): give it an explicit tolerance")
    start = _start(target)
    final = as_of >= target.due
    if as_of < start:
        return _result(
            target,
            observation,
            period,
            Status.DUE_LATER,
            final=False,
            note=Message(gettext_noop("目标期限尚未开始")),
        )
    if is_no_data(observation.value):
        return _result(target, observation, period, Status.NO_DATA, final=final)
    kind = target.indicator_kind
    if kind in _ACCUMULATING:
        return _amount(target, observation, period, start, profile, limits)
    if kind in _CHANGES:
        if _years(target) > 1:
            return _multi_year_change(target, observation, period, limits)
        return _annual_change(target, observation, period, limits)
    return _level(target, observation, period, limits)


# --- helpers ----------------------------------------------------------------------------------


def _start(target: TargetSpec) -> dt.date:
    if target.start is not None:
        return target.start
    if target.indicator_kind in _CHANGES and target.base_year is not None:
        return dt.date(target.base_year + 1, 1, 1)
    return dt.date(target.due.year, 1, 1)


def _years(target: TargetSpec) -> int:
    if target.base_year is None:
        return 1
    return max(1, target.due.year - target.base_year)


def _months(first: dt.date, last: dt.date) -> int:
    """Whole months from ``first``'s month to ``last``'s month, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _result(
    target: TargetSpec,
    observation: Observation,
    period: Period,
    status: Status,
    *,
    final: bool,
    required: Decimal | NoData | None = NO_DATA,
    gap: Decimal | NoData | None = NO_DATA,
    share: Decimal | NoData | None = NO_DATA,
    expected: Decimal | None = None,
    note: str = "",
) -> Progress:
    return Progress(
        target=target.code,
        level=target.level,
        period=period,
        status=status,
        value=observation.value,
        vintage=observation.vintage,
        required=required,
        gap=gap,
        share=share,
        expected_share=expected,
        final=final,
        note=note,
    )


def _milestone(
    target: TargetSpec, observation: Observation, period: Period, as_of: dt.date
) -> Progress:
    done_on = observation.completed_on
    final = as_of >= target.due
    note = ""
    if is_no_data(done_on):
        status = Status.NO_DATA
    elif done_on is not None and done_on <= as_of:
        status = Status.DONE
        if done_on > target.due:
            note = Message(
                gettext_noop("%(done)s 完成，晚于期限 %(due)s"),
                done=str(done_on),
                due=str(target.due),
            )
    else:
        status = Status.OVERDUE if as_of > target.due else Status.DUE_LATER
    return _result(
        target,
        observation,
        period,
        status,
        final=final,
        required=None,
        gap=None,
        share=None,
        note=note,
    )


def _shortfall(actual: Decimal, comparator: Comparator, required: Decimal) -> Decimal:
    """How far ``actual`` is from satisfying ``comparator required``; positive = short."""
    if comparator in _HIGHER_BETTER:
        return required - actual
    if comparator in _LOWER_BETTER:
        return actual - required
    return abs(actual - required)


def _tolerance(target: TargetSpec, limits: Thresholds) -> Decimal:
    return target.tolerance if target.tolerance is not None else limits.tolerance


def _judge(
    met: bool, short: Decimal, due_now: Decimal, limits: Thresholds, *, achieved: bool
) -> Status:
    """Status from whether what is due is met and by how much it is missed."""
    if met:
        return Status.ACHIEVED if achieved else Status.ON_TRACK
    if short > limits.serious_gap_share * abs(due_now):
        return Status.SERIOUSLY_LAGGING
    return Status.LAGGING


def _time_share(
    target: TargetSpec, start: dt.date, as_of: dt.date, profile: Sequence[Number] | None
) -> Decimal:
    total = _months(start, target.due)
    elapsed = min(max(_months(start, as_of), 0), total)
    if profile is None:
        return Decimal(elapsed) / Decimal(total)
    shares = [to_decimal(s) for s in profile]
    if len(shares) != 12 or shares[-1] != 1 or any(a > b for a, b in pairwise(shares)):
        raise ValueError("profile must be 12 non-decreasing cumulative shares ending at 1")
    if start.year != target.due.year or start.month != 1 or target.due.month != 12:
        raise ValueError("a monthly profile applies only to a calendar-year target")
    return shares[elapsed - 1]


def _amount(
    target: TargetSpec,
    observation: Observation,
    period: Period,
    start: dt.date,
    profile: Sequence[Number] | None,
    limits: Thresholds,
) -> Progress:
    assert target.value is not None and target.comparator is not None
    assert not is_no_data(observation.value)
    value, whole, comp = observation.value, target.value, target.comparator
    final = end_date(period) >= target.due
    share_due = _time_share(target, start, end_date(period), profile)
    due_now = whole * share_due
    tol = _tolerance(target, limits)
    met = bool(meets(value, comp, due_now, tol))
    # An accumulated amount cannot fall back, so reaching the whole target is for good.
    reached = comp in _HIGHER_BETTER and bool(meets(value, comp, whole, tol))
    status = _judge(
        met, _shortfall(value, comp, due_now), due_now, limits, achieved=reached or (final and met)
    )
    share = value / whole if whole != 0 else NO_DATA
    return _result(
        target,
        observation,
        period,
        status,
        final=final,
        required=due_now,
        gap=_shortfall(value, comp, due_now),
        share=share,
        expected=share_due,
    )


def _sign(target: TargetSpec) -> int:
    """+1 if the target asks the indicator to rise, -1 if to fall."""
    if target.direction == "increase":
        return 1
    if target.direction == "decrease":
        return -1
    raise ValueError(f"change target {target.code} needs direction increase or decrease")


def _annual_change(
    target: TargetSpec, observation: Observation, period: Period, limits: Thresholds
) -> Progress:
    assert target.value is not None and target.comparator is not None
    assert not is_no_data(observation.value)
    sign = _sign(target)
    magnitude = sign * observation.value  # the change in the target's direction
    final = end_date(period) >= target.due
    comp, whole = target.comparator, target.value
    met = bool(meets(magnitude, comp, whole, _tolerance(target, limits)))
    short = _shortfall(magnitude, comp, whole)
    if magnitude < 0:
        status = Status.DETERIORATING
    else:
        status = _judge(met, short, whole, limits, achieved=final and met)
    share = magnitude / whole if whole != 0 else NO_DATA
    return _result(
        target,
        observation,
        period,
        status,
        final=final,
        required=sign * whole,
        gap=short,
        share=share,
        expected=Decimal(1),
    )


def _multi_year_change(
    target: TargetSpec, observation: Observation, period: Period, limits: Thresholds
) -> Progress:
    assert target.value is not None and target.comparator is not None
    assert target.base_year is not None and not is_no_data(observation.value)
    sign, years = _sign(target), _years(target)
    year_index = min(max(period.year - target.base_year, 1), years)
    expected = milestone_share(year_index, years)
    magnitude = sign * observation.value
    final = end_date(period) >= target.due
    if target.unit == "%":
        # Log form (§1.3 [D]): matches NDRC's 完成进度 and makes the geometric annual rate hit
        # the milestones exactly. A rise is a negative reduction: ln(1 + g) / ln(1 + T).
        scale, signed = Decimal(100), Decimal(-sign)
        share = progress_share(signed * magnitude / scale, signed * target.value / scale)
        assert not is_no_data(share)
        # The cumulative change that is exactly on the milestone (inverse of the log share).
        due_now = signed * (1 - (1 - signed * target.value / scale) ** expected) * scale
    else:
        share = magnitude / target.value  # a percentage-point or absolute change adds up
        due_now = target.value * expected
    comp = target.comparator
    met = bool(meets(share, comp, expected))
    short = _shortfall(magnitude, comp, due_now)
    if magnitude < 0:
        status = Status.DETERIORATING
    else:
        status = _judge(met, short, due_now, limits, achieved=final and met)
    return _result(
        target,
        observation,
        period,
        status,
        final=final,
        required=sign * due_now,
        gap=short,
        share=share,
        expected=expected,
    )


def _level(
    target: TargetSpec, observation: Observation, period: Period, limits: Thresholds
) -> Progress:
    assert target.value is not None and target.comparator is not None
    assert not is_no_data(observation.value)
    value, comp, threshold = observation.value, target.comparator, target.value
    tol = _tolerance(target, limits)
    final = end_date(period) >= target.due
    met = bool(meets(value, comp, threshold, tol))
    short = _shortfall(value, comp, threshold)
    status = _judge(met, short, threshold, limits, achieved=final and met)
    return _result(
        target, observation, period, status, final=final, required=threshold, gap=short, share=None
    )
