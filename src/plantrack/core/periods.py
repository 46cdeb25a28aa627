"""Reporting periods: when a period ends, when its report is due, which periods a year has."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Period", "deadline", "end_date", "latest_closed", "periods", "start_date"]

_SUB_OFFSET = {"month": 0, "quarter": 20, "half": 30}
_PER_YEAR = {"year": 1, "half": 2, "quarter": 4, "month": 12}


@dataclass(frozen=True, slots=True, eq=False)
class Period:
    """A reporting period: a year, or one month, quarter or half of it.

    At most one of ``month``, ``quarter`` and ``half`` is set; none means the whole year.
    ``key`` is a small integer identity (``year * 100 + sub``) that makes periods cheap to hash.
    """

    year: int
    month: int | None = None
    quarter: int | None = None
    half: int | None = None
    key: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        subs = [(n, v) for n, v in (("month", self.month), ("quarter", self.quarter),
                                    ("half", self.half)) if v is not None]  # fmt: skip
        if len(subs) > 1:
            raise ValueError("a period is a month, a quarter or a half-year, not several")
        sub = 0
        if subs:
            name, number = subs[0]
            if not 1 <= number <= _PER_YEAR[name]:
                raise ValueError(f"{name} {number} is out of range")
            sub = _SUB_OFFSET[name] + number
        object.__setattr__(self, "key", self.year * 100 + sub)

    def __hash__(self) -> int:
        return self.key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Period) and other.key == self.key

    def __str__(self) -> str:
        if self.month is not None:
            return f"{self.year}-{self.month:02d}"
        if self.quarter is not None:
            return f"{self.year}Q{self.quarter}"
        if self.half is not None:
            return f"{self.year}H{self.half}"
        return str(self.year)

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``2011``, ``2011-03``, ``2011Q1`` or ``2011H1``."""
        match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})|Q([1-4])|H([12]))?", text.strip())
        if not match:
            raise ValueError(f"not a period: {text!r}")
        year, month, quarter, half = (int(g) if g else None for g in match.groups())
        assert year is not None
        return cls(year, month, quarter, half)

    @property
    def frequency(self) -> Literal["year", "half", "quarter", "month"]:
        """How long the period is."""
        if self.month is not None:
            return "month"
        if self.quarter is not None:
            return "quarter"
        return "half" if self.half is not None else "year"

    @property
    def index(self) -> int:
        """Position within the year, 1-based (1 for an annual period)."""
        return self.month or self.quarter or self.half or 1

    def _with(self, year: int, index: int) -> Period:
        if self.month is not None:
            return Period(year, month=index)
        if self.quarter is not None:
            return Period(year, quarter=index)
        return Period(year, half=index) if self.half is not None else Period(year)

    def shift_years(self, years: int) -> Period:
        """The same period ``years`` later (negative: earlier)."""
        return self._with(self.year + years, self.index)

    def shift(self, periods: int) -> Period:
        """The period ``periods`` steps later, stepping by this period's own frequency."""
        per_year = _PER_YEAR[self.frequency]
        year, index = divmod(self.year * per_year + self.index - 1 + periods, per_year)
        return self._with(year, index + 1)

    def year_to_date(self) -> tuple[Period, ...]:
        """The periods of the same frequency from the start of the year up to this one."""
        return tuple(self._with(self.year, i) for i in range(1, self.index + 1))


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
