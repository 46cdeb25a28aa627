"""Total-emission accounting of the major pollutants (主要污染物总量减排).

Sources are cited as in ``shared/reference/china-methods.md`` (§ = its section, S# = its
source list; [R] read, [R-copy] read in a reproduction, [D] derived, [U] unverified).

Units are explicit in every name: tonnes (吨, ``_t``), 10⁴ people (万人, ``_10k``). Plan and
bulletin totals are usually in 万吨; divide by 10 000 yourself if you need them.

Series break: 12th-FYP totals include agricultural sources, so 2011 figures are not
comparable with 2010 figures on the old basis (national COD 2 499.9 vs 1 238.1 万t, §4 [R]
S75, S77). Compare only totals of the same accounting basis.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Final

from plantrack.core.generic import Number, to_decimal
from plantrack.core.nodata import NO_DATA, NoData, is_no_data

__all__ = [
    "DOMESTIC_COD_G_PER_PERSON_DAY",
    "SO2_PER_SULFUR",
    "SULFUR_CONVERSION_RATE",
    "Pollutant",
    "annual_total",
    "domestic_cod_t",
    "domestic_so2_t",
    "reduction_vs_base",
]


class Pollutant(StrEnum):
    """The four pollutants under total-emission control in the 12th FYP (§4 [R] S72, S73)."""

    COD = "cod"
    NH3_N = "nh3_n"
    SO2 = "so2"
    NOX = "nox"

    @property
    def name_zh(self) -> str:
        """The pollutant's Chinese name as used in plans and bulletins."""
        return _NAMES_ZH[self]


_NAMES_ZH: Final[dict[Pollutant, str]] = {
    Pollutant.COD: "化学需氧量",
    Pollutant.NH3_N: "氨氮",
    Pollutant.SO2: "二氧化硫",
    Pollutant.NOX: "氮氧化物",
}

# Domestic-source coefficients, provincial statistics method (§3.1 [R-copy] S62).
DOMESTIC_COD_G_PER_PERSON_DAY: Final = Decimal(70)  # 70 g COD per urban resident per day
SULFUR_CONVERSION_RATE: Final = Decimal("0.8")  # share of the coal's sulfur emitted as SO2
SO2_PER_SULFUR: Final = Decimal(2)  # SO2/S mass ratio, 64/32
_DAYS_PER_YEAR: Final = 365  # S62 uses 365 days, leap years included
_PEOPLE_PER_10K: Final = Decimal(10_000)
_G_PER_T: Final = Decimal(1_000_000)


def annual_total(
    previous: Number | NoData, new_increase: Number | NoData, reduction: Number | NoData
) -> Decimal | NoData:
    """Return this period's emissions ``E_t = E_{t−1} + ΔE_new − ΔE_cut`` (same unit in and out).

    The three components (排放量, 新增量, 削减量) are from the 12th-FYP accounting rules (§4 [R]
    S72, S73), but the identity as written here is [U]: the equation text itself was not
    retrieved. Any missing component gives ``NO_DATA``.
    """
    if is_no_data(previous) or is_no_data(new_increase) or is_no_data(reduction):
        return NO_DATA
    return to_decimal(previous) + to_decimal(new_increase) - to_decimal(reduction)


def reduction_vs_base(e_now: Number | NoData, e_base: Number | NoData) -> Decimal | NoData:
    """Return the reduction against the base year as a positive magnitude, ``1 − E_t / E_base``.

    The accounting rules evaluate ``E_t / E_2010 − 1`` (§4; [U] as a verbatim formula); this
    returns its negation so it compares directly with targets written as "削减2.5%" (0.025).
    A rise in emissions gives a negative value.
    """
    if is_no_data(e_now) or is_no_data(e_base):
        return NO_DATA
    base = to_decimal(e_base)
    if base <= 0:
        raise ValueError("base-year emissions must be positive")
    return 1 - to_decimal(e_now) / base


def domestic_cod_t(
    urban_population_10k: Number | NoData,
    cod_removed_by_wwtp_t: Number | NoData,
    *,
    days: int = _DAYS_PER_YEAR,
) -> Decimal | NoData:
    """Estimate domestic COD emissions in tonnes (生活COD排放量).

    ``城镇常住人口 × 70 g/人·日 × 365 − 城镇污水处理厂去除的生活COD`` (§3.1 [R-copy] S62).
    ``urban_population_10k`` is the urban resident population in 万人; the removal is in
    tonnes. Use ``days`` for a part-year (e.g. a half-year report). Removal larger than the
    generated load means inconsistent data and raises ``ValueError``.
    """
    if is_no_data(urban_population_10k) or is_no_data(cod_removed_by_wwtp_t):
        return NO_DATA
    people = to_decimal(urban_population_10k) * _PEOPLE_PER_10K
    generated_t = people * DOMESTIC_COD_G_PER_PERSON_DAY * days / _G_PER_T
    removed_t = to_decimal(cod_removed_by_wwtp_t)
    if removed_t < 0 or removed_t > generated_t:
        raise ValueError(
            f"COD removed ({removed_t} t) must lie between 0 and the generated load"
            f" ({generated_t} t)"
        )
    return generated_t - removed_t


def domestic_so2_t(coal_t: Number | NoData, sulfur_content: Number | NoData) -> Decimal | NoData:
    """Estimate domestic SO2 emissions in tonnes (生活SO2排放量).

    ``生活及其他煤炭消费量 × 含硫率 × 0.8 × 2`` (§3.1 [R-copy] S62). ``coal_t`` is the coal
    burnt by households and other domestic users in tonnes; ``sulfur_content`` is a fraction
    (1% sulfur = ``Decimal("0.01")``), not a percentage.
    """
    if is_no_data(coal_t) or is_no_data(sulfur_content):
        return NO_DATA
    sulfur = to_decimal(sulfur_content)
    if not 0 <= sulfur < 1:
        raise ValueError("sulfur_content is a fraction in [0, 1): 1% is 0.01")
    return to_decimal(coal_t) * sulfur * SULFUR_CONVERSION_RATE * SO2_PER_SULFUR
