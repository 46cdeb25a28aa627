"""From a parsed HJ 212 packet to reading rows: which commands are stored and how.

Plain functions over :mod:`plantrack.core.hj212` values, shared by the receiver, the demo and
tests, so every stored reading went through the same path.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Final

from plantrack.core.hj212 import Command, Packet, to_2017

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

Row = tuple[str, datetime, str, str, Decimal, str]
"""(pollutant 2017 code, data time, CN, value kind, value, data flag)."""


class NoDataTime(ValueError):
    """A data upload with neither a DataTime nor a SampleTime: it cannot be filed."""


def rows_of(packet: Packet) -> Iterator[Row]:
    """Each value of a data upload, with 2005 pollutant codes mapped to 2017 (附录B 原编码).

    The time is the packet's DataTime (表4: the interval start for 2051/2061/2031, the sampling
    moment for 2011); a pollutant's own SampleTime stands in when DataTime is absent. A code
    that is neither a 2017 code nor a known 2005 code is stored as sent (the parser recorded
    the deviation).
    """
    cn = packet.cn
    data_time = packet.cp.data_time
    for code, reading in packet.cp.readings.items():
        time = data_time or reading.sample_time
        if time is None:
            raise NoDataTime(f"{code}: no DataTime and no SampleTime")
        pollutant = _code_2017(code)
        flag = reading.flag or ""
        for kind, value in reading.values.items():
            yield pollutant, time, cn, kind, value, flag


def reading_rows(packet: Packet, source_id: int, received: datetime) -> list[tuple[Any, ...]]:
    """The rows :class:`~plantrack.monitoring.store.Writer` stores for ``packet``: those of
    :func:`rows_of` with the source, QN and receipt time (built in one pass for the receiver)."""
    qn = packet.qn or ""
    return [
        (source_id, code, time, cn, kind, value, flag, qn, received)
        for code, time, cn, kind, value, flag in rows_of(packet)
    ]


@lru_cache(maxsize=4096)
def _code_2017(code: str) -> str:
    try:
        return to_2017(code)
    except KeyError:
        return code
