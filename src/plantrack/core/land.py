"""Land indicators: area units, construction-land consumption and cultivated-land balance.

Sources are cited as in ``shared/reference/china-methods.md`` (§ = its section, S# = its
source list; [R] read, [D] derived, [U] unverified).

Areas are exact: conversions use ``fractions.Fraction`` so that 亩 → m² → 亩 round-trips
without drift; round only for publication (:func:`round_area`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Final

from plantrack.core.generic import Number, relative_change, round_half_up, to_decimal
from plantrack.core.nodata import NO_DATA, NoData, is_no_data

__all__ = [
    "DEFAULT_GRADE_WEIGHTS",
    "DEFAULT_GRADE_WEIGHTS_VERIFIED",
    "GRADES",
    "AreaUnit",
    "CultivatedLandBalance",
    "Parcel",
    "balance",
    "convert_area",
    "land_indicator_change",
    "land_per_fixed_investment",
    "land_per_gdp_growth",
    "round_area",
]


class AreaUnit(StrEnum):
    """Area units used in land statistics."""

    MU = "亩"
    HECTARE = "公顷"
    SQUARE_METRE = "平方米"
    SQUARE_KM = "平方公里"


# Square metres per unit. 市制: 1 公顷 = 15 亩, so 1 亩 = 10 000/15 m² exactly (≈666.67 m²);
# the customary definition used in land statistics (legal citation not checked).
_M2_PER_UNIT: Final[Mapping[AreaUnit, Fraction]] = MappingProxyType(
    {
        AreaUnit.MU: Fraction(10_000, 15),
        AreaUnit.HECTARE: Fraction(10_000),
        AreaUnit.SQUARE_METRE: Fraction(1),
        AreaUnit.SQUARE_KM: Fraction(1_000_000),
    }
)


def _fraction(value: Number) -> Fraction:
    if isinstance(value, bool):
        raise TypeError("a bool is not an area")
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def convert_area(value: Number, from_unit: AreaUnit | str, to_unit: AreaUnit | str) -> Fraction:
    """Convert an area exactly, e.g. ``convert_area(15, "亩", "公顷") == 1``."""
    source, target = AreaUnit(from_unit), AreaUnit(to_unit)
    return _fraction(value) * _M2_PER_UNIT[source] / _M2_PER_UNIT[target]


def round_area(value: Fraction | Number, decimals: int) -> Decimal:
    """Round an exact area half-up (四舍五入) for publication."""
    if isinstance(value, Fraction):
        # Divide with enough digits that the half-up rounding below is decided correctly.
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return round_half_up(value, decimals)


def land_per_gdp_growth(
    new_construction_land: Number | NoData, gdp_now: Number | NoData, gdp_prev: Number | NoData
) -> Decimal | NoData:
    """Return 单位GDP增长消耗新增建设用地量 = 新增建设用地 / GDP增量.

    Working definition, [U]: the MLR/NDRC/NBS scheme (国土资发〔2009〕12号, §5 [R] S78) names
    the indicator but its formula was not retrieved. GDP must be at comparable prices. The
    unit is that of the inputs, e.g. 亩/亿元 with land in 亩 and GDP in 亿元 (it may be
    公顷/亿元 in the national scheme: check). A GDP increase ≤ 0 leaves it undefined
    (``ValueError``).
    """
    if is_no_data(new_construction_land) or is_no_data(gdp_now) or is_no_data(gdp_prev):
        return NO_DATA
    growth = to_decimal(gdp_now) - to_decimal(gdp_prev)
    if growth <= 0:
        raise ValueError("land per GDP growth is undefined when GDP did not grow")
    return to_decimal(new_construction_land) / growth


def land_per_fixed_investment(
    new_construction_land: Number | NoData, fixed_asset_investment: Number | NoData
) -> Decimal | NoData:
    """Return 单位固定资产投资消耗新增建设用地量 = 新增建设用地 / 固定资产投资额.

    Working definition, [U] (§5, 国土资发〔2009〕12号 S78; formula not retrieved). The plan's
    wording "单位固定资产投资增长的…" may mean the investment *increase*; if so, pass the
    increase as ``fixed_asset_investment``. Units as given, e.g. 亩/亿元.
    """
    if is_no_data(new_construction_land) or is_no_data(fixed_asset_investment):
        return NO_DATA
    investment = to_decimal(fixed_asset_investment)
    if investment <= 0:
        raise ValueError("fixed-asset investment must be positive")
    return to_decimal(new_construction_land) / investment


def land_indicator_change(now: Number | NoData, prev: Number | NoData) -> Decimal | NoData:
    """Return the signed year-on-year change of a land indicator, ``now / prev − 1``.

    The 2011 plan's targets "同比下降5%" and "同比下降3%" are met when this is ≤ −0.05 and
    ≤ −0.03 respectively.
    """
    return relative_change(now, prev)


# Cultivated-land quality grades: 1 (best) to 15 (worst), the national 等别 of GB/T 28407-2012
# 农用地质量分等规程. [U]: the grade count and direction are background knowledge, not read in
# the reference (which only says 占补平衡 needs 数量质量相当, 土地管理法1998 第31条, §5 [R]).
GRADES: Final = range(1, 16)

# Production-capacity weight per grade. Placeholder, [U]: linear, grade 1 -> 15, grade 15 -> 1.
# Replace it with the province's 标准粮食产能 conversion coefficients before relying on the
# capacity balance.
DEFAULT_GRADE_WEIGHTS: Final[Mapping[int, Fraction]] = MappingProxyType(
    {grade: Fraction(16 - grade) for grade in GRADES}
)
DEFAULT_GRADE_WEIGHTS_VERIFIED: Final = False


@dataclass(frozen=True)
class Parcel:
    """Cultivated land occupied (占用) or supplemented (补充), in one area unit (亩 advised).

    ``reference`` names the parcel, project or approval document. An ``int`` or ``Decimal``
    area is accepted and stored as an exact ``Fraction``.
    """

    area: Fraction
    grade: int
    reference: str = ""

    def __post_init__(self) -> None:
        # Frozen dataclass: normalise through object.__setattr__.
        object.__setattr__(self, "area", _fraction(self.area))
        if self.grade not in GRADES:
            raise ValueError(f"grade must be within 1..15, got {self.grade}")
        if self.area < 0:
            raise ValueError("area must not be negative")


@dataclass(frozen=True)
class CultivatedLandBalance:
    """Result of :func:`balance` (areas in the parcels' unit).

    ``*_capacity`` are grade-weighted areas; ``*_mean_grade`` are area-weighted mean grades
    (lower is better; ``None`` without parcels). ``holds`` is 占补平衡: quantity not less
    (``area_balance ≥ 0``) AND quality not lower (supplemented mean grade ≤ occupied).
    """

    occupied_area: Fraction
    supplemented_area: Fraction
    area_balance: Fraction
    occupied_capacity: Fraction
    supplemented_capacity: Fraction
    capacity_balance: Fraction
    occupied_mean_grade: Fraction | None
    supplemented_mean_grade: Fraction | None
    quantity_holds: bool
    quality_holds: bool
    holds: bool
    weights_verified: bool


def _totals(
    parcels: Iterable[Parcel], weights: Mapping[int, Fraction]
) -> tuple[Fraction, Fraction, Fraction | None]:
    area, capacity, graded = Fraction(0), Fraction(0), Fraction(0)
    for parcel in parcels:
        area += parcel.area
        capacity += parcel.area * weights[parcel.grade]
        graded += parcel.area * parcel.grade
    return area, capacity, (graded / area if area else None)


def balance(
    occupations: Iterable[Parcel],
    supplements: Iterable[Parcel],
    *,
    weights: Mapping[int, Fraction] | None = None,
) -> CultivatedLandBalance:
    """Balance cultivated land occupied against land supplemented (耕地占补平衡).

    Quantity: supplemented area ≥ occupied area ("占多少，垦多少"). Quality: the supplemented
    land's area-weighted mean grade is not worse than the occupied land's ("数量质量相当").
    The capacity balance weights each area by its grade's production capacity (``weights``;
    the default is an unverified placeholder, see ``DEFAULT_GRADE_WEIGHTS``). The ledger
    design is [U] in the reference (§5); 先补后占 (timing) is not checked here.
    """
    chosen = DEFAULT_GRADE_WEIGHTS if weights is None else weights
    missing = set(GRADES) - set(chosen)
    if missing:
        raise ValueError(f"weights lack grades {sorted(missing)}")
    occ_area, occ_cap, occ_grade = _totals(occupations, chosen)
    sup_area, sup_cap, sup_grade = _totals(supplements, chosen)
    quantity = sup_area >= occ_area
    if occ_grade is None:
        quality = True  # nothing occupied: nothing to match
    else:
        quality = sup_grade is not None and sup_grade <= occ_grade
    return CultivatedLandBalance(
        occupied_area=occ_area,
        supplemented_area=sup_area,
        area_balance=sup_area - occ_area,
        occupied_capacity=occ_cap,
        supplemented_capacity=sup_cap,
        capacity_balance=sup_cap - occ_cap,
        occupied_mean_grade=occ_grade,
        supplemented_mean_grade=sup_grade,
        quantity_holds=quantity,
        quality_holds=quality,
        holds=quantity and quality,
        weights_verified=DEFAULT_GRADE_WEIGHTS_VERIFIED if weights is None else True,
    )
