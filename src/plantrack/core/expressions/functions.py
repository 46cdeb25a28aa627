"""The built-in functions of indicator expressions: names, arities and implementations.

The parser reads the names (an unknown function is refused with its column), the compiler
checks the arities and calls the implementations; both import this table from here.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TypeAlias

from plantrack.core import energy
from plantrack.core.generic import round_half_up
from plantrack.core.nodata import NO_DATA, NoData

Value: TypeAlias = Decimal | bool | NoData
"""What an expression computes: a number, a condition, or no data."""

# Eager functions receive Decimals only (a NO_DATA argument short-circuits before the call)
# and may return NO_DATA themselves, e.g. for a zero denominator.


def _ratio(a: Decimal, b: Decimal) -> Decimal | NoData:
    return a / b if b else NO_DATA


def _change(now: Decimal, prev: Decimal) -> Decimal | NoData:
    return now / prev - 1 if prev else NO_DATA


def _pp(now: Decimal, prev: Decimal) -> Decimal:
    return now - prev


def _pct(a: Decimal, b: Decimal) -> Decimal | NoData:
    return 100 * a / b if b else NO_DATA


def _round(value: Decimal, decimals: Decimal = Decimal(0)) -> Decimal | NoData:
    if decimals != decimals.to_integral_value() or abs(decimals) > 20:
        return NO_DATA
    try:
        return round_half_up(value, int(decimals))
    except InvalidOperation:  # more digits than the decimal context holds
        return NO_DATA


def _min(*values: Decimal) -> Decimal:
    return min(values)


def _max(*values: Decimal) -> Decimal:
    return max(values)


def _sum(*values: Decimal) -> Decimal:
    return sum(values, Decimal(0))


def _intensity_change(
    e_prev: Decimal, g_prev: Decimal, e_now: Decimal, g_now: Decimal
) -> Decimal | NoData:
    # energy.intensity_change raises on a zero or negative GDP and on a zero previous
    # intensity; in an expression an undefined change is "no data", not an error.
    try:
        return energy.intensity_change(e_prev, g_prev, e_now, g_now)
    except ValueError:
        return NO_DATA


def _cumulative_change(*changes: Decimal) -> Decimal | NoData:
    return energy.cumulative_change(changes)


Eager = Callable[..., Value]

# name -> (fewest arguments, most arguments or None for any number, implementation)
_EAGER: dict[str, tuple[int, int | None, Eager]] = {
    "change": (2, 2, _change),
    "pp": (2, 2, _pp),
    "ratio": (2, 2, _ratio),
    "pct": (2, 2, _pct),
    "min": (1, None, _min),
    "max": (1, None, _max),
    "abs": (1, 1, abs),
    "round": (1, 2, _round),
    "sum": (1, None, _sum),
    "intensity_change": (4, 4, _intensity_change),
    "cumulative_change": (1, None, _cumulative_change),
}
# Lazy forms: only the arguments they need are evaluated.
_LAZY: dict[str, tuple[int, int | None]] = {"if": (3, 3), "coalesce": (1, None)}
_FUNCTIONS = {name: spec[:2] for name, spec in _EAGER.items()} | _LAZY
