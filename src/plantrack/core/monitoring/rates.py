"""数据传输率, 数据有效率 and 数据传输有效率 of one source, pollutant and period.

Definition read [R-copy] (reference §2.1, S20 "数据传输有效率考核及数据修约方法"): 数据传输有效率
assesses the completeness and the validity of the automatic-monitoring data a key enterprise
uploads, and "定义为数据传输率和数据有效率的乘积". Waste-water outlets are assessed on COD and
氨氮, flue-gas outlets on 烟尘, SO2 and NOx (S21), per outlet and factor.

The sub-formulas were not read [U]. The usual reading, used here: on hourly data,

    数据传输率 = hours received / hours owed
    数据有效率 = valid hours / hours received
    数据传输有效率 = 传输率 × 有效率 = valid hours / hours owed

Hours owed are the period's hours minus those excluded (a declared 停产/停运, or an hour a 2005
logger flagged F 排放源停运). Amendments (修约, S20: missing or invalid data reviewed by hand,
including 停产 declarations) change an hour's status before counting; see :func:`amend`.
Rates are exact fractions; with no owed hour they are NO_DATA, with no received hour the
validity rate is NO_DATA and the product 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from plantrack.core.nodata import NO_DATA, NoData

from .flags import HourStatus, Protocol, flag_status

__all__ = [
    "ASSESSED_POLLUTANTS",
    "AmendmentError",
    "HourCounts",
    "Rates",
    "amend",
    "count_hours",
    "hour_statuses",
    "month_hours",
    "rates",
]

# S21 (reference §2.1): waste water on COD (w01018) and 氨氮 (w21003); flue gas on 烟尘 (a34013),
# SO2 (a21026) and NOx (a21002). Codes: HJ 212-2017 附录B.
ASSESSED_POLLUTANTS: Mapping[str, tuple[str, ...]] = {
    "32": ("w01018", "w21003"),
    "31": ("a34013", "a21026", "a21002"),
}


class AmendmentError(ValueError):
    """An amendment that cannot be made (e.g. declaring a never-received hour valid)."""


@dataclass(frozen=True)
class HourCounts:
    """Counts of one source, pollutant and period; ``owed`` excludes the excluded hours."""

    owed: int
    received: int
    valid: int
    excluded: int = 0

    def __add__(self, other: HourCounts) -> HourCounts:
        return HourCounts(
            self.owed + other.owed,
            self.received + other.received,
            self.valid + other.valid,
            self.excluded + other.excluded,
        )

    @property
    def missing(self) -> int:
        return self.owed - self.received

    @property
    def invalid(self) -> int:
        return self.received - self.valid


ZERO = HourCounts(0, 0, 0, 0)


@dataclass(frozen=True)
class Rates:
    """数据传输率, 数据有效率 and their product, as exact fractions (or NO_DATA)."""

    transmission: Fraction | NoData
    validity: Fraction | NoData
    transmission_validity: Fraction | NoData


def month_hours(year: int, month: int, tz: dt.tzinfo) -> list[dt.datetime]:
    """The starts of every hour of a calendar month in ``tz`` (Beijing time for HJ 212)."""
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    hours = int((end - start).total_seconds() // 3600)
    return [start + dt.timedelta(hours=h) for h in range(hours)]


def hour_statuses(
    owed_hours: Iterable[dt.datetime],
    flags: Mapping[dt.datetime, str],
    protocol: Protocol = "2017",
) -> dict[dt.datetime, HourStatus]:
    """The status of every owed hour: from its flag when received, MISSING otherwise.

    ``flags`` maps the DataTime (start) of each received hourly record to its flag; records at
    times outside ``owed_hours`` are ignored (not owed, so they cannot raise the rate above 1).
    """
    return {
        hour: flag_status(flags[hour], protocol) if hour in flags else HourStatus.MISSING
        for hour in owed_hours
    }


def amend(
    statuses: dict[dt.datetime, HourStatus],
    amendments: Mapping[dt.datetime, HourStatus],
) -> dict[dt.datetime, HourStatus]:
    """Apply amendments (修约) to hour statuses; a new dict is returned.

    A received hour may be declared valid, invalid or excluded (停产/停运); a missing hour only
    excluded: data never received cannot become valid by amendment (补遗 would have to deliver
    the data itself). No hour can be amended back to MISSING.
    """
    out = dict(statuses)
    for hour, new in amendments.items():
        if hour not in out:
            raise AmendmentError(f"{hour:%Y-%m-%d %H:%M} 不在核算时段内")
        if new == HourStatus.MISSING:
            raise AmendmentError("不能修约为“缺失”")
        if out[hour] == HourStatus.MISSING and new != HourStatus.EXCLUDED:
            raise AmendmentError(
                f"{hour:%Y-%m-%d %H:%M} 未收到数据，只能申报为停产（停运），不能修约为有效或无效"
            )
        out[hour] = new
    return out


def count_hours(statuses: Iterable[HourStatus]) -> HourCounts:
    """Owed, received, valid and excluded hours of a set of hour statuses."""
    owed = received = valid = excluded = 0
    for status in statuses:
        if status == HourStatus.EXCLUDED:
            excluded += 1
            continue
        owed += 1
        if status != HourStatus.MISSING:
            received += 1
            valid += status == HourStatus.VALID
    return HourCounts(owed, received, valid, excluded)


def rates(counts: HourCounts) -> Rates:
    """The three rates of counts (one outlet and factor, or pooled over many).

    Pooling sums the counts before dividing, so an enterprise's or a city's rate weighs each
    owed hour equally; the product then still equals valid / owed [D].
    """
    if counts.owed == 0:
        return Rates(NO_DATA, NO_DATA, NO_DATA)
    transmission = Fraction(counts.received, counts.owed)
    validity: Fraction | NoData = (
        Fraction(counts.valid, counts.received) if counts.received else NO_DATA
    )
    return Rates(transmission, validity, Fraction(counts.valid, counts.owed))
