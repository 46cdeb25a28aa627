"""A simulated data logger's side of host requests (现场机, HJ 212-2017 §6.1, 附录C).

:class:`FieldUnit` takes a packet from the host and returns the frames a logger sends back:
9011 (QnRtn, 表7: 3 for a wrong PW, 4 for a wrong MN, 2 for a request it refuses), then the
requested data under the request's QN, then 9012 (ExeRtn, 表6: 100 when it has no data for a
history window, 3 when a PolId names a pollutant it does not measure). Notices 2012/2022 get
9013. It keeps what a logger keeps: its clock offset, intervals, time-out settings, password.
History answers are generated (deterministic values per pollutant and time) so tests can
check what was stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Final

from plantrack.core.hj212 import (
    BEIJING,
    CpValue,
    ExeRtn,
    Packet,
    QnRtn,
    execution_result,
    request_answer,
    respond,
)
from plantrack.core.hj212.build import reply_data
from plantrack.core.hj212.codes import HOST_NOTICES, REQUESTS

# The interval of one packet of each history answer (表9: 2031 day, 2041 day, 2061 hour;
# 2051 the logger's MinInterval).
_DAY: Final = timedelta(days=1)
_HOUR: Final = timedelta(hours=1)


def history_value(code: str, base: Decimal, at: datetime) -> Decimal:
    """The simulated mean of ``code`` for the interval starting ``at`` (Beijing time)."""
    local = at.astimezone(BEIJING)
    return base + Decimal(local.hour % 7) / 10 + Decimal(local.minute % 10) / 100


@dataclass
class FieldUnit:
    """The state of one simulated logger and its answers to the host's requests."""

    mn: str
    password: str
    st: str = "32"
    pollutants: Mapping[str, Decimal] = field(
        default_factory=lambda: {"w01018": Decimal("25.5"), "w21003": Decimal("1.25")}
    )
    history_from: datetime = datetime(2011, 1, 1, tzinfo=BEIJING)
    refuse: frozenset[str] = frozenset()
    ignore: int = 0  # requests to leave unanswered first (as if lost on the link)
    clock_offset: timedelta = timedelta()
    rtd_interval: int = 30
    min_interval: int = 10
    over_time: int = 10
    re_count: int = 3
    realtime: bool = False
    state_upload: bool = False
    log: list[str] = field(default_factory=list)
    now: Callable[[], datetime] = lambda: datetime.now(UTC)

    def handle(self, packet: Packet) -> list[bytes]:
        """The frames to send back for ``packet`` (none for answers to the logger's uploads)."""
        cn = packet.cn
        if cn in HOST_NOTICES:
            self.log.append(cn)
            self.realtime = self.realtime and cn != "2012"
            self.state_upload = self.state_upload and cn != "2022"
            answer = respond(packet, side="field")
            return [answer] if answer else []
        spec = REQUESTS.get(cn)
        if spec is None:
            return []
        if self.ignore > 0:
            self.ignore -= 1
            return []
        self.log.append(cn)
        if packet.mn != self.mn:
            return [request_answer(packet, QnRtn.MN_ERROR)]
        if packet.pw != self.password:
            return [request_answer(packet, QnRtn.PW_ERROR)]
        if cn in self.refuse:
            return [request_answer(packet, QnRtn.REFUSED)]
        return [request_answer(packet), *self._execute(packet)]

    def _execute(self, packet: Packet) -> list[bytes]:
        fields = packet.cp.fields
        cn = packet.cn
        pol_id = fields.get("PolId")
        if pol_id is not None and pol_id not in self.pollutants:
            return [execution_result(packet, ExeRtn.BAD_CONDITION)]
        if cn in ("2031", "2041", "2051", "2061"):
            return self._history(packet)
        out = self._set(packet) + self._get(packet)
        if cn == "1072":
            # Answered under the old password; the next packets carry the new one.
            done = execution_result(packet)
            self.password = fields["NewPW"]
            return [*out, done]
        if cn in ("2011", "2021"):
            return out  # the uploads run until 2012/2022; no 9012 [U]
        return [*out, execution_result(packet)]

    def _set(self, packet: Packet) -> list[bytes]:
        fields = packet.cp.fields
        cn = packet.cn
        if cn == "1000":
            self.over_time, self.re_count = int(fields["OverTime"]), int(fields["ReCount"])
        elif cn == "1012":
            wanted = datetime.strptime(fields["SystemTime"], "%Y%m%d%H%M%S").replace(tzinfo=BEIJING)
            self.clock_offset = wanted - self.now()
        elif cn == "1062":
            self.rtd_interval = int(fields["RtdInterval"])
        elif cn == "1064":
            self.min_interval = int(fields["MinInterval"])
        elif cn == "2011":
            self.realtime = True
        elif cn == "2021":
            self.state_upload = True
        return []

    def _get(self, packet: Packet) -> list[bytes]:
        cn = packet.cn
        pol_id = packet.cp.fields.get("PolId")
        now = self.clock()
        groups: list[dict[str, CpValue]]
        if cn == "1011":
            groups = [{"PolId": pol_id}] if pol_id else []
            groups.append({"SystemTime": now})
        elif cn == "1061":
            groups = [{"RtdInterval": self.rtd_interval}]
        elif cn == "1063":
            groups = [{"MinInterval": self.min_interval}]
        elif cn == "2011":
            groups = [{"DataTime": now}]
            groups += [{f"{c}-Rtd": v, f"{c}-Flag": "N"} for c, v in self.pollutants.items()]
        elif cn == "2021":
            groups = [{"DataTime": now}, {"SB1-RS": 1}]
        elif cn == "3019":
            groups = [{"DataTime": now}, {f"{pol_id}-SN": f"{self.mn[:20]}{len(self.log):04d}"}]
        else:
            return []
        return [reply_data(packet, cn, groups, st=self.st)]

    def clock(self) -> datetime:
        return (self.now() + self.clock_offset).replace(microsecond=0)

    def _history(self, packet: Packet) -> list[bytes]:
        fields = packet.cp.fields
        begin = datetime.strptime(fields["BeginTime"], "%Y%m%d%H%M%S").replace(tzinfo=BEIJING)
        end = datetime.strptime(fields["EndTime"], "%Y%m%d%H%M%S").replace(tzinfo=BEIJING)
        step = {"2031": _DAY, "2041": _DAY, "2061": _HOUR}.get(
            packet.cn, timedelta(minutes=self.min_interval)
        )
        at = max(begin, self.history_from)
        out = []
        while at <= end:
            out.append(reply_data(packet, packet.cn, self._interval(packet.cn, at), st=self.st))
            at += step
        if not out:
            return [execution_result(packet, ExeRtn.NO_DATA)]
        return [*out, execution_result(packet)]

    def _interval(self, cn: str, at: datetime) -> list[dict[str, CpValue]]:
        groups: list[dict[str, CpValue]] = [{"DataTime": at}]
        if cn == "2041":
            return [*groups, {"SB1-RT": Decimal("24")}]
        for code, base in self.pollutants.items():
            mean = history_value(code, base, at)
            groups.append(
                {f"{code}-Min": mean - 1, f"{code}-Avg": mean, f"{code}-Max": mean + 1,
                 f"{code}-Flag": "N"}
            )  # fmt: skip
        return groups
