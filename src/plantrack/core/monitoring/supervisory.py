"""监督性监测达标率: the share of supervisory monitoring occasions that met the limits.

The plan's indicator 省控重点源监督性监测达标率 is 达标次数 / 监测次数 (its data elements
``key_source_tests_compliant`` and ``key_source_tests``, counted in 次). One 次 (occasion) is
one source sampled on one day; it is 达标 when every pollutant measured then meets its limit
[D: the plan counts occasions, and an occasion with one pollutant over its limit is an
exceedance of the source]. A per-pollutant rate (达标样品数 / 样品数) is given alongside.

A sample meets its limit when value ≤ upper limit and, where the standard gives a range
(pH 6–9 of GB 8978-1996), value ≥ lower limit; limits are inclusive ("不得超过").
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from plantrack.core.nodata import NO_DATA, NoData

__all__ = ["Compliance", "Sample", "compliance", "sample_complies"]


@dataclass(frozen=True)
class Sample:
    """One supervisory sample result: which source, when, which pollutant, value and limits."""

    source: Hashable
    sampled_on: dt.date
    pollutant: str
    value: Decimal
    limit: Decimal | None
    lower_limit: Decimal | None = None


@dataclass(frozen=True)
class Compliance:
    """Occasions and samples counted, with the rates (NO_DATA without any)."""

    occasions: int
    occasions_compliant: int
    samples: int
    samples_compliant: int

    @property
    def rate(self) -> Fraction | NoData:
        """达标率 by occasion (the plan's indicator)."""
        return Fraction(self.occasions_compliant, self.occasions) if self.occasions else NO_DATA

    @property
    def sample_rate(self) -> Fraction | NoData:
        return Fraction(self.samples_compliant, self.samples) if self.samples else NO_DATA


def sample_complies(sample: Sample) -> bool | None:
    """True/False against the limits; None when the sample has no limit (not assessed)."""
    if sample.limit is None and sample.lower_limit is None:
        return None
    if sample.limit is not None and sample.value > sample.limit:
        return False
    return not (sample.lower_limit is not None and sample.value < sample.lower_limit)


def compliance(samples: Iterable[Sample]) -> Compliance:
    """Count occasions (source × day) and samples; samples without a limit are not assessed."""
    occasions: dict[tuple[Hashable, dt.date], bool] = defaultdict(lambda: True)
    count = compliant = 0
    for sample in samples:
        result = sample_complies(sample)
        if result is None:
            continue
        key = (sample.source, sample.sampled_on)
        occasions[key] = occasions[key] and result
        count += 1
        compliant += result
    return Compliance(len(occasions), sum(occasions.values()), count, compliant)
