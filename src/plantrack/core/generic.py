"""Generic indicator arithmetic: rates, changes, target checks, aggregation and rounding.

Conventions used across ``plantrack.core``:

- Values are ``decimal.Decimal``. Floats are converted through ``repr`` so ``0.031`` becomes
  ``Decimal("0.031")`` rather than its binary expansion.
- Rates and changes are *fractions*: ``Decimal("-0.035")`` means "down 3.5%". Use
  :func:`percent` to turn a fraction into a rounded percentage for publication.
- Missing inputs are :data:`~plantrack.core.nodata.NO_DATA`; a function that receives one
  returns ``NO_DATA`` instead of guessing. Aggregations offer ``skip_missing=True`` for the
  cases where a partial total is wanted on purpose.
- Rounding for publication is half-up (四舍五入), the rule of Chinese statistical practice.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Literal

from plantrack.core.nodata import NO_DATA, NoData, is_no_data

__all__ = [
    "Comparator",
    "Number",
    "aggregate",
    "aggregate_ratio",
    "meets",
    "pct_point_change",
    "percent",
    "rate",
    "relative_change",
    "round_half_up",
    "share",
    "to_decimal",
]

Number = Decimal | int | float | Fraction
"""Numeric inputs accepted by core functions (``bool`` is refused)."""

AggregateMethod = Literal["sum", "min", "max"]


def to_decimal(value: Number) -> Decimal:
    """Convert ``value`` to ``Decimal``; floats go through ``repr`` to keep their short form.

    A ``Fraction`` is divided out at the current decimal precision (28 digits by default).
    """
    if isinstance(value, bool):
        raise TypeError("a bool is not a number here")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    raise TypeError(f"expected a number, got {type(value).__name__}")


def round_half_up(value: Number, decimals: int) -> Decimal:
    """Round ``value`` to ``decimals`` places, halves away from zero (四舍五入).

    ``round_half_up(Decimal("0.0125"), 3) == Decimal("0.013")``; Python's ``round`` would
    give ``0.012`` (banker's rounding), which does not match published statistics.
    """
    exponent = Decimal(1).scaleb(-decimals)
    return to_decimal(value).quantize(exponent, rounding=ROUND_HALF_UP)


def percent(fraction: Decimal | NoData, decimals: int | None = None) -> Decimal | NoData:
    """Express a fraction as a percentage (``-0.0379 -> -3.79``), optionally rounded half-up."""
    if is_no_data(fraction):
        return NO_DATA
    value = fraction * 100
    return value if decimals is None else round_half_up(value, decimals)


def rate(numerator: Number | NoData, denominator: Number | NoData) -> Decimal | NoData:
    """Return ``numerator / denominator``; ``NO_DATA`` if either is missing.

    A zero denominator raises ``ZeroDivisionError``: it is not missing data but an undefined
    indicator, and it must not be reported as 0 or as "no data".
    """
    if is_no_data(numerator) or is_no_data(denominator):
        return NO_DATA
    den = to_decimal(denominator)
    if den == 0:
        raise ZeroDivisionError("rate with a zero denominator is undefined")
    return to_decimal(numerator) / den


def share(part: Number | NoData, whole: Number | NoData) -> Decimal | NoData:
    """Return the share ``part / whole`` as a fraction (e.g. 三产占比)."""
    return rate(part, whole)


def pct_point_change(now_pct: Number | NoData, prev_pct: Number | NoData) -> Decimal | NoData:
    """Return the change in percentage points (百分点), ``now_pct - prev_pct``.

    Both inputs are in the same unit (both percentages or both fractions); the result is in
    that unit. "比重提高1个百分点" is ``pct_point_change(now, prev) >= 1`` with percentages.
    """
    if is_no_data(now_pct) or is_no_data(prev_pct):
        return NO_DATA
    return to_decimal(now_pct) - to_decimal(prev_pct)


def relative_change(now: Number | NoData, prev: Number | NoData) -> Decimal | NoData:
    """Return the signed relative change ``now / prev - 1`` (同比/增速), e.g. -0.05 = down 5%."""
    ratio = rate(now, prev)
    if is_no_data(ratio):
        return NO_DATA
    return ratio - 1


class Comparator(StrEnum):
    """How a reported value is checked against its target."""

    GE = ">="  # 以上 / 不低于
    LE = "<="  # 以下 / 不超过 / 控制在…以内
    GT = ">"  # 超过
    LT = "<"  # 低于
    EQ = "="  # 达到 (exact)
    APPROX = "≈"  # 左右: within an explicit tolerance, which the plan text never states


def meets(
    value: Number | NoData,
    comparator: Comparator | str,
    target: Number | NoData,
    tolerance: Number | None = None,
) -> bool | NoData:
    """Check ``value <comparator> target``; ``NO_DATA`` if the value or target is missing.

    ``tolerance`` widens every comparison by that absolute amount (use it to absorb the
    rounding of published figures). For ``≈`` (左右) a tolerance is required, since "about
    X" has no defined width in the plan documents.
    """
    comp = Comparator(comparator)
    if is_no_data(value) or is_no_data(target):
        return NO_DATA
    if comp is Comparator.APPROX and tolerance is None:
        raise ValueError("comparator '≈' (左右) needs an explicit tolerance")
    tol = to_decimal(tolerance) if tolerance is not None else Decimal(0)
    if tol < 0:
        raise ValueError("tolerance must not be negative")
    v, t = to_decimal(value), to_decimal(target)
    if comp is Comparator.GE:
        return v >= t - tol
    if comp is Comparator.LE:
        return v <= t + tol
    if comp is Comparator.GT:
        return v > t - tol
    if comp is Comparator.LT:
        return v < t + tol
    return abs(v - t) <= tol


def aggregate(
    values: Iterable[Number | NoData],
    method: AggregateMethod = "sum",
    *,
    skip_missing: bool = False,
) -> Decimal | NoData:
    """Aggregate an amount (tce, tonnes, 亩 …) across regions.

    Only amounts may be aggregated this way; ratios go through :func:`aggregate_ratio`, never
    an average. If any value is ``NO_DATA`` the result is ``NO_DATA`` unless
    ``skip_missing=True``, which aggregates what is present. With nothing to aggregate (an
    empty input, or every value skipped) the result is ``NO_DATA``, not 0.
    """
    if method not in ("sum", "min", "max"):
        raise ValueError(f"unknown aggregation method {method!r}; use sum, min or max")
    present: list[Decimal] = []
    for value in values:
        if is_no_data(value):
            if not skip_missing:
                return NO_DATA
            continue
        present.append(to_decimal(value))
    if not present:
        return NO_DATA
    if method == "min":
        return min(present)
    if method == "max":
        return max(present)
    return sum(present, Decimal(0))


def aggregate_ratio(
    pairs: Iterable[tuple[Number | NoData, Number | NoData]],
    *,
    skip_missing: bool = False,
) -> Decimal | NoData:
    """Aggregate a ratio across regions as ``Σ numerator / Σ denominator``.

    This is how a province's intensity follows from its cities' energy and GDP; averaging the
    cities' intensities would weight a small county like a large city. A pair is missing if
    either part is ``NO_DATA``; with ``skip_missing=True`` the whole pair is dropped so the
    numerator and denominator keep covering the same regions.
    """
    numerators: list[Number] = []
    denominators: list[Number] = []
    for numerator, denominator in pairs:
        if is_no_data(numerator) or is_no_data(denominator):
            if not skip_missing:
                return NO_DATA
            continue
        numerators.append(numerator)
        denominators.append(denominator)
    if not numerators:
        return NO_DATA
    return rate(aggregate(numerators), aggregate(denominators))
