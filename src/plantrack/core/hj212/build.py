"""Building HJ 212 frames and the answers the standard requires (9011, 9012, 9013, 9014)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Literal

from plantrack.core.hj212.codes import (
    FIELD_NOTICES,
    FIELD_UPLOADS,
    HOST_NOTICES,
    HOST_REQUESTS,
    Command,
    ExeRtn,
    QnRtn,
    System,
)
from plantrack.core.hj212.crc import crc
from plantrack.core.hj212.packet import BEIJING, MAX_SEGMENT, Packet

__all__ = [
    "CpValue",
    "build",
    "data_answer",
    "execution_result",
    "format_cp",
    "notice_answer",
    "request_answer",
    "respond",
    "wrap",
]

CpValue = str | int | Decimal | datetime
Side = Literal["host", "field"]

# §6.3.3: these characters delimit fields, so no name or value may contain them.
_RESERVED = frozenset(";,=&")


def wrap(segment: str | bytes) -> bytes:
    """Frame a data segment: ``##`` + length + segment + CRC + CR LF (表2, 附录A)."""
    data = segment.encode("utf-8") if isinstance(segment, str) else segment
    if len(data) > MAX_SEGMENT:  # 表2: 0 ≤ n ≤ 1024
        raise ValueError(f"data segment of {len(data)} bytes exceeds {MAX_SEGMENT}")
    return b"##%04d%s%04X\r\n" % (len(data), data, crc(data))


def build(
    *,
    st: str,
    cn: str,
    mn: str,
    pw: str | None = "123456",
    qn: str | None = None,
    flag: int | None = None,
    pnum: int | None = None,
    pno: int | None = None,
    cp: str | Sequence[Mapping[str, CpValue]] = "",
) -> bytes:
    """Build a frame; header fields in the standard's order QN;ST;CN;PW;MN;Flag;PNUM;PNO;CP.

    ``cp`` is either the text between ``CP=&&`` and ``&&``, or a sequence of groups, each a
    mapping of field name to value; values of a group are joined by ',' and groups by ';'
    (§6.3.3). Datetimes are written YYYYMMDDhhmmss in Beijing time, Decimals in plain notation.
    A field is omitted when its argument is None.
    """
    header: list[tuple[str, str | int | None]] = [("QN", qn), ("ST", st), ("CN", cn)]
    header += [("PW", pw), ("MN", mn), ("Flag", flag), ("PNUM", pnum), ("PNO", pno)]
    parts = [f"{name}={_text(name, value)}" for name, value in header if value is not None]
    cp_text = cp if isinstance(cp, str) else format_cp(cp)
    return wrap(";".join(parts) + f";CP=&&{cp_text}&&")


def format_cp(groups: Sequence[Mapping[str, CpValue]]) -> str:
    """The CP text of ``groups`` (see :func:`build`)."""
    return ";".join(
        ",".join(f"{_name(name)}={_text(name, value)}" for name, value in group.items())
        for group in groups
    )


def _name(name: str) -> str:
    if not name or _RESERVED.intersection(name):
        raise ValueError(f"field name {name!r} is empty or contains one of ; , = &")
    return name


def _text(name: str, value: CpValue) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"{name}: naive datetime; give a timezone-aware one")
        return f"{value.astimezone(BEIJING):%Y%m%d%H%M%S}"
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{name}: {value} is not a finite number")
        return format(value, "f")
    if isinstance(value, bool):
        raise TypeError(f"{name}: a bool is not an HJ 212 value")
    text = str(value)
    if _RESERVED.intersection(text):
        raise ValueError(f"{name}: value {text!r} contains one of ; , = &")
    return text


def _answer(packet: Packet, cn: Command, cp: str) -> bytes:
    """An answer to ``packet``: same QN, PW and MN, ST=91 (表5 系统交互), no answer wanted."""
    # 表3: keep the request's version bits, clear D and A (an answer is never split or answered).
    # The fields come from a parsed packet, so they hold no separator; the segment is put
    # together directly, in :func:`build`'s order, without its checks (a receiver answers
    # every upload).
    parts = [] if packet.qn is None else [f"QN={packet.qn}"]
    parts += [f"ST={System.INTERACTION.value}", f"CN={cn.value}"]
    if packet.pw is not None:
        parts.append(f"PW={packet.pw}")
    parts.append(f"MN={packet.mn}")
    if packet.flag is not None:
        parts.append(f"Flag={packet.flag.version << 2}")
    return wrap(";".join(parts) + f";CP=&&{cp}&&")


def request_answer(packet: Packet, rtn: QnRtn = QnRtn.READY) -> bytes:
    """9011 请求应答 to a request (表9, 表7 QnRtn)."""
    return _answer(packet, Command.REQUEST_ANSWER, f"QnRtn={int(rtn)}")


def execution_result(packet: Packet, rtn: ExeRtn = ExeRtn.SUCCESS) -> bytes:
    """9012 执行结果 sent after executing a request (表9, 表6 ExeRtn)."""
    return _answer(packet, Command.EXECUTION_RESULT, f"ExeRtn={int(rtn)}")


def notice_answer(packet: Packet) -> bytes:
    """9013 通知应答 to a notice (表9)."""
    return _answer(packet, Command.NOTICE_ANSWER, "")


def data_answer(packet: Packet) -> bytes:
    """9014 数据应答 to an upload (表9); each part of a split upload gets its own."""
    return _answer(packet, Command.DATA_ANSWER, "")


def respond(packet: Packet, *, side: Side = "host") -> bytes | None:
    """The answer the standard requires for ``packet``, or None when none is due.

    An answer is due only when the Flag's A bit is set (表3). ``side`` is who received the
    packet. The host answers a field unit's uploads with 9014 and its notice 1013 with 9013;
    the field unit answers the host's requests with 9011 (QnRtn=1, ready; send 9012 with
    :func:`execution_result` once done) and its notices 2012/2022 with 9013 (HJ 212-2017 §6.1,
    表9, 附录C). Answers (9011-9014) are never answered.
    """
    if packet.flag is None or not packet.flag.answer:
        return None
    cn = packet.cn
    if side == "host":
        if cn in FIELD_NOTICES:
            return notice_answer(packet)
        if cn in FIELD_UPLOADS:
            return data_answer(packet)
        return None
    if cn in HOST_NOTICES:
        return notice_answer(packet)
    if cn in HOST_REQUESTS:
        return request_answer(packet)
    return None
