"""From a parsed HJ 212 packet to record rows: which commands are stored and how.

Plain functions over :mod:`plantrack.core.hj212` values, shared by the receiver, the demo and
tests, so every stored record went through the same path.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Final

from plantrack.core.hj212 import Command, Packet, to_2017

from .models import dumps_data, json_string

# The uploads whose values are stored (HJ 212-2017 表9): pollutant data 2011/2051/2061/2031 and
# the facility state (2021, SBxxx-RS) and daily run time (2041, SBxxx-RT).
STORED_COMMANDS: Final = frozenset(
    {
        Command.REALTIME_DATA,
        Command.MINUTE_DATA,
        Command.HOUR_DATA,
        Command.DAY_DATA,
        Command.FACILITY_STATE,
        Command.FACILITY_DAY_RUNTIME,
    }
)

RecordRow = tuple[int, datetime, str, str, datetime, str]
"""(source id, data time, CN, QN, received at, data as JSON text): one :class:`Record`."""


class NoDataTime(ValueError):
    """A data upload with neither a DataTime nor a SampleTime: it cannot be filed."""


def records_of(packet: Packet) -> dict[datetime, dict[str, dict[str, Decimal | str]]]:
    """The values of a data upload by data time and pollutant: ``{time: {pollutant: {kind:
    value, "Flag": flag, "EFlag": flag}}}``, 2005 pollutant codes mapped to 2017 (附录B 原编码).

    The time is the packet's DataTime (表4: the interval start for 2051/2061/2031, the sampling
    moment for 2011), so there is one time; without a DataTime each pollutant's SampleTime
    stands in. A code that is neither a 2017 code nor a known 2005 code is stored as sent (the
    parser recorded the deviation).
    """
    out: dict[datetime, dict[str, dict[str, Decimal | str]]] = {}
    data_time = packet.cp.data_time
    for code, reading in packet.cp.readings.items():
        time = data_time or reading.sample_time
        if time is None:
            raise NoDataTime(f"{code}: no DataTime and no SampleTime")
        entry: dict[str, Decimal | str] = dict(reading.values)
        if reading.flag:
            entry["Flag"] = reading.flag
        if reading.eflag:
            entry["EFlag"] = reading.eflag
        out.setdefault(time, {})[_code_2017(code)] = entry
    return out


def record_rows(packet: Packet, source_id: int, received: datetime) -> tuple[list[RecordRow], int]:
    """The rows :class:`~plantrack.monitoring.store.Writer` stores for ``packet`` (one per data
    time, so usually one), and how many values they hold."""
    qn = packet.qn or ""
    cn = packet.cn
    data_time = packet.cp.data_time
    readings = packet.cp.readings.values()
    values = sum(len(r.values) for r in readings)
    if data_time is not None:
        text = _json(packet)
        if text is not None:
            return [(source_id, data_time, cn, qn, received, text)], values
    rows = [
        (source_id, time, cn, qn, received, dumps_data(data))
        for time, data in records_of(packet).items()
    ]
    return rows, values


def _json(packet: Packet) -> str | None:
    """``dumps_data`` of the packet's one record, written from the parsed readings without
    the dictionaries in between: the receiver does this for every upload. The value names are
    the parser's numeric field names, plain ASCII, so they need no escaping. None when a 2005
    code and its 2017 code are both sent (the general path keeps one of them)."""
    entries = []
    codes = set()
    for code, reading in packet.cp.readings.items():
        code = _code_2017(code)
        if code in codes:
            return None
        codes.add(code)
        members = [f'"{name}":{value!s}' for name, value in reading.values.items()]
        if reading.flag:
            members.append(f'"Flag":{json_string(reading.flag)}')
        if reading.eflag:
            members.append(f'"EFlag":{json_string(reading.eflag)}')
        entries.append(f"{json_string(code)}:{{{','.join(members)}}}")
    return "{" + ",".join(entries) + "}"


@lru_cache(maxsize=4096)
def _code_2017(code: str) -> str:
    try:
        return to_2017(code)
    except KeyError:
        return code
