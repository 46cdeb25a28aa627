"""A target decomposed (目标分解) to cities, counties or departments: shares, checks, adjustments.

The checks are :mod:`plantrack.core.decomposition`'s: amounts handed down must add up to the
province's target, and city intensity targets must together deliver the province's, each
city weighed by its base-year energy use and GDP as approved in the reports. Every change of a
share goes through :func:`set_share` or :func:`remove_share`, which record a
:class:`~plantrack.plans.models.TargetAdjustment` with who, when and why.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction

from plantrack.core.decomposition import (
    AmountCheck,
    CityTarget,
    ImpliedChange,
    check_amounts,
    implied_intensity_change,
)
from plantrack.core.nodata import NO_DATA, NoData
from plantrack.core.periods import Period
from plantrack.departments.models import Department
from plantrack.progress.forecasts import shape_of
from plantrack.progress.services import _revision, compiled_indicators
from plantrack.progress.sources import Loaded, load_values
from plantrack.regions.models import Region

from .models import Target, TargetAdjustment, TargetShare

AMOUNT_KINDS = {"amount", "count"}
_LAST: dict[str, Callable[[int], Period]] = {
    "month": lambda y: Period(y, month=12),
    "quarter": lambda y: Period(y, quarter=4),
    "half": lambda y: Period(y, half=2),
    "year": Period,
}


class ShareError(ValueError):
    """A share that cannot be set: no reason, no holder, or a holder of the wrong kind."""


@dataclass
class CityRow:
    """One city in the intensity check: its target (own share or the province's) and bases."""

    region: Region
    change: Decimal  # the city's target, as the target states it (3.5 = down 3.5%)
    own: bool  # a share of its own, not the province's value
    energy_base: Decimal | NoData
    gdp_base: Decimal | NoData


@dataclass
class Decomposition:
    """What the decomposition page shows for one target."""

    target: Target
    region_shares: list[TargetShare]
    department_shares: list[TargetShare]
    amounts: AmountCheck | None = None
    departments: AmountCheck | None = None
    intensity: ImpliedChange | None = None
    cities: list[CityRow] = field(default_factory=list)
    adjustments: list[TargetAdjustment] = field(default_factory=list)


def decompose(target: Target) -> Decomposition:
    """The target's shares with the checks that apply to its indicator."""
    shares = list(target.shares.select_related("region", "department"))
    result = Decomposition(
        target,
        [s for s in shares if s.region_id is not None],
        [s for s in shares if s.department_id is not None],
        adjustments=list(target.adjustments.select_related("changed_by")),
    )
    indicator = target.indicator
    if target.value is None or indicator is None:
        return result
    direction = "increase" if target.comparator in (">=", ">") else "decrease"
    if indicator.kind in AMOUNT_KINDS:
        cities = {s.region.code: s.value for s in result.region_shares if s.region}
        departments = {s.department.code: s.value for s in result.department_shares if s.department}
        if cities:
            result.amounts = check_amounts(target.value, cities, direction=direction)  # type: ignore[arg-type]
        if departments:
            result.departments = check_amounts(target.value, departments, direction=direction)  # type: ignore[arg-type]
    elif indicator.kind == "change" and target.region.level == "province":
        _check_intensity(target, result)
    return result


def _check_intensity(target: Target, result: Decomposition) -> None:
    plan = target.plan
    assert target.indicator is not None and target.value is not None
    compiled = compiled_indicators(plan.pk, _revision(plan))
    shape = shape_of(compiled, target.indicator.code, target.indicator.kind)
    if shape is None or shape.kind != "intensity" or not result.region_shares:
        return
    base = plan.base_year
    loaded = load_values(plan, range(base, base + 1), Period(base, month=12))
    own = {s.region_id: s.value for s in result.region_shares}
    sign = -1 if target.direction == "decrease" else 1
    for city in Region.objects.valid_on(dt.date(plan.year, 12, 31)).filter(level="city"):
        energy, gdp = (
            _base_total(loaded, element, city.code, base)
            for element in (shape.series, shape.divisor)
        )
        result.cities.append(
            CityRow(city, own.get(city.pk, target.value), city.pk in own, energy, gdp)
        )
    # One GDP growth for every city cancels out of the implied change (each city's energy and
    # GDP grow by the same factor), so none needs to be assumed: 0 is as good as any.
    result.intensity = implied_intensity_change(
        [
            CityTarget(c.region.code, c.energy_base, c.gdp_base, sign * c.change / 100)
            for c in result.cities
        ],
        Decimal(0),
        sign * target.value / 100,
    )


def _base_total(loaded: Loaded, element: str | None, region: str, year: int) -> Decimal | NoData:
    """The base year's total of an element at a region, from the approved reports."""
    if element is None:
        return NO_DATA
    last = _LAST[loaded.frequency.get(element, "year")](year)
    parts = [loaded.source.value(element, region, p) for p in last.year_to_date()]
    numbers = [p for p in parts if isinstance(p, Decimal)]
    return sum(numbers, Decimal(0)) if len(numbers) == len(parts) else NO_DATA


@transaction.atomic
def set_share(
    target: Target,
    user: User,
    *,
    value: Decimal,
    reason: str,
    region: Region | None = None,
    department: Department | None = None,
    note: str = "",
) -> TargetShare:
    """Set (or change) the share of a region or department, recording the adjustment."""
    if not reason.strip():
        raise ShareError("调整目标分解必须说明原因")
    if (region is None) == (department is None):
        raise ShareError("目标分解须指定一个地区或一个部门")
    if region is not None and region.level == "province":
        raise ShareError("省级目标不能分解给省本级，请选择设区市或县（市、区）")
    holder: dict[str, Region | Department | None] = (
        {"region": region} if region is not None else {"department": department}
    )
    share = (
        TargetShare.objects.select_for_update(of=("self",))
        .filter(target=target, **holder)
        .order_by("pk")
        .first()
    )
    old = share.value if share else None
    if share is None:
        share = TargetShare(target=target, value=value, note=note, **holder)
        share.save()
    else:
        share.value, share.note = value, note
        share.save(update_fields=["value", "note", "updated_at"])
    TargetAdjustment.objects.create(
        target=target, share=share, holder=str(region or department), old_value=old,
        new_value=value, reason=reason.strip(), changed_by=user,
    )  # fmt: skip
    return share


@transaction.atomic
def remove_share(share: TargetShare, user: User, reason: str) -> None:
    """Remove a share (the region goes back to the province's value), recording why."""
    if not reason.strip():
        raise ShareError("调整目标分解必须说明原因")
    TargetAdjustment.objects.create(
        target=share.target, share=None, holder=str(share.region or share.department),
        old_value=share.value, new_value=None, reason=reason.strip(), changed_by=user,
    )  # fmt: skip
    share.delete()
