"""Exceedances (超标) of hourly averages against a source's emission limit.

An hour exceeds when its hourly average (the value kind the limit applies to: ``Avg``, or
``ZsAvg`` for flue gas, whose limits in GB 13223-2011 etc. are on values converted to the
reference oxygen content) is greater than the limit: emission standards state limits as
maxima, so a value equal to the limit complies [D, the standards' "不得超过"].

Only hours whose data are valid are judged (flags per :mod:`.flags`; amended statuses win):
an hour in maintenance, calibration, fault or communication error does not measure the
emission, so it neither proves nor disproves an exceedance. An hour flagged T (超测上限) is
also left out by that rule, although its true value is above the analyser's range; it is
listed separately (``above_range``) so nobody misses it [D].

超标倍数 = (value − limit) / limit (GB 3838-2002 §5.1 names 超标倍数; this form is [U] in the
reference, used the same way in core.water).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .flags import HourStatus

__all__ = ["Exceedance", "HourValue", "exceedances"]


@dataclass(frozen=True)
class HourValue:
    """One hourly value of one pollutant, with its flag."""

    hour: dt.datetime
    value: Decimal
    flag: str = ""


@dataclass(frozen=True)
class Exceedance:
    """An hour above the limit: value, limit and 超标倍数 (as a Decimal, 4 places)."""

    hour: dt.datetime
    value: Decimal
    limit: Decimal
    multiple: Decimal
    above_range: bool = False


def exceedances(
    values: Iterable[HourValue],
    limit: Decimal | None,
    statuses: Mapping[dt.datetime, HourStatus],
) -> list[Exceedance]:
    """The hours of ``values`` above ``limit``, in time order.

    ``statuses`` are the hours' statuses after amendment (see :func:`.rates.amend`); an hour
    counts only when VALID, or when flagged T (listed with ``above_range``). No limit, no
    exceedance.
    """
    if limit is None:
        return []
    if limit <= 0:
        raise ValueError(f"an emission limit must be positive: {limit}")
    found = []
    for item in sorted(values, key=lambda v: v.hour):
        above_range = item.flag.strip().upper() == "T"
        if statuses.get(item.hour) != HourStatus.VALID and not above_range:
            continue
        if statuses.get(item.hour) == HourStatus.EXCLUDED:
            continue
        if item.value > limit:
            multiple = ((item.value - limit) / limit).quantize(Decimal("0.0001"))
            found.append(Exceedance(item.hour, item.value, limit, multiple, above_range))
    return found
