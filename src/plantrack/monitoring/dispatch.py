"""One host request in flight on a receiver: matching the logger's answers, time-outs, resends.

Plain values, no database: the receiver's event loop owns :class:`Inflight` objects and hands
the :class:`Change` values they produce to :mod:`~plantrack.monitoring.command_store`, which
writes them in a thread. The exchange is HJ 212-2017 §6.1 / 附录C: the logger answers the
request with 9011 (QnRtn, 表7), uploads the requested data under the request's QN, and ends
with 9012 (ExeRtn, 表6); a notice (2012/2022) is answered with 9013.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from plantrack.core.hj212 import Packet
from plantrack.core.hj212.codes import REQUESTS, ExeRtn, QnRtn, RequestSpec

from .models import CommandStatus

# 表7 and 表6, for the detail line of a refused or failed command.
QN_RTN_TEXT: Final[dict[int, str]] = {
    QnRtn.READY: "准备执行请求",
    QnRtn.REFUSED: "请求被拒绝",
    QnRtn.PW_ERROR: "PW 错误",
    QnRtn.MN_ERROR: "MN 错误",
    QnRtn.ST_ERROR: "ST 错误",
    QnRtn.FLAG_ERROR: "Flag 错误",
    QnRtn.QN_ERROR: "QN 错误",
    QnRtn.CN_ERROR: "CN 错误",
    QnRtn.CRC_ERROR: "CRC 校验错误",
    QnRtn.UNKNOWN_ERROR: "未知错误",
}
EXE_RTN_TEXT: Final[dict[int, str]] = {
    ExeRtn.SUCCESS: "执行成功",
    ExeRtn.FAILED: "执行失败，但不知道原因",
    ExeRtn.BAD_CONDITION: "命令请求条件错误",
    ExeRtn.TIMEOUT: "通讯超时",
    ExeRtn.BUSY: "系统繁忙不能执行",
    ExeRtn.SYSTEM_FAULT: "系统故障",
    ExeRtn.NO_DATA: "没有数据",
}
# The returned data kept per command; a long history upload is stored as readings anyway.
MAX_RETURNED: Final = 500


@dataclass(frozen=True, slots=True)
class Claimed:
    """A queued command a receiver claimed, with the request frame to write."""

    id: int
    mn: str
    cn: str
    qn: str
    frame: bytes
    timeout: float
    retries: int
    exec_timeout: float
    new_password: str | None = None


@dataclass(slots=True)
class Change:
    """A status change (or a resend) for the database; ``at`` is when it happened."""

    id: int
    status: str
    at: datetime
    detail: str = ""
    attempts: int | None = None
    qn_rtn: int | None = None
    exe_rtn: int | None = None
    returned: list[dict[str, str]] | None = None
    new_password: str | None = None
    final: bool = False


@dataclass(eq=False)
class Inflight:
    """A claimed command waiting for the logger's answers on connection ``conn``."""

    claimed: Claimed
    conn: Any
    deadline: float
    attempts: int = 1
    state: str = CommandStatus.SENT
    qn_rtn: int | None = None
    returned: list[dict[str, str]] = field(default_factory=list)

    @property
    def spec(self) -> RequestSpec:
        return REQUESTS[self.claimed.cn]

    @property
    def key(self) -> tuple[str, str]:
        return (self.claimed.mn, self.claimed.qn)

    def answer(self, packet: Packet, now: float, at: datetime) -> Change | None:
        """Take one packet the logger sent under this command's QN; return the change it makes
        (None when it only adds data)."""
        cn = packet.cn
        if cn == "9011":
            return self._request_answer(packet, now, at)
        if cn == "9012":
            return self._result(packet, at)
        if cn == "9013" and self.spec.notice:
            return self._finish(CommandStatus.EXECUTED, at, "通知已应答（9013）")
        if cn == self.spec.reply_cn:
            self.deadline = now + self.claimed.exec_timeout  # each upload restarts the wait
            if len(self.returned) < MAX_RETURNED:
                self.returned.append(returned_fields(packet))
            return None
        return None

    def _request_answer(self, packet: Packet, now: float, at: datetime) -> Change:
        code = _code(packet.cp.fields.get("QnRtn"))
        self.qn_rtn = code
        if code != QnRtn.READY:
            text = QN_RTN_TEXT.get(code, "") if code is not None else "缺少或无法识别 QnRtn"
            return self._finish(CommandStatus.REFUSED, at, f"QnRtn={code}（{text}）")
        if not self.spec.executes:
            # 2011/2021: the uploads run until 2012/2022 stops them; the 9011 is the answer.
            return self._finish(CommandStatus.ACKNOWLEDGED, at, "已开始上传，发送 2012/2022 停止")
        self.state = CommandStatus.ACKNOWLEDGED
        self.deadline = now + self.claimed.exec_timeout
        return Change(self.claimed.id, CommandStatus.ACKNOWLEDGED, at, "QnRtn=1", qn_rtn=code)

    def _result(self, packet: Packet, at: datetime) -> Change:
        code = _code(packet.cp.fields.get("ExeRtn"))
        text = EXE_RTN_TEXT.get(code, "") if code is not None else "缺少或无法识别 ExeRtn"
        if code != ExeRtn.SUCCESS:
            return self._finish(CommandStatus.FAILED, at, f"ExeRtn={code}（{text}）", code)
        change = self._finish(CommandStatus.EXECUTED, at, "ExeRtn=1", code)
        change.new_password = self.claimed.new_password
        return change

    def _finish(self, status: str, at: datetime, detail: str, exe_rtn: int | None = None) -> Change:
        self.state = status
        return Change(
            self.claimed.id, status, at, detail, qn_rtn=self.qn_rtn, exe_rtn=exe_rtn,
            returned=self.returned, final=True,
        )  # fmt: skip

    def due(self, now: float, at: datetime) -> Change | None:
        """At a tick: resend an unanswered request (its retries left), or time it out."""
        if now < self.deadline:
            return None
        claimed = self.claimed
        if self.state == CommandStatus.SENT and self.attempts <= claimed.retries:
            self.attempts += 1
            self.deadline = now + claimed.timeout
            self.conn.transport.write(claimed.frame)  # the same frame and QN, so a late
            # answer to an earlier copy still matches
            return Change(claimed.id, CommandStatus.SENT, at, f"第 {self.attempts} 次发送",
                          attempts=self.attempts)  # fmt: skip
        waited = "9011 请求应答" if self.state == CommandStatus.SENT else "执行结果"
        return self._finish(
            CommandStatus.TIMED_OUT, at, f"未收到{waited}（发送 {self.attempts} 次）"
        )


def returned_fields(packet: Packet) -> dict[str, str]:
    """The CP fields of a data packet as text: the plain fields and ``code-Name`` values."""
    out = {"CN": packet.cn, **packet.cp.fields}
    for code, reading in packet.cp.readings.items():
        for name, value in reading.values.items():
            out[f"{code}-{name}"] = f"{value:f}"
        if reading.flag:
            out[f"{code}-Flag"] = reading.flag
        for name, text in reading.text.items():
            out[f"{code}-{name}"] = text
    return out


def _code(text: str | None) -> int | None:
    if text is None or not text.isascii() or not text.isdigit():
        return None
    return int(text)
