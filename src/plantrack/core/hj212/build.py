"""Building HJ 212 frames and the answers the standard requires (9011, 9012, 9013, 9014)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Final, Literal

from plantrack.core.hj212.codes import (
    FIELD_NOTICES,
    FIELD_UPLOADS,
    HOST_NOTICES,
    HOST_REQUESTS,
    MIN_INTERVALS,
    REQUESTS,
    Command,
    ExeRtn,
    QnRtn,
    System,
    is_2017_shape,
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
    "RequestError",
    "reply_data",
    "request",
    "request_parameters",
    "request_qn",
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


# -- host requests (上位机 → 现场机) ------------------------------------------------------------


class RequestError(ValueError):
    """A request PlanTrack will not send; ``field`` names the parameter (or ``CN``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}：{message}")
        self.field = field


# The longest BeginTime-EndTime window of a history request. Not from the standard: a logger
# answers with one packet per interval, and a month of hours (744 packets) is what one request
# should cost a wireless link.
MAX_WINDOW: Final = {
    "2031": timedelta(days=366),
    "2041": timedelta(days=366),
    "2051": timedelta(days=1),
    "2061": timedelta(days=31),
}


def request_parameters(cn: str, given: Mapping[str, str]) -> dict[str, str]:
    """Check the CP parameters of request ``cn`` (表4 types and ranges); return them as the
    text the request carries (times as YYYYMMDDhhmmss, Beijing time). Raises
    :class:`RequestError` naming the first wrong parameter."""
    spec = REQUESTS.get(cn)
    if spec is None:
        raise RequestError("CN", f"{cn} 不是可下发的请求命令（可用：{'、'.join(REQUESTS)}）")
    unknown = sorted(set(given) - set(spec.parameters))
    if unknown:
        allowed = "、".join(spec.parameters) or "无"
        raise RequestError(unknown[0], f"{cn} 不带此参数（可带：{allowed}）")
    missing = [name for name in spec.required if not str(given.get(name, "")).strip()]
    if missing:
        raise RequestError(missing[0], f"{cn} 必须给出此参数")
    out = {
        name: _parameter(name, str(given[name]).strip())
        for name in spec.parameters
        if str(given.get(name, "")).strip()
    }
    if "BeginTime" in out:
        begin, end = _time_of(out["BeginTime"]), _time_of(out["EndTime"])
        if begin > end:
            raise RequestError("EndTime", "不能早于 BeginTime")
        if end - begin > MAX_WINDOW[cn]:
            raise RequestError("EndTime", f"{cn} 一次最多提取 {MAX_WINDOW[cn].days or 1} 天")
    return out


def _parameter(name: str, text: str) -> str:
    if name in ("SystemTime", "BeginTime", "EndTime"):
        return f"{_parse_time(name, text):%Y%m%d%H%M%S}"
    if name in ("OverTime", "ReCount"):  # 表4: N2, 0 < n ≤ 99
        return str(_integer(name, text, 1, 99))
    if name == "RtdInterval":  # 表4: N4, 30 ≤ n ≤ 3600 seconds
        return str(_integer(name, text, 30, 3600))
    if name == "MinInterval":  # 表4: one of 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 minutes
        value = _integer(name, text, 1, 30)
        if value not in MIN_INTERVALS:
            allowed = "、".join(str(v) for v in sorted(MIN_INTERVALS))
            raise RequestError(name, f"应为 {allowed} 分钟之一，收到 {value}")
        return str(value)
    if name == "NewPW":  # 表3/表4: the password has 6 characters
        if len(text) != 6 or not text.isascii() or not text.isalnum():
            raise RequestError(name, f"密码应为 6 位字母或数字，收到 {text!r}")
        return text
    if name == "PolId":  # 表4: C6, a pollutant code of 附录B
        if not is_2017_shape(text):
            raise RequestError(
                name, f"应为 HJ 212-2017 附录B 的污染物编码（如 w01018），收到 {text!r}"
            )
        return text
    raise RequestError(name, "未知参数")


def _integer(name: str, text: str, low: int, high: int) -> int:
    if not text.isascii() or not text.isdigit():
        raise RequestError(name, f"应为整数，收到 {text!r}")
    value = int(text)
    if not low <= value <= high:
        raise RequestError(name, f"应在 {low} 到 {high} 之间，收到 {value}")
    return value


def _parse_time(name: str, text: str) -> datetime:
    """YYYYMMDDhhmmss (as HJ 212 writes it) or ISO 8601; without a zone it is Beijing time."""
    try:
        if len(text) == 14 and text.isdigit():
            moment = datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=BEIJING)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise RequestError(name, f"应为 YYYYMMDDhhmmss 或 ISO 日期时间，收到 {text!r}") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=BEIJING)
    return moment.astimezone(BEIJING)


def _time_of(text: str) -> datetime:
    return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=BEIJING)


def request_qn(moment: datetime) -> str:
    """A QN for a request sent at ``moment``: YYYYMMDDhhmmsszzz, Beijing time (表3)."""
    local = moment.astimezone(BEIJING)
    return f"{local:%Y%m%d%H%M%S}{local.microsecond // 1000:03d}"


def request(
    cn: str,
    *,
    st: str,
    mn: str,
    pw: str,
    qn: str,
    parameters: Mapping[str, str],
    version: Literal["2017", "2005"] = "2017",
) -> bytes:
    """A host request (表9 上位→现场) with answer wanted: Flag A=1 and the version bits of
    ``version`` (表3: 000001 for 2017, 000000 for HJ/T 212-2005). ``parameters`` are those
    :func:`request_parameters` returned; each is its own item (§6.3.3 ';')."""
    flag = ((1 if version == "2017" else 0) << 2) | 1
    groups: list[Mapping[str, CpValue]] = [{name: value} for name, value in parameters.items()]
    return build(qn=qn, st=st, cn=cn, mn=mn, pw=pw, flag=flag, cp=groups)


def reply_data(
    packet: Packet, cn: str, cp: str | Sequence[Mapping[str, CpValue]], *, st: str | None = None
) -> bytes:
    """What a field unit uploads in answer to the host's request ``packet``: CN ``cn``, the
    request's QN, PW and MN, no answer wanted (A=0) [U: the Flag of these uploads is our
    reading of 附录C]."""
    version = packet.flag.version if packet.flag is not None else 1
    return build(
        qn=packet.qn, st=st or packet.st, cn=cn, mn=packet.mn, pw=packet.pw, flag=version << 2,
        cp=cp,
    )  # fmt: skip
