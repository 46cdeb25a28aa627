"""The manual amendment window (修约期限) of a month's data.

Read [R-copy] (reference §2.1, S20): missing or invalid data may be reviewed and amended
(修约补遗, including 停产/停排 declarations) in the national software within 10 days of the
data being produced, and the supporting documents for 停产/停排/设备停运 and manual amendments
must be uploaded "before the 10th of the following month", after which the original flags are
restored. This module implements the second, month-level rule with the day as a parameter:
the window of month M closes at the end of day ``day`` of month M+1 (Beijing time). Whether
"10日前" includes the 10th is not settled by the excerpt [U]; ``day=10`` includes it, and a
deployment that reads it the other way sets 9.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["DEFAULT_DAY", "closes", "is_open"]

DEFAULT_DAY = 10


def closes(year: int, month: int, tz: dt.tzinfo, day: int = DEFAULT_DAY) -> dt.datetime:
    """The moment the amendment window of ``year-month`` closes (exclusive)."""
    if not 1 <= day <= 28:
        raise ValueError(f"the closing day must be 1-28 (every month has it): {day}")
    next_year, next_month = year + month // 12, month % 12 + 1
    return dt.datetime(next_year, next_month, day, tzinfo=tz) + dt.timedelta(days=1)


def is_open(year: int, month: int, now: dt.datetime, tz: dt.tzinfo, day: int = DEFAULT_DAY) -> bool:
    """True while data of ``year-month`` may still be amended (from the month's start on)."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    start = dt.datetime(year, month, 1, tzinfo=tz)
    return start <= now < closes(year, month, tz, day)
