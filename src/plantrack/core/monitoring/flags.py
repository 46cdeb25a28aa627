"""Which hourly records count, by the data flag the logger sent (HJ 212 数据标记).

HJ 212-2017 表8 defines the flags of a monitored value: N 正常, F 停运, M 维护, S 手工输入的设定
值, D 故障, C 校准, T 超测上限, B 通讯异常. HJ/T 212-2005 (as reproduced in several code bases,
reference S11) used P 电源故障, F 排放源停运, C 校验, M 维护, T 超测上限, D 故障, S 设定值,
N 正常 for sources and 0 校准, 1 气象参数, 2 异常, 3 正常 for air stations.

The assessment documents that say which flags make an hour valid for 数据有效率 were not read
(reference §2.1, §2.3: "Not found: the exact sub-formulas"). The rule declared here [D]: only a
normal value is valid; every state HJ 212 marks as abnormal (maintenance, calibration, fault,
stopped instrument, communication error, hand-entered value, above the measuring range, power
failure) makes the hour invalid. One exception, read from the 2005 meaning: F sent by a 2005
logger means the *emission source* was stopped (排放源停运), so the hour is not owed at all
(excluded), as a 停产 declaration would make it. A value without a flag is counted as normal:
HJ 212-2017 表4 lists ``-Flag`` as a field a logger adds to a value, and a logger that sends
none reports no abnormal state [D].
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Literal

__all__ = ["FLAG_NAMES", "HourStatus", "Protocol", "flag_status"]

Protocol = Literal["2017", "2005"]


class HourStatus(StrEnum):
    """What one owed hourly record of one pollutant is, for the transmission/validity rates."""

    VALID = "valid"  # received, normal
    INVALID = "invalid"  # received, flagged abnormal (or judged invalid on amendment)
    MISSING = "missing"  # owed, never received
    EXCLUDED = "excluded"  # not owed: source stopped (停产/停运), declared or flagged


# HJ 212-2017 表8 and the 2005 flags (S11); names as printed.
FLAG_NAMES: Mapping[Protocol, Mapping[str, str]] = {
    "2017": {
        "N": "正常",
        "F": "停运",
        "M": "维护",
        "S": "手工输入的设定值",
        "D": "故障",
        "C": "校准",
        "T": "超测上限",
        "B": "通讯异常",
    },
    "2005": {
        "N": "正常",
        "F": "排放源停运",
        "M": "维护",
        "S": "设定值",
        "D": "故障",
        "C": "校验",
        "T": "超测上限",
        "P": "电源故障",
        "0": "校准数据",
        "1": "气象参数",
        "2": "异常数据",
        "3": "正常数据",
    },
}

_NORMAL = frozenset({"", "N", "3"})


def flag_status(flag: str, protocol: Protocol = "2017") -> HourStatus:
    """The status of a received hourly value from its flag, by the rule in the module text.

    Unknown flags (neither in HJ 212-2017 表8 nor in the 2005 lists) are invalid: an hour is
    valid only on positive evidence.
    """
    code = flag.strip().upper()
    if code in _NORMAL:
        return HourStatus.VALID
    if protocol == "2005" and code == "F":
        return HourStatus.EXCLUDED
    return HourStatus.INVALID
