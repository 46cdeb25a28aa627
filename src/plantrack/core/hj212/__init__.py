"""HJ 212 (HJ 212-2017 and HJ/T 212-2005): the data transmission protocol of online pollution
monitoring, as plain Python.

- :func:`parse` a frame into a :class:`Packet` (or a :class:`FrameError` with a ``code``);
  deviations from the standard are refused or recorded under :class:`Rules`.
- :func:`build` frames, and :func:`respond` with the answer (9011/9013/9014) the standard
  requires; :func:`execution_result` builds 9012.
- :class:`StreamDecoder` cuts frames out of TCP data; :class:`Reassembler` joins split packets.
- :func:`crc` is the CRC of Appendix A (not CRC-16/MODBUS).
- Code tables: :class:`System` (ST), :class:`Command` (CN), :class:`QnRtn`, :class:`ExeRtn`,
  :class:`DataFlag`, :data:`POLLUTANTS` with :func:`to_2017` / :func:`to_2005`.

Clauses cited in comments are those of HJ 212-2017 unless marked 2005.
"""

from plantrack.core.hj212.build import (
    CpValue,
    build,
    data_answer,
    execution_result,
    format_cp,
    notice_answer,
    request_answer,
    respond,
    wrap,
)
from plantrack.core.hj212.codes import (
    COMMANDS_2005,
    DATA_COMMANDS,
    DATA_FLAGS_2005,
    NOISE_CODES,
    POLLUTANTS,
    Command,
    DataFlag,
    ExeRtn,
    Pollutant,
    QnRtn,
    System,
    to_2005,
    to_2017,
)
from plantrack.core.hj212.crc import crc, crc_reference
from plantrack.core.hj212.packet import (
    BEIJING,
    DEFAULT_RULES,
    DEVIATION_KINDS,
    MAX_FRAME,
    MAX_SEGMENT,
    Action,
    CpData,
    Deviation,
    DeviationKind,
    DeviationRefused,
    Flag,
    FrameError,
    Packet,
    Reading,
    Rules,
    parse,
    unwrap,
)
from plantrack.core.hj212.stream import Reassembler, StreamDecoder

__all__ = [
    "BEIJING",
    "COMMANDS_2005",
    "DATA_COMMANDS",
    "DATA_FLAGS_2005",
    "DEFAULT_RULES",
    "DEVIATION_KINDS",
    "MAX_FRAME",
    "MAX_SEGMENT",
    "NOISE_CODES",
    "POLLUTANTS",
    "Action",
    "Command",
    "CpData",
    "CpValue",
    "DataFlag",
    "Deviation",
    "DeviationKind",
    "DeviationRefused",
    "ExeRtn",
    "Flag",
    "FrameError",
    "Packet",
    "Pollutant",
    "QnRtn",
    "Reading",
    "Reassembler",
    "Rules",
    "StreamDecoder",
    "System",
    "build",
    "crc",
    "crc_reference",
    "data_answer",
    "execution_result",
    "format_cp",
    "notice_answer",
    "parse",
    "request_answer",
    "respond",
    "to_2005",
    "to_2017",
    "unwrap",
    "wrap",
]
