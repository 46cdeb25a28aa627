"""Changes to monitoring results, each in one transaction and audited.

``amend_hours``: 修约 — give hours of a source's pollutants another status (valid, invalid, or
停产/停运 so they are not owed), within the month's amendment window, with a reason; every
hour's change is kept (who, when, old, new, why) and the month's figures are recomputed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from plantrack.core.hj212 import BEIJING
from plantrack.core.monitoring import rates, window
from plantrack.core.monitoring.flags import HourStatus
from plantrack.monitoring.models import MonitoredSource
from plantrack.plans.models import Plan

from . import services
from .access import can_amend
from .models import Amendment
from .services import Month

# Largest number of hours one amendment may cover (a month and a day), so a typo in a date
# cannot rewrite a year.
MAX_HOURS = 32 * 24


class AmendmentRefused(Exception):
    """The amendment is not allowed; nothing was changed. The message says why."""


def amendment_day() -> int:
    """The day of the next month the window closes (settings ``PLANTRACK_AMENDMENT_DAY``,
    default 10 per core.monitoring.window)."""
    return int(getattr(settings, "PLANTRACK_AMENDMENT_DAY", window.DEFAULT_DAY))


def window_closes(month: Month) -> dt.datetime:
    return window.closes(month.year, month.month, BEIJING, amendment_day())


@dataclass
class AmendResult:
    amendments: list[Amendment]
    month: Month


@transaction.atomic
def amend_hours(
    user: User,
    plan: Plan,
    source: MonitoredSource,
    pollutants: list[str],
    start: dt.datetime,
    end: dt.datetime,
    status: str,
    reason: str,
    *,
    evidence: str = "",
    now: dt.datetime | None = None,
) -> AmendResult:
    """Give the hours [start, end) of ``pollutants`` the status ``status`` and recompute."""
    if not can_amend(user, source, plan):
        raise AmendmentRefused("无权修约该监测点的数据")
    if not reason.strip():
        raise AmendmentRefused("修约必须说明理由")
    try:
        new = HourStatus(status)
    except ValueError:
        raise AmendmentRefused(f"未知的状态：{status}") from None
    start, end = _beijing(start), _beijing(end)
    hours = _hours(start, end)
    month = Month(start.year, start.month)
    if not month.contains(hours[-1]):
        raise AmendmentRefused("一次修约只能在同一个月内")
    now = now or timezone.now()
    if not window.is_open(month.year, month.month, now, BEIJING, amendment_day()):
        closes = window_closes(month)
        raise AmendmentRefused(f"{month} 的数据修约期已于 {closes:%Y-%m-%d %H:%M}（北京时间）截止")
    declared = {p.code: p for p in source.pollutants.all()}
    unknown = [p for p in pollutants if p not in declared]
    if unknown or not pollutants:
        raise AmendmentRefused(f"监测点没有这些监测因子：{'、'.join(unknown) or '（未选择）'}")
    created: list[Amendment] = []
    for code in pollutants:
        created += _amend_pollutant(user, source, code, month, hours, new, reason, evidence)
    if source.system in services.OUTLETS:
        for code in pollutants:
            services.compute_source_pollutant(source, declared[code], month)
    else:
        services.compute_month(month, [source])
    return AmendResult(created, month)


def _beijing(moment: dt.datetime) -> dt.datetime:
    # A time without a zone is Beijing time, as HJ 212 DataTime is.
    return moment.replace(tzinfo=BEIJING) if moment.tzinfo is None else moment.astimezone(BEIJING)


def _hours(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    if start.minute or start.second or end.minute or end.second:
        raise AmendmentRefused("修约按整点小时进行")
    count = int((end - start).total_seconds() // 3600)
    if count <= 0:
        raise AmendmentRefused("结束时间应晚于开始时间")
    if count > MAX_HOURS:
        raise AmendmentRefused(f"一次最多修约 {MAX_HOURS} 个小时")
    return [start + dt.timedelta(hours=h) for h in range(count)]


def _amend_pollutant(
    user: User,
    source: MonitoredSource,
    code: str,
    month: Month,
    hours: list[dt.datetime],
    new: HourStatus,
    reason: str,
    evidence: str,
) -> list[Amendment]:
    hourly = services.hourly_records(source, month, [code]).get(code, {})
    _, in_force = services.statuses_of(
        source, code, month, hourly, services.amendments_in(source, month)
    )
    try:
        rates.amend(in_force, dict.fromkeys(hours, new))
    except rates.AmendmentError as error:
        raise AmendmentRefused(f"{code}：{error}") from None
    rows = [
        Amendment(
            source=source,
            pollutant=code,
            hour=hour,
            old_status=in_force[hour],
            new_status=new,
            reason=reason,
            evidence=evidence,
            amended_by=user,
        )
        for hour in hours
        if in_force[hour] != new
    ]
    return Amendment.objects.bulk_create(rows)
