"""Coverage of the pollution load by online monitoring (在线监控覆盖污染负荷比例).

The 2011 plan (附件3 一（六）, target V00-27): "环境统计重点调查企业中占90%以上污染负荷的企业全面
安装在线监控装置，并与环保部门联网". For each region and pollutant the share is

    share = Σ load of the enterprises monitored online and networked / Σ load of all enterprises

over the enterprises with an annual emission figure from 环境统计 (the 重点调查企业). The four
pollutants are the 12th five-year plan's total-control pollutants the plan's emission targets
use (COD, NH3-N, SO2, NOx).

The plan's data elements (``pollution_load``, ``monitored_pollution_load``) are in 等标污染负荷
(equivalent-standard load): a pollutant's emission divided by a reference concentration, summed
over pollutants, so that pollutants of different harm add up. [U] The reference concentrations
are our choice, not read in a method text: GB 3838-2002 表1 class III for the water pollutants
(COD 20 mg/L, NH3-N 1.0 mg/L; env-monitoring.md §4.1 [R]) and the GB 3095-1996 class II daily
limits for the air pollutants (SO2 0.15 mg/m³, NO2 0.12 mg/m³ applied to NOx; §3.3 [R-copy]).
With emissions in t/a the equivalent load G/C0 is in 10⁶ m³/a for water (mg/L) and 10⁹ m³/a for
air (mg/m³); both are written in 10⁶ m³/a (dilution volume), so an air load is multiplied by
1,000.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Final

from plantrack.core.nodata import NO_DATA, NoData

# The pollutants of the coverage, in display order, with the HJ 212-2017 附录B codes an outlet
# reports them under.
POLLUTANT_CODES: Final[Mapping[str, str]] = {
    "cod": "w01018",
    "nh3n": "w21003",
    "so2": "a21026",
    "nox": "a21002",
}
EQUIVALENT: Final = "equivalent"

# Reference concentration and the factor to 10⁶ m³/a per t/a of emission (see the docstring).
_REFERENCE: Final[Mapping[str, tuple[Decimal, int]]] = {
    "cod": (Decimal("20"), 1),  # GB 3838-2002 表1 III, mg/L
    "nh3n": (Decimal("1.0"), 1),  # GB 3838-2002 表1 III, mg/L
    "so2": (Decimal("0.15"), 1000),  # GB 3095-1996 二级 日平均, mg/m³
    "nox": (Decimal("0.12"), 1000),  # GB 3095-1996 二级 日平均 (NO2), mg/m³ [U for NOx]
}


def equivalent_load(pollutant: str, amount: Decimal) -> Decimal:
    """The 等标污染负荷 (10⁶ m³/a) of ``amount`` t/a of ``pollutant``."""
    reference, factor = _REFERENCE[pollutant]
    return amount * factor / reference


@dataclass(frozen=True, slots=True)
class EnterpriseLoad:
    """One enterprise's annual emission of one pollutant, and whether it is monitored."""

    enterprise: str
    region: str  # the city the enterprise counts under
    pollutant: str
    amount: Decimal  # t/a
    monitored: bool


@dataclass(frozen=True, slots=True)
class Coverage:
    """The load of one region and pollutant (or ``equivalent``), and how much is monitored."""

    region: str
    pollutant: str
    total: Decimal
    monitored: Decimal
    enterprises: int
    monitored_enterprises: int

    @property
    def share(self) -> Fraction | NoData:
        """monitored / total, or NO_DATA when the region has no load of this pollutant."""
        if not self.total:
            return NO_DATA
        return Fraction(self.monitored) / Fraction(self.total)


def coverage(loads: Iterable[EnterpriseLoad], province: str) -> dict[tuple[str, str], Coverage]:
    """Coverage per (region, pollutant) for each city and for ``province`` (all rows), each
    pollutant and their equivalent load. An enterprise counts for ``equivalent`` as monitored
    when any of its pollutants is; its monitored equivalent load is that of the pollutants
    monitored."""
    sums: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    members: dict[tuple[str, str], dict[str, bool]] = defaultdict(dict)
    for row in loads:
        weight = equivalent_load(row.pollutant, row.amount)
        for region in (row.region, province):
            for pollutant, amount in ((row.pollutant, row.amount), (EQUIVALENT, weight)):
                cell = sums[(region, pollutant)]
                cell[0] += amount
                if row.monitored:
                    cell[1] += amount
                seen = members[(region, pollutant)]
                seen[row.enterprise] = seen.get(row.enterprise, False) or row.monitored
    return {
        key: Coverage(
            key[0], key[1], total, monitored, len(members[key]), sum(members[key].values())
        )
        for key, (total, monitored) in sums.items()
    }
