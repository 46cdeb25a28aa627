"""HJ 212 code tables: system codes (ST), command codes (CN), reply codes, data flags, pollutants.

Sources: HJ 212-2017 表5 (ST), 表9 (CN), 表6/表7 (QnRtn/ExeRtn), 表8 (data flags) and
附录B 表B.1/B.2/B.3 (pollutant codes with the HJ/T 212-2005 "原编码"). The 2005-only entries
come from third-party encodings of HJ/T 212-2005, not from its text, and are marked so.
Chinese names are data (they are what the standard calls each code).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

__all__ = [
    "COMMANDS_2005",
    "DATA_COMMANDS",
    "DATA_FLAGS_2005",
    "FIELD_NOTICES",
    "FIELD_UPLOADS",
    "HOST_NOTICES",
    "HOST_REQUESTS",
    "MIN_INTERVALS",
    "NOISE_CODES",
    "POLLUTANTS",
    "Command",
    "DataFlag",
    "ExeRtn",
    "Pollutant",
    "QnRtn",
    "REQUESTS",
    "RequestSpec",
    "System",
    "is_2005_code",
    "is_2017_shape",
    "to_2005",
    "to_2017",
]


class System(enum.StrEnum):
    """System code ST (HJ 212-2017 §6.6.1, 表5, taken from GB/T 16706-1996)."""

    SURFACE_WATER_QUALITY = "21"
    AIR_QUALITY = "22"
    NOISE_QUALITY = "23"
    GROUNDWATER_QUALITY = "24"
    SOIL_QUALITY = "25"
    SEAWATER_QUALITY = "26"
    VOC_QUALITY = "27"
    AIR_SOURCE = "31"
    SURFACE_WATER_SOURCE = "32"
    GROUNDWATER_SOURCE = "33"
    SEA_SOURCE = "34"
    SOIL_SOURCE = "35"
    NOISE_SOURCE = "36"
    VIBRATION_SOURCE = "37"
    RADIOACTIVE_SOURCE = "38"
    DUST_SOURCE = "39"
    ELECTROMAGNETIC_SOURCE = "41"
    FLUE_GAS_PROCESS = "51"
    WASTEWATER_PROCESS = "52"
    INTERACTION = "91"

    @property
    def label(self) -> str:
        """The standard's name of the system."""
        return _SYSTEM_LABELS[self]


_SYSTEM_LABELS: Final[Mapping[System, str]] = {
    System.SURFACE_WATER_QUALITY: "地表水质量监测",
    System.AIR_QUALITY: "空气质量监测",
    System.NOISE_QUALITY: "声环境质量监测",
    System.GROUNDWATER_QUALITY: "地下水质量监测",
    System.SOIL_QUALITY: "土壤质量监测",
    System.SEAWATER_QUALITY: "海水质量监测",
    System.VOC_QUALITY: "挥发性有机物监测",
    System.AIR_SOURCE: "大气环境污染源",
    System.SURFACE_WATER_SOURCE: "地表水体环境污染源",
    System.GROUNDWATER_SOURCE: "地下水体环境污染源",
    System.SEA_SOURCE: "海洋环境污染源",
    System.SOIL_SOURCE: "土壤环境污染源",
    System.NOISE_SOURCE: "声环境污染源",
    System.VIBRATION_SOURCE: "振动环境污染源",
    System.RADIOACTIVE_SOURCE: "放射性环境污染源",
    System.DUST_SOURCE: "工地扬尘污染源",
    System.ELECTROMAGNETIC_SOURCE: "电磁环境污染源",
    System.FLUE_GAS_PROCESS: "烟气排放过程监控",
    System.WASTEWATER_PROCESS: "污水排放过程监控",
    System.INTERACTION: "系统交互",
}


class Command(enum.StrEnum):
    """Command code CN (HJ 212-2017 §6.6.5, 表9)."""

    SET_TIMEOUT = "1000"
    FIELD_TIME = "1011"
    SET_FIELD_TIME = "1012"
    TIME_CALIBRATION_REQUEST = "1013"
    RTD_INTERVAL = "1061"
    SET_RTD_INTERVAL = "1062"
    MIN_INTERVAL = "1063"
    SET_MIN_INTERVAL = "1064"
    SET_PASSWORD = "1072"
    REALTIME_DATA = "2011"
    STOP_REALTIME_DATA = "2012"
    FACILITY_STATE = "2021"
    STOP_FACILITY_STATE = "2022"
    DAY_DATA = "2031"
    FACILITY_DAY_RUNTIME = "2041"
    MINUTE_DATA = "2051"
    HOUR_DATA = "2061"
    RESTART_TIME = "2081"
    CALIBRATE = "3011"
    SAMPLE_NOW = "3012"
    CLEAN = "3013"
    COMPARISON_SAMPLE = "3014"
    RETAIN_SAMPLE = "3015"
    SET_SAMPLING_PERIOD = "3016"
    SAMPLING_PERIOD = "3017"
    SAMPLE_OUTPUT_TIME = "3018"
    INSTRUMENT_SN = "3019"
    FIELD_INFO = "3020"
    SET_FIELD_PARAMETERS = "3021"
    REQUEST_ANSWER = "9011"
    EXECUTION_RESULT = "9012"
    NOTICE_ANSWER = "9013"
    DATA_ANSWER = "9014"

    @property
    def label(self) -> str:
        """The standard's name of the command (表9)."""
        return _COMMAND_LABELS[self]


_COMMAND_LABELS: Final[Mapping[Command, str]] = {
    Command.SET_TIMEOUT: "设置超时时间及重发次数",
    Command.FIELD_TIME: "提取/上传现场机时间",
    Command.SET_FIELD_TIME: "设置现场机时间",
    Command.TIME_CALIBRATION_REQUEST: "现场机时间校准请求",
    Command.RTD_INTERVAL: "提取/上传实时数据间隔",
    Command.SET_RTD_INTERVAL: "设置实时数据间隔",
    Command.MIN_INTERVAL: "提取/上传分钟数据间隔",
    Command.SET_MIN_INTERVAL: "设置分钟数据间隔",
    Command.SET_PASSWORD: "设置现场机访问密码",
    Command.REALTIME_DATA: "取/上传污染物实时数据",
    Command.STOP_REALTIME_DATA: "停止察看污染物实时数据",
    Command.FACILITY_STATE: "取/上传设备运行状态数据",
    Command.STOP_FACILITY_STATE: "停止察看设备运行状态",
    Command.DAY_DATA: "取/上传污染物日历史数据",
    Command.FACILITY_DAY_RUNTIME: "取/上传设备运行时间日历史数据",
    Command.MINUTE_DATA: "取/上传污染物分钟数据",
    Command.HOUR_DATA: "取/上传污染物小时数据",
    Command.RESTART_TIME: "上传数采仪开机时间",
    Command.CALIBRATE: "零点校准量程校准",
    Command.SAMPLE_NOW: "即时采样",
    Command.CLEAN: "启动清洗/反吹",
    Command.COMPARISON_SAMPLE: "比对采样",
    Command.RETAIN_SAMPLE: "超标留样",
    Command.SET_SAMPLING_PERIOD: "设置采样时间周期",
    Command.SAMPLING_PERIOD: "提取/上传采样时间周期",
    Command.SAMPLE_OUTPUT_TIME: "提取/上传出样时间",
    Command.INSTRUMENT_SN: "提取/上传设备唯一标识",
    Command.FIELD_INFO: "提取/上传现场机信息",
    Command.SET_FIELD_PARAMETERS: "设置现场机参数",
    Command.REQUEST_ANSWER: "请求应答",
    Command.EXECUTION_RESULT: "执行结果",
    Command.NOTICE_ANSWER: "通知应答",
    Command.DATA_ANSWER: "数据应答",
}

# Pollutant data uploads (表9, 2000-2999): the four a data-tracking server stores.
DATA_COMMANDS: Final[Mapping[Command, str]] = {
    Command.REALTIME_DATA: "realtime",
    Command.MINUTE_DATA: "minute",
    Command.HOUR_DATA: "hour",
    Command.DAY_DATA: "day",
}

# HJ/T 212-2005 commands that 2017 dropped ("删除了报警相关的…命令字", 2017 前言). Listed from a
# third-party C header of the 2005 protocol, not from the 2005 text; names are translations [U].
COMMANDS_2005: Final[Mapping[str, str]] = {
    "1001": "设置超限报警时间",
    "1021": "提取污染物报警门限值",
    "1022": "设置污染物报警门限值",
    "1031": "提取上位机地址",
    "1032": "设置上位机地址",
    "1041": "提取数据上报时间",
    "1042": "设置数据上报时间",
    "2071": "取污染物报警记录",
    "2072": "上传污染物报警事件",
}

# Who sends which command (表9 "上位→现场" / "现场→上位"); used to pick the answer a side owes.
# Commands the field unit uploads or notifies; the host answers them with 9014 (9013 for 1013).
FIELD_UPLOADS: Final = frozenset(
    {"1011", "1013", "1061", "1063", "2011", "2021", "2031", "2041", "2051", "2061", "2081"}
    | {"3015", "3017", "3018", "3019", "3020", "2072"}
)
# Host requests the field unit answers with 9011 (QnRtn), HJ 212-2017 §6.1, 附录C.
HOST_REQUESTS: Final = frozenset(
    {"1000", "1011", "1012", "1061", "1062", "1063", "1064", "1072"}
    | {"2011", "2021", "2031", "2041", "2051", "2061"}
    | {str(cn) for cn in range(3011, 3022)}
    | {"1001", "1021", "1022", "1031", "1032", "1041", "1042", "2071"}
)
# Notices: answered with 9013 (表9): 1013 from the field unit, 2012/2022 from the host.
FIELD_NOTICES: Final = frozenset({"1013"})
HOST_NOTICES: Final = frozenset({"2012", "2022"})


class QnRtn(enum.IntEnum):
    """Request reply code carried by 9011 (HJ 212-2017 表7)."""

    READY = 1
    REFUSED = 2
    PW_ERROR = 3
    MN_ERROR = 4
    ST_ERROR = 5
    FLAG_ERROR = 6
    QN_ERROR = 7
    CN_ERROR = 8
    CRC_ERROR = 9
    UNKNOWN_ERROR = 100


class ExeRtn(enum.IntEnum):
    """Execution result code carried by 9012 (HJ 212-2017 表6)."""

    SUCCESS = 1
    FAILED = 2
    BAD_CONDITION = 3
    TIMEOUT = 4
    BUSY = 5
    SYSTEM_FAULT = 6
    NO_DATA = 100


class DataFlag(enum.StrEnum):
    """Data flag ``xxxxxx-Flag`` (HJ 212-2017 表8 实时数据标记定义表)."""

    NORMAL = "N"
    STOPPED = "F"
    MAINTENANCE = "M"
    SET_VALUE = "S"
    FAULT = "D"
    CALIBRATION = "C"
    OVER_RANGE = "T"
    COMMUNICATION_ERROR = "B"


# HJ/T 212-2005 flags as reproduced by several code bases (not the 2005 text): P 电源故障 was
# dropped in 2017, B is new in 2017, and 0-3 were the ambient-air station flags.
DATA_FLAGS_2005: Final = frozenset("PFCMTDSN0123")


@dataclass(frozen=True, slots=True)
class Pollutant:
    """One row of HJ 212-2017 附录B: the 2017 code, its HJ/T 212-2005 code, name and units."""

    code: str
    code_2005: str | None
    name: str
    unit: str
    amount_unit: str
    data_type: str


# HJ 212-2017 附录B 表B.1 (water) and 表B.2 (air / flue gas), as far as the reference lists them:
# 2017 code, 2005 原编码, name, concentration unit, emission-amount unit, data type.
_ROWS: Final = (
    ("w00000", "B01", "污水", "L/s", "m³", "N5.2"),
    ("w01001", "001", "pH值", "无量纲", "", "N2.2"),
    ("w01009", None, "溶解氧", "mg/L", "", "N3.1"),
    ("w01010", None, "水温", "°C", "", "N3.1"),
    ("w01012", "003", "悬浮物", "mg/L", "kg", "N4"),
    ("w01014", None, "电导率", "µS/cm", "", "N3.1"),
    ("w01017", "010", "五日生化需氧量", "mg/L", "kg", "N5.1"),
    ("w01018", "011", "化学需氧量", "mg/L", "kg", "N5.1"),
    ("w01019", None, "高锰酸盐指数", "mg/L", "kg", "N3.1"),
    ("w01020", "015", "总有机碳", "mg/L", "kg", "N3.1"),
    ("w02003", "550", "粪大肠菌群", "个/L", "", "N9"),
    ("w20111", "020", "总汞", "µg/L", "g", "N3.2"),
    ("w20115", "022", "总镉", "µg/L", "g", "N3.1"),
    ("w20116", "023", "总铬", "mg/L", "kg", "N3.3"),
    ("w20117", "024", "六价铬", "µg/L", "g", "N2.3"),
    ("w20119", "026", "总砷", "µg/L", "g", "N2.3"),
    ("w20120", "027", "总铅", "µg/L", "g", "N4"),
    ("w21001", "065", "总氮", "mg/L", "kg", "N4.2"),
    ("w21003", "060", "氨氮", "mg/L", "kg", "N4.2"),
    ("w21011", "101", "总磷", "mg/L", "kg", "N3.2"),
    ("w21016", "070", "氰化物", "mg/L", "kg", "N3.3"),
    ("w22001", "080", "石油类", "mg/L", "kg", "N3.2"),
    ("w23002", "110", "挥发酚", "mg/L", "kg", "N3.4"),
    ("a00000", "B02", "废气", "m³/s", "m³", "N6.1"),
    ("a01011", "S02", "烟气流速", "m/s", "", "N5.2"),
    ("a01012", "S03", "烟气温度", "°C", "", "N3.1"),
    ("a01013", "S08", "烟气压力", "kPa", "", "N5.3"),
    ("a01014", "S05", "烟气湿度", "%", "", "N3.1"),
    ("a01015", "S06", "制冷温度", "°C", "", "N3.1"),
    ("a01016", "S07", "烟道截面积", "m²", "", "N4.2"),
    ("a01017", "S04", "烟气动压", "kPa", "", "N5.3"),
    ("a19001", "S01", "氧气含量", "%", "", "N3.1"),
    ("a21002", "03", "氮氧化物", "mg/m³", "kg", "N5.1"),
    ("a21003", None, "一氧化氮", "mg/m³", "kg", "N4.1"),
    ("a21004", None, "二氧化氮", "mg/m³", "kg", "N4.1"),
    ("a21005", "04", "一氧化碳", "mg/m³", "kg", "N3.3"),
    ("a21026", "02", "二氧化硫", "mg/m³", "kg", "N5.2"),
    ("a34013", "01", "烟尘", "mg/m³", "kg", "N4"),
    ("a24087", "25", "碳氢化合物", "mg/m³", "kg", "N5.2"),
    ("a24088", None, "非甲烷总烃", "mg/m³", "kg", "N7.3"),
    # 表B.2 prints 纳克/立方米 for TSP/PM10/PM2.5 (likely a misprint); kept as printed.
    ("a34001", None, "总悬浮颗粒物TSP", "ng/m³", "g", "N4.3"),
    ("a34002", None, "可吸入颗粒物PM10", "ng/m³", "g", "N3.3"),
    ("a34004", None, "细颗粒物PM2.5", "ng/m³", "g", "N3.3"),
)

POLLUTANTS: Final[Mapping[str, Pollutant]] = {row[0]: Pollutant(*row) for row in _ROWS}
_FROM_2005: Final[Mapping[str, str]] = {
    p.code_2005: p.code for p in POLLUTANTS.values() if p.code_2005 is not None
}

# 表B.3 noise codes (N3.1, dB); they keep their names in both versions.
NOISE_CODES: Final = frozenset(
    {"LA", "L5", "L10", "L50", "L90", "L95", "Leq", "Ldn", "Ld", "Ln", "LMx", "LMn"}
)


def is_2005_code(code: str) -> bool:
    """Return True when ``code`` is a HJ/T 212-2005 pollutant code of 附录B's 原编码 column."""
    return code in _FROM_2005


def to_2017(code: str) -> str:
    """Return the HJ 212-2017 code for ``code``, translating a 2005 code (附录B 原编码).

    A code already in the 2017 form (a letter and five digits, a noise code of 表B.3) is
    returned unchanged, also when it is not in the reference's partial table. An unknown 2005
    code raises ``KeyError``: guessing would file data under the wrong pollutant.
    """
    if code in _FROM_2005:
        return _FROM_2005[code]
    if code in NOISE_CODES or is_2017_shape(code):
        return code
    raise KeyError(f"{code!r} is neither a 2017 pollutant code nor a known 2005 code")


def to_2005(code: str) -> str | None:
    """Return the HJ/T 212-2005 code of a 2017 ``code``, or None when 2005 had none."""
    pollutant = POLLUTANTS.get(code)
    return None if pollutant is None else pollutant.code_2005


def is_2017_shape(code: str) -> bool:
    """True for the 附录B code form: a lower-case class letter followed by five digits."""
    return len(code) == 6 and "a" <= code[0] <= "z" and code[1:].isdigit() and code.isascii()


@dataclass(frozen=True, slots=True)
class RequestSpec:
    """How one host request (上位机 → 现场机, 表9) is exchanged (HJ 212-2017 §6.1, 附录C).

    The field unit answers with 9011 (QnRtn, 表7); for a request with ``reply_cn`` it then
    uploads that CN's data under the request's QN; a request that ``executes`` ends with 9012
    (ExeRtn, 表6). A ``notice`` (2012/2022) is answered with 9013 only. ``required`` and
    ``optional`` are the CP fields (表4) the request carries.
    """

    cn: str
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    reply_cn: str | None = None
    executes: bool = True
    notice: bool = False

    @property
    def parameters(self) -> tuple[str, ...]:
        return self.required + self.optional


# The host requests PlanTrack sends. CP fields: 表4, and the request examples of 附录C as
# reproduced in caoyiliang/HJ212's test comments (reference S8; the 附录C text itself was not
# read here [U]). The exchange (9011, data under the request's QN, 9012) is §6.1 as the
# reference §1.5 gives it. 2011/2021 start an open-ended flow of uploads that 2012/2022 stop,
# so no 9012 is awaited for them [U: our reading].
REQUESTS: Final[Mapping[str, RequestSpec]] = {
    spec.cn: spec
    for spec in (
        RequestSpec("1000", required=("OverTime", "ReCount")),
        RequestSpec("1011", optional=("PolId",), reply_cn="1011"),
        RequestSpec("1012", required=("SystemTime",), optional=("PolId",)),
        RequestSpec("1061", reply_cn="1061"),
        RequestSpec("1062", required=("RtdInterval",)),
        RequestSpec("1063", reply_cn="1063"),
        RequestSpec("1064", required=("MinInterval",)),
        RequestSpec("1072", required=("NewPW",)),
        RequestSpec("2011", reply_cn="2011", executes=False),
        RequestSpec("2012", notice=True, executes=False),
        RequestSpec("2021", reply_cn="2021", executes=False),
        RequestSpec("2022", notice=True, executes=False),
        RequestSpec("2031", required=("BeginTime", "EndTime"), reply_cn="2031"),
        RequestSpec("2041", required=("BeginTime", "EndTime"), reply_cn="2041"),
        RequestSpec("2051", required=("BeginTime", "EndTime"), reply_cn="2051"),
        RequestSpec("2061", required=("BeginTime", "EndTime"), reply_cn="2061"),
        RequestSpec("3011", required=("PolId",)),
        RequestSpec("3012", required=("PolId",)),
        RequestSpec("3013", required=("PolId",)),
        RequestSpec("3014", required=("PolId",)),
        RequestSpec("3019", required=("PolId",), reply_cn="3019"),
    )
}

# 表4: MinInterval takes one of these values (minutes).
MIN_INTERVALS: Final = frozenset({1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30})
