"""Named reads for the monitoring pages and API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, QuerySet, Sum

from .models import COUNTER_FIELDS, MonitoredSource, Reading, ReceiverCounter

# Counters of frames the receiver refused (unknown MNs count under their own MN, no source).
REFUSED_FIELDS = ("malformed", "bad_crc", "bad_length", "oversized", "wrong_password")


def counter_totals(sources: QuerySet[MonitoredSource]) -> dict[int, dict[str, int]]:
    """Every counter summed over all days, per source id, with the last day data arrived."""
    rows = (
        ReceiverCounter.objects.filter(source__in=sources)
        .values("source_id")
        .annotate(last_day=Max("day"), **{name: Sum(name) for name in COUNTER_FIELDS})
    )
    out = {}
    for row in rows:
        row["refused"] = sum(row[name] or 0 for name in REFUSED_FIELDS)
        out[row.pop("source_id")] = row
    return out


def daily_counters(source: MonitoredSource, days: int = 31) -> QuerySet[ReceiverCounter]:
    """The source's counters of its latest ``days`` days with traffic, newest first."""
    return ReceiverCounter.objects.filter(source=source).order_by("-day")[:days]


@dataclass(frozen=True)
class Latest:
    """The newest stored values of one pollutant at one data time."""

    pollutant: str
    time: dt.datetime
    cn: str
    values: dict[str, str]
    flag: str


def latest_readings(source: MonitoredSource, cn: str | None = None) -> list[Latest]:
    """Per pollutant the values of its newest data time (optionally of one command).

    One indexed query per pollutant: the unique key starts (source, pollutant, time).
    """
    codes = sorted(
        set(source.pollutants.values_list("code", flat=True))
        | set(
            Reading.objects.filter(source=source)
            .order_by("-id")
            .values_list("pollutant", flat=True)[:50]
        )
    )
    out = []
    for code in codes:
        readings = Reading.objects.filter(source=source, pollutant=code)
        if cn:
            readings = readings.filter(cn=cn)
        newest = readings.order_by("-time").values("time", "cn").first()
        if newest is None:
            continue
        rows = readings.filter(time=newest["time"], cn=newest["cn"]).order_by("kind")
        flags = {r.flag for r in rows if r.flag}
        out.append(
            Latest(
                pollutant=code,
                time=newest["time"],
                cn=newest["cn"],
                values={r.kind: f"{r.value.normalize():f}" for r in rows},
                flag="".join(sorted(flags)),
            )
        )
    return out


def readings_between(
    source: MonitoredSource,
    *,
    pollutant: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    cn: str | None = None,
    kind: str | None = None,
) -> QuerySet[Reading]:
    """Readings of a source in [start, end), by data time."""
    readings = Reading.objects.filter(source=source)
    if pollutant:
        readings = readings.filter(pollutant=pollutant)
    if start:
        readings = readings.filter(time__gte=start)
    if end:
        readings = readings.filter(time__lt=end)
    if cn:
        readings = readings.filter(cn=cn)
    if kind:
        readings = readings.filter(kind=kind)
    return readings.order_by("time", "pollutant", "cn", "kind")
