"""Surface water quality: GB 3838-2002 classes and the 2011 evaluation method.

A monitoring section (断面) is classed by 单因子评价: each evaluated parameter gets the best
class whose limit it meets, and the section takes the worst of those (GB 3838-2002 §5.1,
地表水环境质量评价办法（试行）环办〔2011〕22号). A section meets its target when its class is
the target class or better ("实现水域功能与达功能类别标准为同一含义", GB 3838-2002 §3).
The 2011 plan's water targets are shares of sections (市县交界断面) and of function zones
(地表水环境功能区) that meet their targets.

Limits are Decimals and float inputs are read through their shortest decimal form, so a value
equal to a limit is never pushed over it by binary rounding.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal, TypeGuard

from plantrack.core.nodata import NO_DATA, NoData, is_no_data

__all__ = [
    "CLASSES",
    "EVALUATED_2011",
    "PARAMETERS",
    "BasinQuality",
    "Parameter",
    "ParameterResult",
    "WaterClass",
    "WaterClassResult",
    "attainment_frequency",
    "basin_quality",
    "classify",
    "function_zone_compliance_rate",
    "meets_target",
    "parameter_class",
    "section_compliance_rate",
    "section_rating",
]

WaterClass = Literal["I", "II", "III", "IV", "V", "劣V"]
WaterBody = Literal["river", "lake"]
Direction = Literal["max", "min", "range", "none"]
Number = int | float | Decimal

# GB 3838-2002 §3: classes I–V by function; 劣V is worse than V (used by the 2011 method).
CLASSES: tuple[WaterClass, ...] = ("I", "II", "III", "IV", "V", "劣V")


def _d(*values: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(v) for v in values)


@dataclass(frozen=True)
class Parameter:
    """One row of GB 3838-2002 表1 (basic items): limits for classes I–V.

    ``direction`` is 'max' (value ≤ limit), 'min' (value ≥ limit: dissolved oxygen), 'range'
    (pH: 6–9 in every class) or 'none' (水温: no class limits). ``lake_limits`` are the
    湖、库 limits where the table gives them (total phosphorus).
    """

    key: str
    number: int
    name: str
    unit: str
    direction: Direction
    limits: tuple[Decimal, ...] = ()
    lake_limits: tuple[Decimal, ...] | None = None


# GB 3838-2002 表1 地表水环境质量标准基本项目标准限值 (mg/L unless stated), rows 1–24.
PARAMETERS: Mapping[str, Parameter] = {
    p.key: p
    for p in (
        # Row 1: only man-made change is limited (周平均最大温升 ≤ 1, 温降 ≤ 2); no classes.
        Parameter("water_temperature", 1, "水温", "°C", "none"),
        Parameter("pH", 2, "pH值", "无量纲", "range", _d("6", "9")),
        # Row 3 class I: 饱和率 90% (或 7.5); the saturation alternative is 'DO_saturation'.
        Parameter("DO", 3, "溶解氧", "mg/L", "min", _d("7.5", "6", "5", "3", "2")),
        Parameter("CODMn", 4, "高锰酸盐指数", "mg/L", "max", _d("2", "4", "6", "10", "15")),
        Parameter("COD", 5, "化学需氧量", "mg/L", "max", _d("15", "15", "20", "30", "40")),
        Parameter("BOD5", 6, "五日生化需氧量", "mg/L", "max", _d("3", "3", "4", "6", "10")),
        Parameter("NH3_N", 7, "氨氮", "mg/L", "max", _d("0.15", "0.5", "1.0", "1.5", "2.0")),
        Parameter(
            "TP",
            8,
            "总磷（以P计）",
            "mg/L",
            "max",
            _d("0.02", "0.1", "0.2", "0.3", "0.4"),
            lake_limits=_d("0.01", "0.025", "0.05", "0.1", "0.2"),
        ),
        Parameter(
            "TN", 9, "总氮（湖、库，以N计）", "mg/L", "max", _d("0.2", "0.5", "1.0", "1.5", "2.0")
        ),
        Parameter("Cu", 10, "铜", "mg/L", "max", _d("0.01", "1.0", "1.0", "1.0", "1.0")),
        Parameter("Zn", 11, "锌", "mg/L", "max", _d("0.05", "1.0", "1.0", "2.0", "2.0")),
        Parameter(
            "F", 12, "氟化物（以F⁻计）", "mg/L", "max", _d("1.0", "1.0", "1.0", "1.5", "1.5")
        ),
        Parameter("Se", 13, "硒", "mg/L", "max", _d("0.01", "0.01", "0.01", "0.02", "0.02")),
        Parameter("As", 14, "砷", "mg/L", "max", _d("0.05", "0.05", "0.05", "0.1", "0.1")),
        Parameter(
            "Hg", 15, "汞", "mg/L", "max", _d("0.00005", "0.00005", "0.0001", "0.001", "0.001")
        ),
        Parameter("Cd", 16, "镉", "mg/L", "max", _d("0.001", "0.005", "0.005", "0.005", "0.01")),
        Parameter(
            "Cr6", 17, "铬（六价）", "mg/L", "max", _d("0.01", "0.05", "0.05", "0.05", "0.1")
        ),
        Parameter("Pb", 18, "铅", "mg/L", "max", _d("0.01", "0.01", "0.05", "0.05", "0.1")),
        Parameter("CN", 19, "氰化物", "mg/L", "max", _d("0.005", "0.05", "0.2", "0.2", "0.2")),
        Parameter(
            "volatile_phenol",
            20,
            "挥发酚",
            "mg/L",
            "max",
            _d("0.002", "0.002", "0.005", "0.01", "0.1"),
        ),
        Parameter(
            "petroleum", 21, "石油类", "mg/L", "max", _d("0.05", "0.05", "0.05", "0.5", "1.0")
        ),
        Parameter(
            "LAS", 22, "阴离子表面活性剂", "mg/L", "max", _d("0.2", "0.2", "0.2", "0.3", "0.3")
        ),
        Parameter("sulfide", 23, "硫化物", "mg/L", "max", _d("0.05", "0.1", "0.2", "0.5", "1.0")),
        Parameter(
            "fecal_coliform",
            24,
            "粪大肠菌群",
            "个/L",
            "max",
            _d("200", "2000", "10000", "20000", "40000"),
        ),
    )
}

# 环办〔2011〕22号 一（一）1: water quality is evaluated on 表1 except 水温, 总氮 and 粪大肠菌群
# (21 items); for lakes and reservoirs 总氮 enters the separate 营养状态 evaluation instead.
EVALUATED_2011: frozenset[str] = frozenset(PARAMETERS) - {
    "water_temperature",
    "TN",
    "fecal_coliform",
}

DO_SATURATION = "DO_saturation"  # % saturation; GB 3838-2002 表1 row 3 class I: ≥ 90 %.
_DO_SATURATION_CLASS_I = Decimal(90)

# 环办〔2011〕22号 断面水质定性评价: I–II 优, III 良好, IV 轻度污染, V 中度污染, 劣V 重度污染
# [R-copy; only 劣V (red) in the reference, the rest from a second reproduction]. Colours other
# than 劣V red were not verified and are left out.
_QUALITY: Mapping[WaterClass, str] = {
    "I": "优",
    "II": "优",
    "III": "良好",
    "IV": "轻度污染",
    "V": "中度污染",
    "劣V": "重度污染",
}


@dataclass(frozen=True)
class ParameterResult:
    """One evaluated parameter: its value, its own class and, if worse than the target, 超标倍数."""

    key: str
    name: str
    value: Decimal
    water_class: WaterClass
    exceedance: Decimal | None = None


@dataclass(frozen=True)
class WaterClassResult:
    """The single-factor class of one section (or sample) and what decides it.

    ``limiting_parameters`` are the parameters at the section's class; ``exceeding_parameters``
    those worse than ``target_class`` (超标项目, with 超标倍数); ``main_pollutants`` the up to
    three worst parameters when the class is worse than III (主要污染指标). ``water_class`` is
    None when no evaluated parameter had a value.
    """

    water_class: WaterClass | None
    limiting_parameters: tuple[ParameterResult, ...]
    parameters: tuple[ParameterResult, ...]
    exceeding_parameters: tuple[ParameterResult, ...]
    main_pollutants: tuple[str, ...]
    quality: str | None
    target_class: WaterClass
    water_body: WaterBody
    not_evaluated: tuple[str, ...] = ()


def parameter_class(
    key: str,
    value: Number,
    water_body: WaterBody = "river",
    do_saturation: Number | None = None,
) -> WaterClass:
    """Return the best GB 3838-2002 表1 class whose limit ``value`` meets, or '劣V'.

    Limits are inclusive (≤ for most items, ≥ for dissolved oxygen, 6 ≤ pH ≤ 9). For DO, class
    I is also met at a saturation (``do_saturation``, %) of 90 % or more. Lakes and reservoirs
    use the 湖、库 total phosphorus limits.
    """
    parameter = _parameter(key)
    amount = _decimal(value)
    if amount < 0:
        raise ValueError(f"{parameter.name} cannot be negative: {amount}")
    if parameter.direction == "none":
        raise ValueError(f"{parameter.name} has no class limits in GB 3838-2002 表1")
    if parameter.direction == "range":
        low, high = parameter.limits
        # 6–9 in every class: outside it no class is met [D].
        return "I" if low <= amount <= high else "劣V"
    if parameter.direction == "min":
        if do_saturation is not None and _decimal(do_saturation) >= _DO_SATURATION_CLASS_I:
            return "I"
        return _first_class(amount >= limit for limit in parameter.limits)
    limits = parameter.limits
    if water_body == "lake" and parameter.lake_limits is not None:
        limits = parameter.lake_limits
    return _first_class(amount <= limit for limit in limits)


def classify(
    measurements: Mapping[str, Number | None | NoData],
    water_body: WaterBody = "river",
    target_class: WaterClass = "III",
    parameters: Collection[str] = EVALUATED_2011,
) -> WaterClassResult:
    """Class a section by 单因子评价 over ``parameters`` (default: the 2011 method's 21 items).

    ``measurements`` maps parameter keys (see :data:`PARAMETERS`, plus 'DO_saturation' in %)
    to concentrations, for one sample or a period mean (the 2011 method averages several
    samples arithmetically). None or NO_DATA means not measured; measured parameters outside
    ``parameters`` are listed in ``not_evaluated``. 超标倍数 is computed against
    ``target_class``; the default III matches the 2011 method, which states exceedances against
    class III.
    """
    _check_class(target_class, allow_worse_than_v=False)
    unknown = sorted(set(measurements) - set(PARAMETERS) - {DO_SATURATION})
    unknown += sorted(set(parameters) - set(PARAMETERS))
    if unknown:
        raise ValueError(f"not a GB 3838-2002 表1 basic item: {', '.join(unknown)}")
    saturation = measurements.get(DO_SATURATION)
    saturation_value = saturation if _given(saturation) else None
    results: list[ParameterResult] = []
    for key, parameter in PARAMETERS.items():
        raw = measurements.get(key)
        if key not in parameters or not _given(raw):
            continue
        amount = _decimal(raw)
        found = parameter_class(key, amount, water_body, saturation_value)
        exceedance = _exceedance(parameter, amount, found, target_class, water_body)
        results.append(ParameterResult(key, parameter.name, amount, found, exceedance))
    not_evaluated = tuple(
        k for k in PARAMETERS if k not in parameters and not _missing(measurements.get(k))
    )
    return _section_result(tuple(results), target_class, water_body, not_evaluated)


def meets_target(result: WaterClassResult | WaterClass, target_class: WaterClass) -> bool:
    """True when the class is ``target_class`` or better (GB 3838-2002 §3, 达功能类别标准)."""
    water_class = result.water_class if isinstance(result, WaterClassResult) else result
    if water_class is None:
        raise ValueError("the section has no class: no evaluated parameter was measured")
    _check_class(water_class, allow_worse_than_v=True)
    _check_class(target_class, allow_worse_than_v=False)
    return CLASSES.index(water_class) <= CLASSES.index(target_class)


SectionInput = tuple[WaterClassResult | WaterClass | None | NoData, WaterClass]


def section_compliance_rate(sections: Iterable[SectionInput]) -> Fraction | NoData:
    """Return 断面达标率: sections meeting their target class over sections with a class.

    Each item is (the section's class result or class, its target class). Sections without a
    class (None, NO_DATA or a result without a class) are left out of both counts; with no
    valid section the rate is NO_DATA. This is 综合达标率 = 达标断面数 / 考核断面总数 of the
    11th FYP 重点流域 assessment when each section's class is its period class.
    """
    return _share_meeting(sections)


def function_zone_compliance_rate(zones: Iterable[SectionInput]) -> Fraction | NoData:
    """Return 水（环境）功能区达标率: zones meeting their function class over zones with a class.

    Unverified [U]: the zone-level rule (how a zone's samples and sections combine into one
    class, e.g. a share of samples meeting the target) was not read; pass each zone's class as
    decided by that rule. The 2011 method leaves 功能区达标评价 to the function-zoning rules.
    """
    return _share_meeting(zones)


def attainment_frequency(
    samples: Iterable[WaterClassResult | WaterClass | None | NoData],
    target_class: WaterClass,
    scheduled: int | None = None,
) -> Fraction | NoData:
    """Return a section's 水质达标率: samples meeting the target over monitoring count.

    11th FYP 重点流域 assessment: 达标次数 / 总监测次数 (52 weekly or 12 monthly). With
    ``scheduled`` the denominator is that count (a missing sample then counts as not meeting
    the target, as the published formula implies); without it, it is the number of samples
    with a class. NO_DATA when the denominator is zero.
    """
    met = 0
    valid = 0
    for sample in samples:
        water_class = None if sample is None or isinstance(sample, NoData) else _class_of(sample)
        if water_class is None:
            continue
        valid += 1
        met += meets_target(water_class, target_class)
    denominator = valid if scheduled is None else scheduled
    if scheduled is not None and valid > scheduled:
        raise ValueError(f"{valid} samples given for {scheduled} scheduled")
    return NO_DATA if denominator == 0 else Fraction(met, denominator)


def section_rating(frequency: Fraction | float | Decimal | NoData) -> str | NoData:
    """Rate a section by its 达标率: '达标' (≥ 80 %), '基本达标' (≥ 70 %) or '不达标'.

    11th FYP 重点流域水污染防治专项规划 assessment (reference S55).
    """
    if isinstance(frequency, NoData):
        return NO_DATA
    value = Fraction(_decimal(frequency)) if not isinstance(frequency, Fraction) else frequency
    if value >= Fraction(4, 5):
        return "达标"
    if value >= Fraction(7, 10):
        return "基本达标"
    return "不达标"


BasinQuality = Literal["优", "良好", "轻度污染", "中度污染", "重度污染"]


def basin_quality(section_classes: Iterable[WaterClass | None | NoData]) -> BasinQuality | NoData:
    """Rate a river or basin from its sections' classes by 断面水质类别比例法 (2011 method).

    For 5 or more sections with a class: I–III ≥ 90 % 优; 75–90 % 良好; below 75 %, by the 劣V
    share: < 20 % 轻度污染, 20–40 % 中度污染, ≥ 40 % 重度污染. With fewer sections the method
    averages each parameter over the sections and classes the mean instead: use
    :func:`classify`; this function raises ValueError. Exactly 5 is treated as "5 or more";
    the reproduction read (S53) is ambiguous there.
    """
    classes = [c for c in section_classes if not _missing(c)]
    if not classes:
        return NO_DATA
    if len(classes) < 5:
        raise ValueError("fewer than 5 sections: average the parameters and classify the mean")
    total = len(classes)
    good = Fraction(sum(1 for c in classes if c in ("I", "II", "III")), total)
    worst = Fraction(sum(1 for c in classes if c == "劣V"), total)
    if good >= Fraction(9, 10):
        return "优"
    if good >= Fraction(3, 4):
        return "良好"
    if worst < Fraction(1, 5):
        return "轻度污染"
    if worst < Fraction(2, 5):
        return "中度污染"
    return "重度污染"


# -- helpers -----------------------------------------------------------------------------------


def _parameter(key: str) -> Parameter:
    try:
        return PARAMETERS[key]
    except KeyError:
        raise ValueError(f"not a GB 3838-2002 表1 basic item: {key!r}") from None


def _first_class(meets: Iterable[bool]) -> WaterClass:
    for water_class, ok in zip(CLASSES, meets, strict=False):
        if ok:
            return water_class
    return "劣V"


def _exceedance(
    parameter: Parameter,
    amount: Decimal,
    found: WaterClass,
    target: WaterClass,
    water_body: WaterBody,
) -> Decimal | None:
    """超标倍数 = (C − C_target) / C_target for 'max' items worse than the target.

    The formula is GB 3838-2002 §5.1's 超标倍数 as commonly applied [U: the 2011 text was not
    read]; it is not computed for pH and dissolved oxygen (no upper limit to exceed).
    """
    if CLASSES.index(found) <= CLASSES.index(target) or parameter.direction != "max":
        return None
    limits = parameter.limits
    if water_body == "lake" and parameter.lake_limits is not None:
        limits = parameter.lake_limits
    standard = limits[CLASSES.index(target)]
    return (amount - standard) / standard


def _section_result(
    results: tuple[ParameterResult, ...],
    target: WaterClass,
    water_body: WaterBody,
    not_evaluated: tuple[str, ...],
) -> WaterClassResult:
    if not results:
        return WaterClassResult(None, (), (), (), (), None, target, water_body, not_evaluated)
    worst = max(results, key=lambda r: CLASSES.index(r.water_class)).water_class
    limiting = tuple(r for r in results if r.water_class == worst)
    exceeding = tuple(r for r in results if CLASSES.index(r.water_class) > CLASSES.index(target))
    return WaterClassResult(
        worst,
        limiting,
        results,
        exceeding,
        _main_pollutants(results, water_body),
        _QUALITY[worst],
        target,
        water_body,
        not_evaluated,
    )


def _main_pollutants(
    results: tuple[ParameterResult, ...], water_body: WaterBody
) -> tuple[str, ...]:
    """环办〔2011〕22号: when worse than class III, the three worst parameters by class.

    Ties within a class are ordered by 超标倍数 against class III, largest first [U: the tie
    rule and any priority for toxic items were not read]; pH and DO sort after them.
    """
    over = [r for r in results if CLASSES.index(r.water_class) > CLASSES.index("III")]

    def order(r: ParameterResult) -> tuple[int, Decimal]:
        times = _exceedance(PARAMETERS[r.key], r.value, r.water_class, "III", water_body)
        return (-CLASSES.index(r.water_class), -times if times is not None else Decimal(1))

    return tuple(r.key for r in sorted(over, key=order)[:3])


def _share_meeting(items: Iterable[SectionInput]) -> Fraction | NoData:
    met = 0
    valid = 0
    for observed, target in items:
        if observed is None or isinstance(observed, NoData):
            continue
        water_class = _class_of(observed)
        if water_class is None:
            continue
        valid += 1
        met += meets_target(water_class, target)
    return NO_DATA if valid == 0 else Fraction(met, valid)


def _class_of(value: WaterClassResult | WaterClass) -> WaterClass | None:
    if isinstance(value, WaterClassResult):
        return value.water_class
    _check_class(value, allow_worse_than_v=True)
    return value


def _check_class(value: str, allow_worse_than_v: bool) -> None:
    allowed = CLASSES if allow_worse_than_v else CLASSES[:-1]
    if value not in allowed:
        raise ValueError(f"not a water class: {value!r}; use one of {', '.join(allowed)}")


def _missing(value: object) -> bool:
    return value is None or is_no_data(value)


def _given(value: object) -> TypeGuard[Number]:
    return not _missing(value)


def _decimal(value: Number) -> Decimal:
    """The decimal a caller meant: floats through their shortest repr."""
    if isinstance(value, bool):
        raise TypeError("a measurement must be a number, not a bool")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"a measurement must be finite: {value}")
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"a measurement must be finite: {value}")
        return value
    if isinstance(value, int):
        return Decimal(value)
    raise TypeError(f"a measurement must be a number: {value!r}")
