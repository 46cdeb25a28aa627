"""Online monitoring (在线监测): what the HJ 212 receiver knows and stores.

For readers of these tables (the ``quality`` app computes rates, exceedances, AQI and water
classes from them):

- ``MonitoredSource``: one data logger, identified by its ``mn`` (unique). Either an outlet of
  an enterprise (``enterprise`` set; ST 31 flue gas, 32 waste water, ...) or a station
  (``enterprise`` empty; ST 22 air quality station, 21 surface-water section). ``region`` is
  always set (the enterprise's region or the station's city/county) and is what access filters
  on. ``system`` is the HJ 212 ST code; ``protocol`` "2017" or "2005"; ``targets`` the plan
  targets the source counts towards; ``water_class`` the functional-zone class (1-5) a
  water section must meet; ``is_demo`` marks 演示数据.
- ``SourcePollutant``: a pollutant a source must report (2017 code, e.g. ``w01018``), with its
  hourly-average emission limit (``limit``, ``limit_unit``, ``limit_standard``, and
  ``limit_kind``: the value kind the limit applies to, ``Avg`` or ``ZsAvg`` for converted flue
  gas values) and the expected reporting of each data command: ``rtd_interval`` seconds for
  2011, ``minute_interval`` minutes for 2051, ``reports_hourly`` for 2061, ``reports_daily``
  for 2031 (an expected-count basis for transmission rates).
- ``Record``: one upload of one data time: ``source``, ``time`` (the packet's DataTime, aware;
  for 2051/2061/2031 the start of the interval, for 2011 the sampling moment), ``cn``
  (2011/2051/2061/2031/...), ``data`` (every pollutant's values: ``{pollutant: {kind: value,
  "Flag": flag, "EFlag": flag}}``, pollutants by their 2017 codes (2005 codes are mapped on
  receipt), kinds Rtd, Avg, Min, Max, Cou, ZsRtd, ZsAvg, ZsMin, ZsMax, Data, DayData,
  NightData, RS, RT; values are JSON numbers read back as ``Decimal``, exactly as sent),
  ``qn`` and ``received_at``. Unique on (source, time, cn): an upload re-sent is stored once;
  a later upload of the same time adds the pollutants and kinds not yet stored and changes
  none. The same index serves reads by source and time range. One row an upload, not one a
  value: the receiver writes a twelfth of the rows, which is what lets it keep up with
  thousands of uploads a second (``benchmarks/hj212_ingest.py``).
- ``ReceiverEvent``: the log of refused or deviating packets and dropped connections (time,
  peer, MN if known, kind, reason, an excerpt of the bytes).
- ``LoggerCommand``: a request the platform sends to a source's logger (上位机 → 现场机,
  HJ 212-2017 表9: 1000-1072, 2011-2061, 3011-3019), queued by a user with a reason, claimed
  by the receiver process holding that MN's connection, matched by QN to the logger's 9011
  (``qn_rtn``), data (``returned``) and 9012 (``exe_rtn``). ``CommandEvent`` logs each status
  change (who or which receiver, when, detail); ``SourceChange`` audits changes a command made
  to the registry (a new password after 1072).
- ``ReceiverCounter``: per MN and day (Beijing date), counts of frames accepted, malformed,
  wrong CRC, wrong length, oversized, unknown MN, wrong password, duplicates, deviations,
  timeouts and readings stored; ``source`` is set when the MN is registered (frames that could
  not be attributed to an MN count under ``mn=""``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any, Final

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plantrack.core.hj212 import System


class SystemCode(models.TextChoices):
    """The HJ 212-2017 表5 system codes a source can have."""

    SURFACE_WATER_QUALITY = System.SURFACE_WATER_QUALITY.value, _("21 地表水质量监测")
    AIR_QUALITY = System.AIR_QUALITY.value, _("22 空气质量监测")
    NOISE_QUALITY = System.NOISE_QUALITY.value, _("23 声环境质量监测")
    GROUNDWATER_QUALITY = System.GROUNDWATER_QUALITY.value, _("24 地下水质量监测")
    SOIL_QUALITY = System.SOIL_QUALITY.value, _("25 土壤质量监测")
    SEAWATER_QUALITY = System.SEAWATER_QUALITY.value, _("26 海水质量监测")
    VOC_QUALITY = System.VOC_QUALITY.value, _("27 挥发性有机物监测")
    AIR_SOURCE = System.AIR_SOURCE.value, _("31 大气环境污染源")
    SURFACE_WATER_SOURCE = System.SURFACE_WATER_SOURCE.value, _("32 地表水体环境污染源")
    GROUNDWATER_SOURCE = System.GROUNDWATER_SOURCE.value, _("33 地下水体环境污染源")
    SEA_SOURCE = System.SEA_SOURCE.value, _("34 海洋环境污染源")
    SOIL_SOURCE = System.SOIL_SOURCE.value, _("35 土壤环境污染源")
    NOISE_SOURCE = System.NOISE_SOURCE.value, _("36 声环境污染源")
    VIBRATION_SOURCE = System.VIBRATION_SOURCE.value, _("37 振动环境污染源")
    RADIOACTIVE_SOURCE = System.RADIOACTIVE_SOURCE.value, _("38 放射性环境污染源")
    DUST_SOURCE = System.DUST_SOURCE.value, _("39 工地扬尘污染源")
    ELECTROMAGNETIC_SOURCE = System.ELECTROMAGNETIC_SOURCE.value, _("41 电磁环境污染源")
    FLUE_GAS_PROCESS = System.FLUE_GAS_PROCESS.value, _("51 烟气排放过程监控")
    WASTEWATER_PROCESS = System.WASTEWATER_PROCESS.value, _("52 污水排放过程监控")


class Protocol(models.TextChoices):
    HJ212_2017 = "2017", _("HJ 212-2017")
    HJ212_2005 = "2005", _("HJ/T 212-2005")


class MonitoredSource(models.Model):
    """A data logger registered with PlanTrack: an enterprise's outlet or a station.

    ``password`` is kept as the logger sends it. HJ 212 (表3 PW) carries it in clear text in
    every packet, so it protects nothing against anyone who can read the traffic; it is a
    configuration value the administrator must be able to read back to set up the logger, and
    checking it against a slow hash on every packet would cost the receiver most of its time.
    """

    mn = models.CharField(_("MN 编码"), max_length=32, unique=True)
    password = models.CharField(_("访问密码"), max_length=16)
    name = models.CharField(_("名称"), max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="monitored_sources",
    )
    outlet_code = models.CharField(_("排放口编号"), max_length=32, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所在地区"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    system = models.CharField(_("系统编码 ST"), max_length=2, choices=SystemCode.choices)
    protocol = models.CharField(
        _("协议版本"), max_length=4, choices=Protocol.choices, default=Protocol.HJ212_2017
    )
    water_class = models.PositiveSmallIntegerField(
        _("水功能区目标类别"),
        null=True,
        blank=True,
        help_text=_("地表水断面按 GB 3838-2002 应达到的类别（1-5）"),
    )
    targets = models.ManyToManyField(
        "plans.Target", verbose_name=_("计入的目标"), blank=True, related_name="+"
    )
    active = models.BooleanField(_("启用"), default=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("监测点")
        verbose_name_plural = _("监测点")
        ordering = ["region__code", "mn"]

    def __str__(self) -> str:
        return f"{self.name}（{self.mn}）"

    @property
    def is_station(self) -> bool:
        """An environmental-quality station (表5 codes 10-29), not a pollution source."""
        return self.system < "30"


class LimitKind(models.TextChoices):
    AVG = "Avg", _("小时均值")
    ZS_AVG = "ZsAvg", _("小时折算均值")


class SourcePollutant(models.Model):
    """A pollutant a source reports, its emission limit and how often it must be reported."""

    source = models.ForeignKey(
        MonitoredSource,
        verbose_name=_("监测点"),
        on_delete=models.CASCADE,
        related_name="pollutants",
    )
    code = models.CharField(_("污染物编码"), max_length=16, help_text=_("HJ 212-2017 附录B 编码"))
    limit = models.DecimalField(
        _("小时均值排放限值"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    limit_unit = models.CharField(_("限值单位"), max_length=20, blank=True)
    limit_standard = models.CharField(_("限值依据"), max_length=100, blank=True)
    limit_kind = models.CharField(
        _("限值对应的数据"), max_length=8, choices=LimitKind.choices, default=LimitKind.AVG
    )
    rtd_interval = models.PositiveIntegerField(
        _("实时数据间隔（秒）"), null=True, blank=True, help_text=_("2011，空表示不要求")
    )
    minute_interval = models.PositiveSmallIntegerField(
        _("分钟数据间隔（分钟）"), null=True, blank=True, help_text=_("2051，空表示不要求")
    )
    reports_hourly = models.BooleanField(_("上报小时数据（2061）"), default=True)
    reports_daily = models.BooleanField(_("上报日数据（2031）"), default=True)

    class Meta:
        verbose_name = _("监测因子")
        verbose_name_plural = _("监测因子")
        ordering = ["source", "code"]
        constraints = [
            models.UniqueConstraint(fields=["source", "code"], name="monitoring_pollutant_once")
        ]

    def __str__(self) -> str:
        return f"{self.source.mn} {self.code}"


VALUE_FLAGS: Final = ("Flag", "EFlag")
"""The text members of a pollutant's entry in :attr:`Record.data`; the others are values."""

Entry = Mapping[str, "Decimal | int | str"]


def dumps_data(data: Mapping[str, Entry]) -> str:
    """:attr:`Record.data` as JSON text with its values as JSON numbers, written exactly as
    ``str(Decimal)`` writes them (the standard ``json`` module would round them to floats).
    The values must be finite, as the parser's are (:func:`check_finite` for other callers)."""
    return (
        "{"
        + ",".join([f"{json_string(code)}:{dumps_entry(entry)}" for code, entry in data.items()])
        + "}"
    )


def dumps_entry(entry: Entry) -> str:
    """One pollutant's entry: ``{"Avg":35.2,"Flag":"N"}``."""
    members = [
        f"{json_string(name)}:{json_string(value) if name in VALUE_FLAGS else value!s}"  # type: ignore[arg-type]
        for name, value in entry.items()
    ]
    return "{" + ",".join(members) + "}"


@lru_cache(maxsize=8192)
def json_string(text: str) -> str:
    """``text`` as a JSON string, cached: the same codes and flags come in every upload."""
    return json.dumps(text, ensure_ascii=False)


def check_finite(data: Mapping[str, Entry]) -> None:
    """Raise ValueError unless every value is a finite number (JSON has no NaN)."""
    for code, entry in data.items():
        for name, value in entry.items():
            if name in VALUE_FLAGS:
                continue
            if not isinstance(value, Decimal | int) or isinstance(value, bool):
                raise ValueError(f"{code}-{name}: {value!r} is not a number")
            if isinstance(value, Decimal) and not value.is_finite():
                raise ValueError(f"{code}-{name}: {value} is not a finite number")


class ExactEncoder(json.JSONEncoder):
    """Encodes :attr:`Record.data` with :func:`dumps_data`; anything else as usual."""

    def encode(self, o: Any) -> str:
        if isinstance(o, Mapping) and all(isinstance(entry, Mapping) for entry in o.values()):
            check_finite(o)
            return dumps_data(o)
        return super().encode(o)


class ExactDecoder(json.JSONDecoder):
    """JSON with its numbers as ``Decimal``: a monitored value is read back as it was sent."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(parse_float=Decimal, parse_int=Decimal, **kwargs)


class Record(models.Model):
    """One upload of a data logger: every pollutant's values at one data time (one CN)."""

    # No index of its own: the unique key below starts with the source (one index less to
    # update per upload).
    source = models.ForeignKey(
        MonitoredSource,
        verbose_name=_("监测点"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    time = models.DateTimeField(_("数据时间"))
    cn = models.CharField(_("命令编码 CN"), max_length=4)
    data = models.JSONField(_("监测数据"), encoder=ExactEncoder, decoder=ExactDecoder)
    qn = models.CharField(_("请求编码 QN"), max_length=20, blank=True)
    received_at = models.DateTimeField(_("接收时间"))

    class Meta:
        verbose_name = _("监测数据")
        verbose_name_plural = _("监测数据")
        constraints = [
            # Re-sent packets (same QN, same DataTime) must be stored once; this key is also
            # the index for reads by source and time range.
            models.UniqueConstraint(fields=["source", "time", "cn"], name="monitoring_record_once")
        ]

    def __str__(self) -> str:
        return f"{self.cn} @ {self.time:%Y-%m-%d %H:%M} ({len(self.data)})"

    def values(self, pollutant: str) -> dict[str, Decimal]:
        """The values of ``pollutant`` by kind (``{}`` when it was not sent)."""
        entry = self.data.get(pollutant, {})
        return {kind: value for kind, value in entry.items() if kind not in VALUE_FLAGS}

    def flag(self, pollutant: str) -> str:
        """The data flag of ``pollutant`` (``""`` when none was sent)."""
        return str(self.data.get(pollutant, {}).get("Flag", ""))


class EventKind(models.TextChoices):
    GARBAGE = "garbage", _("包头前的无效字节")
    MALFORMED = "malformed", _("格式错误")
    LENGTH = "length", _("长度错误")
    CRC = "crc", _("CRC 校验错误")
    OVERSIZE = "oversize", _("超长数据包")
    UNKNOWN_MN = "unknown_mn", _("未登记的 MN")
    WRONG_PASSWORD = "wrong_password", _("密码错误")
    INACTIVE = "inactive", _("监测点已停用")
    DEVIATION = "deviation", _("不符合标准（已接收并记录）")
    REFUSED = "refused", _("不符合标准（已拒收）")
    IDLE = "idle", _("连接空闲超时")
    SPLIT = "split", _("分包未能拼合")


class ReceiverEvent(models.Model):
    """A refused or deviating packet, or a connection the receiver dropped."""

    time = models.DateTimeField(_("时间"), db_index=True)
    peer = models.CharField(_("对端地址"), max_length=64)
    mn = models.CharField(_("MN 编码"), max_length=32, blank=True)
    source = models.ForeignKey(
        MonitoredSource,
        verbose_name=_("监测点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=EventKind.choices)
    reason = models.CharField(_("原因"), max_length=300)
    excerpt = models.CharField(_("数据片段"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("接收日志")
        verbose_name_plural = _("接收日志")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["source", "time"], name="monitoring_event_source")]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.peer} {self.kind}"


# The counter columns, in the order the receiver writes them.
COUNTER_FIELDS = (
    "frames_ok",
    "malformed",
    "bad_crc",
    "bad_length",
    "oversized",
    "unknown_mn",
    "wrong_password",
    "duplicates",
    "deviations",
    "timeouts",
    "readings",
)


class ReceiverCounter(models.Model):
    """What the receiver did with one MN's frames on one day (Beijing date)."""

    mn = models.CharField(_("MN 编码"), max_length=32, blank=True)
    day = models.DateField(_("日期"))
    source = models.ForeignKey(
        MonitoredSource,
        verbose_name=_("监测点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="counters",
    )
    frames_ok = models.PositiveBigIntegerField(_("接收的数据包"), default=0)
    malformed = models.PositiveBigIntegerField(_("格式错误"), default=0)
    bad_crc = models.PositiveBigIntegerField(_("CRC 错误"), default=0)
    bad_length = models.PositiveBigIntegerField(_("长度错误"), default=0)
    oversized = models.PositiveBigIntegerField(_("超长"), default=0)
    unknown_mn = models.PositiveBigIntegerField(_("未登记 MN"), default=0)
    wrong_password = models.PositiveBigIntegerField(_("密码错误"), default=0)
    duplicates = models.PositiveBigIntegerField(_("重复数据包"), default=0)
    deviations = models.PositiveBigIntegerField(_("不符合标准"), default=0)
    timeouts = models.PositiveBigIntegerField(_("超时断开"), default=0)
    readings = models.PositiveBigIntegerField(_("保存的数据"), default=0)

    class Meta:
        verbose_name = _("接收计数")
        verbose_name_plural = _("接收计数")
        ordering = ["-day", "mn"]
        constraints = [
            models.UniqueConstraint(fields=["mn", "day"], name="monitoring_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.mn or '-'} {self.day}"


class CommandStatus(models.TextChoices):
    QUEUED = "queued", _("排队待发")
    SENT = "sent", _("已下发")
    ACKNOWLEDGED = "acknowledged", _("数采仪已应答")
    REFUSED = "refused", _("数采仪拒绝")
    EXECUTED = "executed", _("执行成功")
    FAILED = "failed", _("执行失败")
    TIMED_OUT = "timed_out", _("超时")
    NOT_CONNECTED = "not_connected", _("数采仪未连接")


# A command in one of these is finished; nothing changes it any more. ACKNOWLEDGED also ends
# 2011/2021 (their uploads run until 2012/2022), so ``finished_at`` is what says it is over.
FINISHED = frozenset(
    {
        CommandStatus.REFUSED,
        CommandStatus.EXECUTED,
        CommandStatus.FAILED,
        CommandStatus.TIMED_OUT,
        CommandStatus.NOT_CONNECTED,
    }
)


class LoggerCommand(models.Model):
    """A request sent by PlanTrack (上位机) to a source's data logger (现场机), HJ 212-2017 §6.1.

    ``timeout`` and ``retries`` are the standard's 超时时间 and 重发次数 (表1: 10 s and 3 over
    GPRS): a request not answered by 9011 within ``timeout`` seconds is sent again, at most
    ``retries`` times. After the 9011, the data and 9012 must come within ``exec_timeout``
    seconds of the last packet (calibration and history uploads take longer than an answer).
    A queued command no receiver holds a connection for by ``connect_by`` ends as not
    connected. ``returned`` holds the CP fields of the data the logger sent back, per packet.
    The receiver process that sent a command confirms ``held_at`` at each of its ticks while
    the command waits for the logger; a command not confirmed for :data:`~.commands.ABANDONED_AFTER` lost its
    process (killed, host down) and is timed out by whoever looks next.
    """

    source = models.ForeignKey(
        MonitoredSource,
        verbose_name=_("监测点"),
        on_delete=models.PROTECT,
        related_name="commands",
    )
    cn = models.CharField(_("命令编码 CN"), max_length=4)
    parameters = models.JSONField(_("参数"), default=dict, blank=True)
    qn = models.CharField(_("请求编码 QN"), max_length=20)
    status = models.CharField(
        _("状态"), max_length=16, choices=CommandStatus.choices, default=CommandStatus.QUEUED
    )
    reason = models.CharField(_("理由"), max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("下发人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    timeout = models.PositiveSmallIntegerField(_("应答超时（秒）"), default=10)
    retries = models.PositiveSmallIntegerField(_("重发次数"), default=3)
    exec_timeout = models.PositiveIntegerField(_("执行超时（秒）"), default=120)
    connect_by = models.DateTimeField(_("等待连接至"))
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    qn_rtn = models.SmallIntegerField(_("请求应答 QnRtn"), null=True, blank=True)
    exe_rtn = models.SmallIntegerField(_("执行结果 ExeRtn"), null=True, blank=True)
    returned = models.JSONField(_("返回数据"), default=list, blank=True)
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    worker = models.CharField(_("接收进程"), max_length=80, blank=True)
    queued_at = models.DateTimeField(_("下发时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    held_at = models.DateTimeField(_("接收进程确认时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("应答时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("远程命令")
        verbose_name_plural = _("远程命令")
        ordering = ["-queued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "qn"], name="monitoring_command_qn_once")
        ]
        indexes = [models.Index(fields=["status", "connect_by"], name="monitoring_command_todo")]

    def __str__(self) -> str:
        return f"{self.source.mn} CN={self.cn} QN={self.qn} {self.status}"

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


class CommandEvent(models.Model):
    """One status change of a command: by a user (queued) or by a receiver process."""

    command = models.ForeignKey(
        LoggerCommand, verbose_name=_("远程命令"), on_delete=models.CASCADE, related_name="events"
    )
    time = models.DateTimeField(_("时间"), default=timezone.now)
    status = models.CharField(_("状态"), max_length=16, choices=CommandStatus.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    worker = models.CharField(_("接收进程"), max_length=80, blank=True)
    detail = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("命令记录")
        verbose_name_plural = _("命令记录")
        ordering = ["command", "time", "id"]

    def __str__(self) -> str:
        return f"{self.command_id} {self.status} @ {self.time:%Y-%m-%d %H:%M:%S}"


class SourceChange(models.Model):
    """A change to a registered source (who, when, old, new, why), e.g. the password a logger
    took from an executed 1072 command."""

    source = models.ForeignKey(
        MonitoredSource, verbose_name=_("监测点"), on_delete=models.CASCADE, related_name="changes"
    )
    field = models.CharField(_("字段"), max_length=40)
    old = models.CharField(_("原值"), max_length=200, blank=True)
    new = models.CharField(_("新值"), max_length=200, blank=True)
    reason = models.CharField(_("理由"), max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("修改时间"), default=timezone.now)
    command = models.ForeignKey(
        LoggerCommand,
        verbose_name=_("远程命令"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("监测点变更")
        verbose_name_plural = _("监测点变更")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source.mn} {self.field} @ {self.changed_at:%Y-%m-%d %H:%M}"
