"""Demo supervisory monitoring results and the computed months (演示数据).

The monitoring demo registers, in each city, a power plant's flue-gas outlet and a dye works'
waste-water outlet with their enterprises and limits, and stores a month of hourly readings.
:func:`generate_demo` adds supervisory monitoring of those outlets — two occasions a month
through 2011 up to November, values around the outlet's usual level, about one occasion in
five over a limit, near the plan's 75 % target — and computes every month that has readings.
Values are a pure function of the seed and the cell; rerunning adds nothing already there and
never touches results users entered (``is_demo`` false).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Min

from plantrack.core.hj212 import BEIJING
from plantrack.core.monitoring.supervisory import Sample, sample_complies
from plantrack.monitoring.models import MonitoredSource, Record

from .models import SupervisorySample
from .services import Month, compute_month

DEMO_LABEL = "演示数据"
SEED = "quality-2011"
MONTHS = range(1, 12)  # January to November 2011
DAYS = (5, 20)
# Typical level as a share of the limit, per pollutant code (the monitoring demo's levels).
LEVEL = {"a21026": 0.45, "a21002": 0.6, "a34013": 0.4, "w01018": 0.55, "w21003": 0.4}
NAMES = {"a21026": "二氧化硫", "a21002": "氮氧化物", "a34013": "烟尘", "w01018": "化学需氧量",
         "w21003": "氨氮"}  # fmt: skip


def _unit(*cell: object) -> float:
    digest = hashlib.blake2b(repr((SEED, *cell)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


@dataclass
class DemoResult:
    samples: int = 0
    months: int = 0

    def lines(self) -> list[str]:
        return [
            f"监测指标（{DEMO_LABEL}）：新增监督性监测结果 {self.samples} 条，计算 {self.months} 个月"
        ]


@transaction.atomic
def _samples() -> int:
    outlets = MonitoredSource.objects.filter(
        is_demo=True, system__in=("31", "32"), enterprise__isnull=False
    ).prefetch_related("pollutants")
    rows = []
    for source in outlets.select_related("enterprise"):
        for month in MONTHS:
            for day in DAYS:
                sampled_on = dt.date(2011, month, day)
                # About one occasion in five has one pollutant over its limit.
                bad = _unit("bad", source.mn, sampled_on) < 0.2
                limited = [p for p in source.pollutants.all() if p.limit and p.code in LEVEL]
                worst = int(_unit("which", source.mn, sampled_on) * len(limited)) if limited else 0
                for index, pollutant in enumerate(limited):
                    assert pollutant.limit is not None
                    share = LEVEL[pollutant.code] * (
                        0.7 + 0.6 * _unit(source.mn, sampled_on, index)
                    )
                    if bad and index == worst:
                        share = 1.05 + 0.5 * _unit("by", source.mn, sampled_on)
                    value = (pollutant.limit * Decimal(repr(round(share, 3)))).quantize(
                        Decimal("0.1")
                    )
                    sample = Sample(source.mn, sampled_on, pollutant.code, value, pollutant.limit)
                    rows.append(
                        SupervisorySample(
                            enterprise=source.enterprise,
                            outlet_code=source.outlet_code,
                            sampled_on=sampled_on,
                            pollutant=NAMES[pollutant.code],
                            value=value,
                            limit=pollutant.limit,
                            unit=pollutant.limit_unit,
                            standard=pollutant.limit_standard,
                            compliant=sample_complies(sample),
                            monitored_by=f"市环境监测站（{DEMO_LABEL}）",
                            report_no=f"DEMO-{source.mn[-4:]}-{sampled_on:%Y%m%d}",
                            is_demo=True,
                        )
                    )
    before = SupervisorySample.objects.count()
    SupervisorySample.objects.bulk_create(rows, ignore_conflicts=True)
    return SupervisorySample.objects.count() - before


def demo_months() -> list[Month]:
    """The months in which demo sources have readings."""
    span = Record.objects.filter(source__is_demo=True).aggregate(
        first=Min("time"), last=Max("time")
    )
    if span["first"] is None:
        return []
    first, last = span["first"].astimezone(BEIJING), span["last"].astimezone(BEIJING)
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(Month(year, month))
        year, month = year + month // 12, month % 12 + 1
    return months


def generate_demo() -> DemoResult:
    """Demo supervisory results, then every demo month computed (idempotent)."""
    result = DemoResult(samples=_samples())
    for month in demo_months():
        compute_month(month)
        result.months += 1
    return result
