"""Energy accounting: conversion to standard coal, intensity and its progress measures.

Sources are cited as in ``shared/reference/china-methods.md`` (``§`` = section there, ``S#`` =
its source list). Tags: [R] read in the source, [R-copy] read in a reproduction, [D] derived
arithmetic, [U] unverified.

Sign conventions (read this before calling):

- A *change* is signed: ``Decimal("-0.035")`` means intensity fell 3.5% (下降3.5%). Functions
  named ``*_change`` return signed changes.
- A *reduction* or *target* is a positive magnitude: ``Decimal("0.18")`` means "down 18%",
  as plan targets are written. :func:`required_annual_rate`, :func:`progress_share` and
  :func:`completion_ratio` take and return magnitudes. Convert with ``reduction = -change``.

Units: energy in tce (吨标准煤), GDP in 万元 at the constant prices of the plan's base year
(12th FYP: 2010 prices, §1.2). 万tce with 亿元 gives the same number (tce/万元).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from plantrack.core.generic import Number, relative_change, round_half_up, to_decimal
from plantrack.core.nodata import NO_DATA, NoData, is_no_data

__all__ = [
    "EDITIONS",
    "ELECTRICITY_EQUAL_VALUE_BY_YEAR",
    "GBT2589_2008",
    "GBT2589_2020",
    "Basis",
    "Coefficient",
    "EnergyFigure",
    "Kind",
    "MixedBasisError",
    "UnknownCoefficient",
    "YearCoefficient",
    "change_from_growth_rates",
    "completion_ratio",
    "comprehensive_consumption",
    "cumulative_change",
    "energy_saved",
    "find_coefficient",
    "intensity",
    "intensity_change",
    "milestone_share",
    "progress_share",
    "required_annual_rate",
    "to_tce",
    "year_on_year",
    "ytd_change",
]


class Basis(StrEnum):
    """Conversion basis of an energy figure (§1.5); figures on different bases never mix."""

    EQUIVALENT = "equivalent"  # 当量值: the energy content of the carrier itself
    EQUAL_VALUE = "equal_value"  # 等价值: primary energy spent to produce the carrier


class Kind(StrEnum):
    """How a table row behaves on the two bases."""

    PRIMARY = "primary"  # 当量值 = 等价值: one coefficient serves both bases
    SECONDARY = "secondary"  # table value is 当量值; 等价值 depends on the producing plant
    WORKING_MEDIUM = "working_medium"  # 耗能工质 (Appendix B): the table value is 等价值 only


class UnknownCoefficient(ValueError):
    """The energy, or the coefficient asked for, is not in the requested table."""


class MixedBasisError(ValueError):
    """Energy figures on different bases (or table editions) were added together."""


@dataclass(frozen=True)
class Coefficient:
    """One row of a standard-coal coefficient table.

    ``kgce_per_unit`` is kg of standard coal per one ``unit`` of the physical quantity; it is
    ``None`` when the standard gives only a range (``kgce_range``), in which case the caller
    must supply the measured coefficient. ``lhv_kj`` is the average low heating value in kJ per
    ``unit`` (lower bound when ``lhv_kj_max`` is set). ``verified`` covers the coefficient,
    ``lhv_verified`` the heating value.
    """

    key: str
    name_zh: str
    unit: str
    kgce_per_unit: Decimal | None
    lhv_kj: Decimal | None
    verified: bool
    source: str
    kind: Kind = Kind.PRIMARY
    kgce_range: tuple[Decimal, Decimal] | None = None
    lhv_kj_max: Decimal | None = None
    lhv_verified: bool = True


@dataclass(frozen=True)
class YearCoefficient:
    """A year's 等价值 coefficient for electricity (kgce/kWh) with its provenance."""

    year: int
    kgce_per_kwh: Decimal
    verified: bool
    source: str


@dataclass(frozen=True)
class EnergyFigure:
    """An amount of energy in tce together with how it was converted.

    ``coefficient`` (kgce per ``coefficient_unit``) and ``energy`` describe a single
    conversion; a sum from :func:`comprehensive_consumption` has ``energy="comprehensive"``
    and no coefficient. ``verified`` is False if any table coefficient used was unverified;
    a coefficient the caller supplied counts as verified, since the caller answers for it.
    """

    tce: Decimal
    basis: Basis
    edition: str
    energy: str
    coefficient: Decimal | None
    coefficient_unit: str | None
    verified: bool
    coefficient_source: str


def _d(text: str) -> Decimal:
    return Decimal(text)


def _row(
    key: str,
    name_zh: str,
    unit: str,
    kgce: str | tuple[str, str],
    lhv: str | tuple[str, str] | None,
    source: str,
    *,
    verified: bool = True,
    lhv_verified: bool = True,
    kind: Kind = Kind.PRIMARY,
) -> Coefficient:
    single = isinstance(kgce, str)
    return Coefficient(
        key=key,
        name_zh=name_zh,
        unit=unit,
        kgce_per_unit=_d(kgce) if isinstance(kgce, str) else None,
        kgce_range=None if single else (_d(kgce[0]), _d(kgce[1])),
        lhv_kj=None if lhv is None else _d(lhv if isinstance(lhv, str) else lhv[0]),
        lhv_kj_max=None if lhv is None or isinstance(lhv, str) else _d(lhv[1]),
        verified=verified,
        lhv_verified=lhv_verified,
        source=source,
        kind=kind,
    )


_A2008 = "GB/T 2589-2008 附录A (china-methods.md §1.6)"
_B2008 = "GB/T 2589-2008 附录B 耗能工质能源等价值 (china-methods.md §1.6)"

# GB/T 2589-2008 Appendix A (各种能源折标准煤参考系数) and Appendix B (耗能工质).
# Coefficient = kcal/7000 (1 kgce = 29 307 kJ = 7 000 kcal, S28); the kJ values are
# kcal x 4.1816 as printed in the 2008 table [D]. Rows the reference tags [U] are flagged.
_ROWS_2008: tuple[Coefficient, ...] = (
    _row("raw_coal", "原煤", "kg", "0.7143", "20908", f"{_A2008} [R] S29,S30,S31"),
    _row("cleaned_coal", "洗精煤", "kg", "0.9000", "26344", f"{_A2008} [R] S29,S30,S31"),
    _row("middlings", "洗中煤", "kg", "0.2857", "8363", f"{_A2008} [R] S29,S30,S32"),
    _row(
        "coal_slime", "煤泥", "kg", ("0.2857", "0.4286"), ("8363", "12545"),
        f"{_A2008} [R] S29,S30,S32",
    ),
    _row("coke", "焦炭", "kg", "0.9714", "28435", f"{_A2008} [R] S29,S30,S31"),
    _row("crude_oil", "原油", "kg", "1.4286", "41816", f"{_A2008} [R] S29,S30,S31"),
    _row("fuel_oil", "燃料油", "kg", "1.4286", "41816", f"{_A2008} [R] S29,S30,S31"),
    _row("gasoline", "汽油", "kg", "1.4714", "43070", f"{_A2008} [R] S29,S30,S31,S33"),
    # S32 prints 1.4286 for kerosene; the reference judges that a typo.
    _row("kerosene", "煤油", "kg", "1.4714", "43070", f"{_A2008} [R] S29,S30,S31"),
    _row("diesel", "柴油", "kg", "1.4571", "42652", f"{_A2008} [R] S29,S30,S31,S33"),
    # Coal tar and residual oil: coefficient [R] S32, heating value [U].
    _row(
        "coal_tar", "煤焦油", "kg", "1.1429", "33453", f"{_A2008} coefficient [R] S32; LHV [U]",
        lhv_verified=False,
    ),
    _row(
        "residual_oil", "渣油", "kg", "1.4286", "41816",
        f"{_A2008} coefficient [R] S32; LHV [U]", lhv_verified=False,
    ),
    # S32 prints 0.7143 for LPG; the reference judges that a typo.
    _row("lpg", "液化石油气", "kg", "1.7143", "50179", f"{_A2008} [R] S30,S31"),
    # 46 055 kJ is 11 000 kcal x 4.1868, not x 4.1816 like the other rows; as printed.
    _row("refinery_gas", "炼厂干气", "kg", "1.5714", "46055", f"{_A2008} [R] S30,S31"),
    _row("oilfield_gas", "油田天然气", "m3", "1.3300", "38931", f"{_A2008} [R] S30,S33"),
    _row(
        "gasfield_gas", "气田天然气", "m3", "1.2143", "35544",
        f"{_A2008} coefficient [R] S34,S35; LHV [U]", lhv_verified=False,
    ),
    _row(
        "coal_mine_gas", "煤矿瓦斯气", "m3", ("0.5000", "0.5714"), ("14636", "16726"),
        f"{_A2008} coefficient [R] S32; LHV [U]", lhv_verified=False,
    ),
    _row(
        "coke_oven_gas", "焦炉煤气", "m3", ("0.5714", "0.6143"), ("16726", "17981"),
        f"{_A2008} [R] S30,S31,S32",
    ),
    _row("blast_furnace_gas", "高炉煤气", "m3", "0.1286", "3763", f"{_A2008} [R] S30,S32"),
    _row("producer_gas", "发生炉煤气", "m3", "0.1786", "5227", f"{_A2008} [R] S30,S32"),
    _row(
        "heavy_oil_catalytic_gas", "重油催化裂解煤气", "m3", "0.6571", "19235",
        f"{_A2008} [R] S30,S32",
    ),
    _row(
        "heavy_oil_thermal_gas", "重油热裂解煤气", "m3", "1.2143", "35544",
        f"{_A2008} [R] S30,S32",
    ),
    _row("coke_gas", "焦炭制气", "m3", "0.5571", "16308", f"{_A2008} [R] S30,S32"),
    _row(
        "pressure_gasification_gas", "压力气化煤气", "m3", "0.5143", "15054",
        f"{_A2008} [R] S30,S32",
    ),
    _row("water_gas", "水煤气", "m3", "0.3571", "10454", f"{_A2008} [R] S30,S32"),
    # 粗苯: the whole row is [U] in the reference.
    _row(
        "crude_benzene", "粗苯", "kg", "1.4286", "41816", f"{_A2008} [U] not verified",
        verified=False, lhv_verified=False,
    ),
    # Secondary energy: the table values are 当量值 (§1.5).
    _row(
        "heat", "热力", "MJ", "0.03412", None, f"{_A2008} 当量值 [R] S26,S31,S33",
        kind=Kind.SECONDARY,
    ),
    _row(
        "electricity", "电力", "kWh", "0.1229", "3600",
        f"{_A2008} 当量值 860 kcal/kWh [R] S26,S28,S33", kind=Kind.SECONDARY,
    ),
    _row(
        "steam_low_pressure", "蒸汽（低压）", "kg", "0.1286", "3763",
        f"{_A2008} 当量值 3 763 MJ/t [R] S32,S33", kind=Kind.SECONDARY,
    ),
    # Appendix B. 新水: S32 gives 0.0857, S29 appears to give 0.2571; unresolved [U].
    _row(
        "fresh_water", "新水", "t", "0.0857", None,
        f"{_B2008} [U] S32 0.0857 vs S29 0.2571 unresolved", verified=False,
        kind=Kind.WORKING_MEDIUM,
    ),
    _row("softened_water", "软水", "t", "0.4857", None, f"{_B2008} [R] S32",
         kind=Kind.WORKING_MEDIUM),
    _row("deaerated_water", "除氧水", "t", "0.9714", None, f"{_B2008} [R] S32",
         kind=Kind.WORKING_MEDIUM),
    _row("compressed_air", "压缩空气", "m3", "0.0400", None, f"{_B2008} [R] S29",
         kind=Kind.WORKING_MEDIUM),
    _row("oxygen", "氧气", "m3", "0.4000", None, f"{_B2008} [R] S29",
         kind=Kind.WORKING_MEDIUM),
    _row("acetylene", "乙炔", "m3", "8.3143", None, f"{_B2008} [R] S29",
         kind=Kind.WORKING_MEDIUM),
    _row("calcium_carbide", "电石", "kg", "2.0786", None, f"{_B2008} [R] S29",
         kind=Kind.WORKING_MEDIUM),
    # Left out as [U] in the reference: 鼓风 0.0300, 氮气 (0.4000 or 0.6714), 二氧化碳 0.2143.
)  # fmt: skip

# GB/T 2589-2020 replaced the 2008 edition and revised Appendices A and B (S36), but its
# tables were not retrievable. Only the rows that software citing the 2020 edition still uses
# (S37) are here, all unverified, until the table is filled from the purchased standard.
_S37 = "GB/T 2589-2020 as cited by public software (china-methods.md §1.6 S37) [U]"
_ROWS_2020: tuple[Coefficient, ...] = (
    _row(
        "electricity", "电力", "kWh", "0.1229", "3600", f"{_S37} 当量值",
        verified=False, lhv_verified=False, kind=Kind.SECONDARY,
    ),
    _row(
        "natural_gas", "天然气", "m3", "1.3300", None, _S37,
        verified=False, lhv_verified=False,
    ),
)  # fmt: skip


def _table(rows: Iterable[Coefficient]) -> Mapping[str, Coefficient]:
    return MappingProxyType({row.key: row for row in rows})


GBT2589_2008: Mapping[str, Coefficient] = _table(_ROWS_2008)
"""GB/T 2589-2008 Appendices A and B, keyed by English key."""

GBT2589_2020: Mapping[str, Coefficient] = _table(_ROWS_2020)
"""GB/T 2589-2020: a placeholder holding only rows reported in use, all unverified."""

EDITIONS: Mapping[str, Mapping[str, Coefficient]] = MappingProxyType(
    {"2008": GBT2589_2008, "2020": GBT2589_2020}
)

# 等价值 of electricity by year (kgce/kWh). The reference gives 0.404 kgce/kWh ("以国家统计局
# 每度电折0.404千克标准煤", S26; 4.04 tce/万kWh in an old statistical table, S29) without a
# year, so it is not in this table; pass it as `equal_value_coefficient` where it applies.
# 2011: national 6 000 kW+ thermal plants' 供电煤耗 329 g/kWh, derived from a 2012 report
# ("2012上半年,供电煤耗为324克/千瓦时,较去年年底减少5克"); not in the reference, and NBS may
# use 发电煤耗 rather than 供电煤耗 for 等价值, so it is unverified.
ELECTRICITY_EQUAL_VALUE_BY_YEAR: Mapping[int, YearCoefficient] = MappingProxyType(
    {
        2011: YearCoefficient(
            2011,
            Decimal("0.329"),
            verified=False,
            source="全国供电煤耗 2011, derived from a 2012 national press report [U]",
        ),
    }
)

# Physical units accepted by to_tce: unit -> (dimension, multiple of the dimension's base).
_UNITS: Mapping[str, tuple[str, Decimal]] = MappingProxyType(
    {
        "kg": ("mass", Decimal(1)),
        "t": ("mass", Decimal(1000)),
        "万t": ("mass", Decimal(10_000_000)),
        "m3": ("volume", Decimal(1)),
        "万m3": ("volume", Decimal(10_000)),
        "亿m3": ("volume", Decimal(100_000_000)),
        "kwh": ("electricity", Decimal(1)),
        "万kwh": ("electricity", Decimal(10_000)),
        "亿kwh": ("electricity", Decimal(100_000_000)),
        "mj": ("heat", Decimal(1)),
        "gj": ("heat", Decimal(1000)),
    }
)
_UNIT_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "千克": "kg",
        "公斤": "kg",
        "吨": "t",
        "万吨": "万t",
        "立方米": "m3",
        "万立方米": "万m3",
        "亿立方米": "亿m3",
        "千瓦时": "kwh",
        "度": "kwh",
        "万千瓦时": "万kwh",
        "亿千瓦时": "亿kwh",
        "兆焦": "mj",
        "吉焦": "gj",
    }
)


def _unit_factor(unit: str, row_unit: str) -> Decimal:
    """Return how many ``row_unit`` one ``unit`` is (e.g. ``万t`` per ``kg`` -> 10 000 000)."""
    norm = unit.strip().replace("³", "3").lower()
    norm = _UNIT_ALIASES.get(norm, norm)
    if norm not in _UNITS:
        raise ValueError(f"unknown unit {unit!r}; known: {', '.join(_UNITS)}")
    dimension, multiple = _UNITS[norm]
    row_dimension, row_multiple = _UNITS[row_unit.lower()]
    if dimension != row_dimension:
        raise ValueError(f"unit {unit!r} is {dimension}, but the coefficient is per {row_unit}")
    return multiple / row_multiple


def find_coefficient(energy: str, edition: str = "2008") -> Coefficient:
    """Return the table row for ``energy`` (English key or Chinese name) in ``edition``.

    Raises :class:`UnknownCoefficient` if the edition has no such row, saying whether another
    edition has it.
    """
    if edition not in EDITIONS:
        raise ValueError(f"unknown GB/T 2589 edition {edition!r}; known: {', '.join(EDITIONS)}")
    name = energy.strip()
    for table in EDITIONS.values():
        for row in table.values():
            if name in (row.key, row.name_zh):
                if row.key in EDITIONS[edition]:
                    return EDITIONS[edition][row.key]
                raise UnknownCoefficient(
                    f"{row.name_zh} ({row.key}) is not in the GB/T 2589-{edition} table"
                    f" held here; it exists in another edition's table"
                )
    raise UnknownCoefficient(f"unknown energy {energy!r} in any GB/T 2589 table held here")


def _pick_coefficient(
    row: Coefficient,
    basis: Basis,
    year: int | None,
    equal_value_coefficient: Number | None,
    coefficient: Number | None,
) -> tuple[Decimal, bool, str]:
    """Return (kgce per row unit, verified, source) for ``row`` on ``basis``."""
    if equal_value_coefficient is not None and not (
        row.kind is Kind.SECONDARY and basis is Basis.EQUAL_VALUE
    ):
        raise ValueError("equal_value_coefficient applies only to secondary energy at 等价值")
    if row.kind is Kind.WORKING_MEDIUM and basis is Basis.EQUIVALENT:
        raise ValueError(f"{row.name_zh}: GB/T 2589 gives 耗能工质 only at 等价值 (equal_value)")
    if row.kind is Kind.SECONDARY and basis is Basis.EQUAL_VALUE:
        if equal_value_coefficient is not None:
            return to_decimal(equal_value_coefficient), True, "caller-supplied 等价值"
        entry = None if year is None else ELECTRICITY_EQUAL_VALUE_BY_YEAR.get(year)
        if row.key == "electricity" and entry is not None:
            return entry.kgce_per_kwh, entry.verified, entry.source
        raise UnknownCoefficient(
            f"no 等价值 coefficient for {row.name_zh} (year={year}); pass"
            " equal_value_coefficient (e.g. that year's thermal-power coal consumption)"
        )
    if coefficient is not None:
        return to_decimal(coefficient), True, "caller-supplied (measured) coefficient"
    if row.kgce_per_unit is None:
        assert row.kgce_range is not None
        low, high = row.kgce_range
        raise UnknownCoefficient(
            f"{row.name_zh}: the standard gives a range {low}–{high} kgce/{row.unit};"
            " pass coefficient= with the measured value"
        )
    return row.kgce_per_unit, row.verified, row.source


def to_tce(
    amount: Number | NoData,
    energy: str,
    unit: str,
    basis: Basis | str = Basis.EQUIVALENT,
    edition: str = "2008",
    *,
    year: int | None = None,
    equal_value_coefficient: Number | None = None,
    coefficient: Number | None = None,
) -> EnergyFigure | NoData:
    """Convert a physical amount of ``energy`` to tonnes of standard coal (GB/T 2589).

    ``unit`` is the unit of ``amount`` (t, 万t, kg, m3, 万m3, 亿m3, kWh, 万kWh, 亿kWh, MJ, GJ,
    or their Chinese names). On the ``equal_value`` basis, secondary energy needs a 等价值
    coefficient: ``equal_value_coefficient`` (kgce per table unit, e.g. 0.404 kgce/kWh), or for
    electricity a ``year`` held in :data:`ELECTRICITY_EQUAL_VALUE_BY_YEAR`. ``coefficient``
    overrides the table with a measured value and is required for rows the standard gives only
    as a range (煤泥, 焦炉煤气, 煤矿瓦斯气). Returns ``NO_DATA`` if ``amount`` is missing.
    """
    chosen_basis = Basis(basis)
    row = find_coefficient(energy, edition)
    factor = _unit_factor(unit, row.unit)
    kgce, verified, source = _pick_coefficient(
        row, chosen_basis, year, equal_value_coefficient, coefficient
    )
    if is_no_data(amount):
        return NO_DATA
    return EnergyFigure(
        tce=to_decimal(amount) * factor * kgce / 1000,
        basis=chosen_basis,
        edition=edition,
        energy=row.key,
        coefficient=kgce,
        coefficient_unit=f"kgce/{row.unit}",
        verified=verified,
        coefficient_source=source,
    )


def comprehensive_consumption(items: Iterable[EnergyFigure | NoData]) -> EnergyFigure | NoData:
    """Sum energy figures into a 综合能耗 total (tce).

    All figures must share one basis and one table edition, otherwise :class:`MixedBasisError`
    is raised: a 当量 and an 等价 figure cannot be added (§1.5). Any ``NO_DATA`` item makes
    the total ``NO_DATA``; an empty input raises ``ValueError``.
    """
    figures: list[EnergyFigure] = []
    for item in items:
        if is_no_data(item):
            return NO_DATA
        figures.append(item)
    if not figures:
        raise ValueError("comprehensive_consumption needs at least one energy figure")
    bases = {f.basis for f in figures}
    if len(bases) > 1:
        raise MixedBasisError(f"cannot add figures on different bases: {sorted(bases)}")
    editions = {f.edition for f in figures}
    if len(editions) > 1:
        raise MixedBasisError(f"cannot add figures from different editions: {sorted(editions)}")
    return EnergyFigure(
        tce=sum((f.tce for f in figures), Decimal(0)),
        basis=figures[0].basis,
        edition=figures[0].edition,
        energy="comprehensive",
        coefficient=None,
        coefficient_unit=None,
        verified=all(f.verified for f in figures),
        coefficient_source="sum of " + ", ".join(sorted({f.energy for f in figures})),
    )


def _number(value: Number | EnergyFigure) -> Decimal:
    return value.tce if isinstance(value, EnergyFigure) else to_decimal(value)


def intensity(
    energy_tce: Number | EnergyFigure | NoData, gdp_10k_yuan: Number | NoData
) -> Decimal | NoData:
    """Return 单位GDP能耗 ``E / G`` in tce/万元 (NBS bulletin definition, §1.1–1.2 [R] S1, S4).

    GDP must be at the constant prices of the plan base year. Unrounded.
    """
    if is_no_data(energy_tce) or is_no_data(gdp_10k_yuan):
        return NO_DATA
    gdp = to_decimal(gdp_10k_yuan)
    if gdp <= 0:
        raise ValueError("GDP must be positive to compute an intensity")
    return _number(energy_tce) / gdp


def _rounded(value: Decimal, decimals: int | None) -> Decimal:
    return value if decimals is None else round_half_up(value, decimals)


def intensity_change(
    energy_prev: Number | EnergyFigure | NoData,
    gdp_prev: Number | NoData,
    energy_now: Number | EnergyFigure | NoData,
    gdp_now: Number | NoData,
    decimals: int | None = None,
    intensity_decimals: int | None = None,
) -> Decimal | NoData:
    """Return the signed change of intensity, ``I_t / I_{t-1} - 1`` (-0.035 = down 3.5%).

    Bulletin formula "能耗上升或降低(±%) = [(E_t/G_t)/(E_{t-1}/G_{t-1}) − 1] × 100%" (Hunan
    2016 bulletin, §1.2 [R] S4). ``intensity_decimals`` rounds both intensities half-up first,
    as the bulletins do (Hunan 2016 keeps 4 decimals, a 2013 Zhuzhou bulletin 3; S4, S5).
    ``decimals`` rounds the returned fraction (4 decimals = 2 decimals in percent).
    """
    prev = intensity(energy_prev, gdp_prev)
    now = intensity(energy_now, gdp_now)
    if is_no_data(prev) or is_no_data(now):
        return NO_DATA
    prev_r = _rounded(prev, intensity_decimals)
    if prev_r == 0:
        raise ValueError("previous intensity rounds to zero; use more intensity_decimals")
    change = _rounded(now, intensity_decimals) / prev_r - 1
    return _rounded(change, decimals)


def change_from_growth_rates(
    energy_growth: Number | NoData, value_added_growth: Number | NoData
) -> Decimal | NoData:
    """Return the intensity change from growth rates, ``(1 + e) / (1 + g) - 1``.

    "降低率 = [(1 + 能耗增速) / (1 + 增加值增速) − 1] × 100%" (§1.2, §1.4 [R] S6). Zhejiang
    2013: energy +4.1%, GDP +8.2% gives -3.79% (published -3.7%, inputs were rounded).
    """
    if is_no_data(energy_growth) or is_no_data(value_added_growth):
        return NO_DATA
    return (1 + to_decimal(energy_growth)) / (1 + to_decimal(value_added_growth)) - 1


def year_on_year(now: Number | NoData, prev: Number | NoData) -> Decimal | NoData:
    """Return the signed growth ``now / prev - 1`` (能源消费总量增速, §1.2 [R] S4)."""
    return relative_change(now, prev)


def ytd_change(
    energy_ytd_now: Number | EnergyFigure | NoData,
    gdp_ytd_now: Number | NoData,
    energy_ytd_prev: Number | EnergyFigure | NoData,
    gdp_ytd_prev: Number | NoData,
    intensity_decimals: int | None = None,
) -> Decimal | NoData:
    """Return the year-to-date intensity change against the same period of last year.

    Energy and GDP run from January to the end of the period in both years (Hangzhou scheme's
    "上半年"/"前三季度累计下降率", §1.3 [R] S20). Signed, like :func:`intensity_change`.
    """
    return intensity_change(
        energy_ytd_prev,
        gdp_ytd_prev,
        energy_ytd_now,
        gdp_ytd_now,
        intensity_decimals=intensity_decimals,
    )


def cumulative_change(annual_changes: Iterable[Number | NoData]) -> Decimal | NoData:
    """Chain signed annual changes into the cumulative change against the base year.

    ``Π(1 + cᵢ) − 1``, which for reductions rᵢ = −cᵢ is ``−[1 − Π(1 − rᵢ)]`` (§1.3 [D]; it
    reproduces Zhejiang's published 2011 −3.1%, 2012 −6.1% → 累计下降9%, S7). Signed in and
    out: ``[-0.031, -0.061] -> -0.090109``. Any ``NO_DATA`` year makes the result ``NO_DATA``.
    """
    product = Decimal(1)
    for change in annual_changes:
        if is_no_data(change):
            return NO_DATA
        product *= 1 + to_decimal(change)
    return product - 1


def _reduction_factor(reduction: Decimal, what: str) -> Decimal:
    factor = 1 - reduction
    if factor <= 0:
        raise ValueError(f"{what} must be below 1 (100%)")
    return factor


def required_annual_rate(total_reduction: Number, years: int = 5) -> Decimal:
    """Return the average annual reduction needed for ``total_reduction`` over ``years``.

    ``1 − (1 − T)^(1/years)``; magnitudes in and out. Shenzhen: 19.5% over the 12th FYP gives
    "年均下降率为4.25%" (§1.3 [R] S13).
    """
    if years <= 0:
        raise ValueError("years must be positive")
    factor = _reduction_factor(to_decimal(total_reduction), "total_reduction")
    return 1 - factor ** (Decimal(1) / years)


def progress_share(
    cumulative_reduction: Number | NoData, period_target: Number | NoData
) -> Decimal | NoData:
    """Return in-period progress 完成进度 as ``ln(1 − R) / ln(1 − T)`` (magnitudes, fraction).

    The logarithmic share matches NDRC's mid-period figures (§1.3 [D], strong inference):
    Tianjin 20.07% of 20% → 100.39% (S15); Beijing 2011 6.94% of 17% → 38.60% (S3, S16; the
    17% target itself is [U]). Meeting the geometric annual rate gives exactly 20/40/…%.
    """
    if is_no_data(cumulative_reduction) or is_no_data(period_target):
        return NO_DATA
    target = to_decimal(period_target)
    if target == 0:
        raise ValueError("period_target must not be zero")
    actual = _reduction_factor(to_decimal(cumulative_reduction), "cumulative_reduction")
    return actual.ln() / _reduction_factor(target, "period_target").ln()


def completion_ratio(
    actual_reduction: Number | NoData, target_reduction: Number | NoData
) -> Decimal | NoData:
    """Return end-of-period completion 完成目标% as the simple ratio ``actual / target``.

    NDRC/NBS 公告2011年第9号: Beijing 26.59% of 20% → 132.95% ("超额32.95%"), §1.3 [R] S17;
    Zhenjiang 25.69% of 18% → 142.7% (S18). Also local 目标完成率 rules (§3.1 [R-copy] S23).
    """
    if is_no_data(actual_reduction) or is_no_data(target_reduction):
        return NO_DATA
    target = to_decimal(target_reduction)
    if target == 0:
        raise ValueError("target_reduction must not be zero")
    return to_decimal(actual_reduction) / target


def milestone_share(year_index: int, years: int = 5) -> Decimal:
    """Return the share of the period target due by plan year ``year_index`` (1-based).

    12th FYP: "第一年完成…进度的20%，第二年40%，第三年60%，第四年80%，第五年100%" (§1.3 [R]
    S14). Pair it with :func:`progress_share`, whose log form matches these milestones.
    """
    if not 1 <= year_index <= years:
        raise ValueError(f"year_index must be within 1..{years}")
    return Decimal(year_index) / Decimal(years)


def energy_saved(
    gdp_now: Number | NoData,
    intensity_base: Number | NoData,
    energy_now: Number | EnergyFigure | NoData,
) -> Decimal | NoData:
    """Return 节能量 against a base intensity: ``G_t × I_base − E_t`` (tce; positive = saved).

    This is the common definition of 节能量 relative to a base-year intensity, [D] (not taken
    from a source the reference read). With the previous year's intensity it gives the year's
    saving (the plan's "年节能650万吨标准煤"); with the plan base year's, the cumulative one.
    """
    if is_no_data(gdp_now) or is_no_data(intensity_base) or is_no_data(energy_now):
        return NO_DATA
    return to_decimal(gdp_now) * to_decimal(intensity_base) - _number(energy_now)
