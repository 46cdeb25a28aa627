"""Checks of a decomposition (目标分解) of a province's targets to its cities.

Two checks: amounts handed down must add up to the parent's target (at least it for a goal
such as tce saved, at most it for a cap such as new construction land), and city intensity
targets must together deliver the province's intensity target. The second is not an average
of the city rates: the province's intensity is its total energy over its total GDP
(:func:`plantrack.core.generic.aggregate_ratio`), so each city weighs by its energy use in the
numerator and by its GDP, grown at its own rate, in the denominator.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from plantrack.core.generic import Number, aggregate, aggregate_ratio, meets, to_decimal
from plantrack.core.nodata import NO_DATA, NoData, is_no_data

__all__ = [
    "AmountCheck",
    "CityTarget",
    "ImpliedChange",
    "check_amounts",
    "implied_intensity_change",
]


@dataclass(frozen=True)
class AmountCheck:
    """Sum of the children's amounts against the parent's.

    ``surplus`` is ``total − parent`` for a goal and ``parent − total`` for a cap: negative
    means the decomposition falls short. ``ok`` and both numbers are ``NO_DATA`` while any
    child's amount is missing (listed in ``missing``).
    """

    parent: Decimal
    total: Decimal | NoData
    surplus: Decimal | NoData
    ok: bool | NoData
    missing: tuple[str, ...]


def check_amounts(
    parent_value: Number,
    children_values: Mapping[str, Number | NoData],
    *,
    direction: Literal["increase", "decrease"] = "increase",
) -> AmountCheck:
    """Check that the children's amounts add up to at least (``increase``) the parent's.

    For a cap (``direction="decrease"``: emissions, new construction land) the children must
    add up to at most the parent's amount.
    """
    parent = to_decimal(parent_value)
    missing = tuple(sorted(code for code, v in children_values.items() if is_no_data(v)))
    total = aggregate(children_values.values())
    if is_no_data(total):
        return AmountCheck(parent, NO_DATA, NO_DATA, NO_DATA, missing)
    surplus = total - parent if direction == "increase" else parent - total
    ok = meets(total, ">=" if direction == "increase" else "<=", parent)
    return AmountCheck(parent, total, surplus, ok, missing)


@dataclass(frozen=True)
class CityTarget:
    """A city's base-year energy use and GDP and its signed intensity target (-0.035)."""

    region: str
    energy_base: Number | NoData
    gdp_base: Number | NoData
    target_change: Number


@dataclass(frozen=True)
class ImpliedChange:
    """The province's intensity change implied by the city targets, and its shortfall.

    ``shortfall`` is ``implied − province target`` (signed changes): positive means the city
    targets, if all met, leave the province short of its own target by that much.
    """

    implied_change: Decimal | NoData
    province_change: Decimal
    shortfall: Decimal | NoData
    ok: bool | NoData


def implied_intensity_change(
    city_targets: Sequence[CityTarget],
    gdp_growth: Number | Mapping[str, Number],
    province_change: Number,
) -> ImpliedChange:
    """The province's intensity change if every city meets its target exactly.

    City ``i`` ends with GDP ``Gᵢ(1 + gᵢ)`` and energy ``Eᵢ(1 + cᵢ)(1 + gᵢ)`` (its intensity
    changed by ``cᵢ``), so the province's change is
    ``[ΣEᵢ(1 + cᵢ)(1 + gᵢ) / ΣGᵢ(1 + gᵢ)] / [ΣEᵢ / ΣGᵢ] − 1``. ``gdp_growth`` is one assumed
    growth for every city or one per region code. Changes and growths are signed fractions.
    """
    target = to_decimal(province_change)
    before: list[tuple[Number | NoData, Number | NoData]] = []
    after: list[tuple[Number | NoData, Number | NoData]] = []
    for city in city_targets:
        growth = to_decimal(
            gdp_growth[city.region] if isinstance(gdp_growth, Mapping) else gdp_growth
        )
        before.append((city.energy_base, city.gdp_base))
        if is_no_data(city.energy_base) or is_no_data(city.gdp_base):
            after.append((NO_DATA, NO_DATA))
            continue
        factor = 1 + growth
        energy = to_decimal(city.energy_base) * (1 + to_decimal(city.target_change)) * factor
        after.append((energy, to_decimal(city.gdp_base) * factor))
    base, end = aggregate_ratio(before), aggregate_ratio(after)
    if is_no_data(base) or is_no_data(end):
        return ImpliedChange(NO_DATA, target, NO_DATA, NO_DATA)
    implied = end / base - 1
    return ImpliedChange(implied, target, implied - target, implied <= target)
