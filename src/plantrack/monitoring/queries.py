"""Named reads for the monitoring pages and API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, QuerySet, Sum

from .models import COUNTER_FIELDS, MonitoredSource, ReceiverCounter, Record

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


LATEST_WINDOW = 2000
"""How many of a source's newest records :func:`latest_readings` looks through: a day and a
half of minute data, almost three months of hourly data."""


def latest_readings(source: MonitoredSource, cn: str | None = None) -> list[Latest]:
    """Per pollutant the values of its newest data time (optionally of one command), among the
    source's newest :data:`LATEST_WINDOW` records: one query however many pollutants, and a
    registered pollutant that never arrived does not make it read the source's whole history.
    """
    records = Record.objects.filter(source=source)
    if cn:
        records = records.filter(cn=cn)
    recent = list(records.order_by("-time")[:LATEST_WINDOW])
    codes = set(source.pollutants.values_list("code", flat=True))
    for record in recent[:50]:
        codes.update(record.data)
    out = []
    for code in sorted(codes):
        newest = next((r for r in recent if code in r.data), None)
        if newest is None:
            continue
        out.append(
            Latest(
                pollutant=code,
                time=newest.time,
                cn=newest.cn,
                values={k: _text(v) for k, v in sorted(newest.values(code).items())},
                flag=newest.flag(code),
            )
        )
    return out


@dataclass(frozen=True)
class Value:
    """One value of a stored record (the API lists values one by one)."""

    pollutant: str
    time: dt.datetime
    cn: str
    kind: str
    value: Decimal
    flag: str
    qn: str

    @property
    def text(self) -> str:
        return _text(self.value)


def readings_between(
    source: MonitoredSource,
    *,
    pollutant: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    cn: str | None = None,
    kind: str | None = None,
    limit: int = 1000,
) -> list[Value]:
    """The first ``limit`` values of a source in [start, end), by data time, CN, pollutant
    and kind."""
    records = Record.objects.filter(source=source)
    if pollutant:
        records = records.filter(data__has_key=pollutant)
    if start:
        records = records.filter(time__gte=start)
    if end:
        records = records.filter(time__lt=end)
    if cn:
        records = records.filter(cn=cn)
    out: list[Value] = []
    for record in records.order_by("time", "cn").iterator(chunk_size=500):
        for value in _values(record, pollutant, kind):
            out.append(value)
            if len(out) >= limit:
                return out
    return out


def _values(record: Record, pollutant: str | None, kind: str | None) -> Iterator[Value]:
    for code in sorted(record.data) if pollutant is None else [pollutant]:
        flag = record.flag(code)
        for name, value in sorted(record.values(code).items()):
            if kind is None or name == kind:
                yield Value(code, record.time, record.cn, name, value, flag, record.qn)


def _text(value: Decimal) -> str:
    return f"{value.normalize():f}"
