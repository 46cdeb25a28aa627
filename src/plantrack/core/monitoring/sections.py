"""Surface-water sections: monthly class from monitored values, and compliance.

- A period's value of each parameter is the arithmetic mean of its valid samples (地表水环境
  质量评价办法（试行）环办〔2011〕22号: with several samples in a week/10 days/month, the
  arithmetic mean; reference §4.2 [R-copy]).
- The section's class is the single-factor class of those means (GB 3838-2002 §5.1,
  :func:`plantrack.core.water.classify`), and it complies when that class is its function
  zone's target class or better (:func:`plantrack.core.water.meets_target`).
- A city's 功能区断面达标率 = compliant sections / sections with a class
  (:func:`plantrack.core.water.section_compliance_rate`).

HJ 212-2017 附录B codes are mapped to GB 3838 parameters with the factor that converts the
code's default unit to mg/L (表B.1: 总汞, 总镉, 六价铬, 总砷, 总铅 are in µg/L).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from plantrack.core.nodata import NoData
from plantrack.core.water import (
    CLASSES,
    WaterBody,
    WaterClass,
    WaterClassResult,
    classify,
    meets_target,
    section_compliance_rate,
)

__all__ = ["CODE_PARAMETERS", "SectionMonth", "city_share", "section_month", "target_class"]

# HJ 212-2017 表B.1 code → (GB 3838-2002 表1 key of core.water, factor to mg/L).
CODE_PARAMETERS: Mapping[str, tuple[str, Decimal]] = {
    "w01001": ("pH", Decimal(1)),
    "w01009": ("DO", Decimal(1)),
    "w01019": ("CODMn", Decimal(1)),
    "w01018": ("COD", Decimal(1)),
    "w01017": ("BOD5", Decimal(1)),
    "w21003": ("NH3_N", Decimal(1)),
    "w21011": ("TP", Decimal(1)),
    "w21001": ("TN", Decimal(1)),
    "w21016": ("CN", Decimal(1)),
    "w22001": ("petroleum", Decimal(1)),
    "w23002": ("volatile_phenol", Decimal(1)),
    "w20111": ("Hg", Decimal("0.001")),
    "w20115": ("Cd", Decimal("0.001")),
    "w20117": ("Cr6", Decimal("0.001")),
    "w20119": ("As", Decimal("0.001")),
    "w20120": ("Pb", Decimal("0.001")),
}


@dataclass(frozen=True)
class SectionMonth:
    """A section's month: parameter means (mg/L), class result and compliance."""

    means: dict[str, Decimal]
    result: WaterClassResult
    target: WaterClass

    @property
    def water_class(self) -> WaterClass | None:
        return self.result.water_class

    @property
    def compliant(self) -> bool | None:
        """None when no evaluated parameter was measured."""
        if self.result.water_class is None:
            return None
        return meets_target(self.result, self.target)


def target_class(number: int) -> WaterClass:
    """GB 3838-2002 class from its number 1–5 (I–V), as function zones are declared."""
    if not 1 <= number <= 5:
        raise ValueError(f"a function-zone class is 1–5 (I–V): {number}")
    return CLASSES[number - 1]


def section_month(
    values: Mapping[str, Iterable[Decimal]],
    target: WaterClass,
    water_body: WaterBody = "river",
) -> SectionMonth:
    """Class one section from its valid values of the month, keyed by HJ 212 code.

    Codes not in :data:`CODE_PARAMETERS` (flow, temperature, conductivity…) are ignored.
    """
    means: dict[str, Decimal] = {}
    for code, series in values.items():
        if code not in CODE_PARAMETERS:
            continue
        items = list(series)
        if not items:
            continue
        key, factor = CODE_PARAMETERS[code]
        means[key] = sum(items, Decimal(0)) / len(items) * factor
    result = classify(means, water_body=water_body, target_class=target)
    return SectionMonth(means, result, target)


def city_share(sections: Iterable[SectionMonth]) -> Fraction | NoData:
    """功能区断面达标率 of the sections (those without a class are left out)."""
    return section_compliance_rate((s.result, s.target) for s in sections)
