"""Reporting periods: when a period ends, when its report is due, which periods a year has."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator

from plantrack.core.expressions import Period

__all__ = ["Period", "deadline", "end_date", "latest_closed", "periods", "start_date"]

_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def _last_month(period: Period) -> int:
    return period.index * _MONTHS[period.frequency]


def start_date(period: Period) -> dt.date:
    return dt.date(period.year, _last_month(period) - _MONTHS[period.frequency] + 1, 1)


def end_date(period: Period) -> dt.date:
    month = _last_month(period)
    return dt.date(period.year, month, calendar.monthrange(period.year, month)[1])


def deadline(
    period: Period, day: int, months_after: int = 1, fixed_month: int | None = None
) -> dt.date:
    """The due date of a period's report.

    Either ``day`` of the month ``months_after`` months after the period's last month (monthly
    statistics: the 15th of the following month), or, with ``fixed_month``, that day of the
    period's own year (annual implementation plans: 25 August). A day past the month's end is
    the month's last day.
    """
    if fixed_month is not None:
        year, month = period.year, fixed_month
    else:
        year, month0 = divmod(_last_month(period) - 1 + months_after, 12)
        year, month = period.year + year, month0 + 1
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def periods(first: Period, last: Period) -> Iterator[Period]:
    """Every period from ``first`` to ``last`` inclusive, at ``first``'s frequency."""
    if first.frequency != last.frequency:
        raise ValueError(f"periods {first} and {last} differ in frequency")
    current = first
    while current.key <= last.key:
        yield current
        current = current.shift(1)


def latest_closed(frequency: str, today: dt.date) -> Period:
    """The most recent period of the frequency that has ended before ``today``."""
    probe = {
        "month": Period(today.year, month=today.month),
        "quarter": Period(today.year, quarter=(today.month - 1) // 3 + 1),
        "half": Period(today.year, half=(today.month - 1) // 6 + 1),
        "year": Period(today.year),
    }[frequency]
    return probe.shift(-1) if end_date(probe) >= today else probe
