"""Why the HJ 212 parser rejects a frame (:class:`FrameError`, with a ``code`` for counting)
and what it does with a frame that is well formed but departs from the standard: a
*deviation*, refused or accepted on record as :class:`Rules` say, kind by kind.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Final, Literal, get_args

__all__ = [
    "DEFAULT_RULES",
    "DEVIATION_KINDS",
    "Action",
    "Deviation",
    "DeviationKind",
    "DeviationRefused",
    "FrameError",
    "Rules",
]


class FrameError(ValueError):
    """A frame the parser rejects; ``code`` is a short reason for counting rejections.

    Codes: ``header`` (no ``##``), ``length`` (length field not 4 digits, or not the segment's
    size), ``oversize`` (segment over 1024 bytes), ``crc`` (CRC field not hex, or wrong),
    ``crlf`` (no CR LF), ``encoding`` (not UTF-8), ``syntax`` (bad field syntax), ``missing``
    (ST or CN absent), ``value`` (a value of the wrong form), ``garbage`` (bytes before ``##``,
    from :class:`~plantrack.core.hj212.StreamDecoder`), or a :data:`DeviationKind` for a
    deviation the rules refuse.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    def __reduce__(self) -> tuple[type[FrameError], tuple[str, str]]:
        return (type(self), (self.code, str(self)))


DeviationKind = Literal[
    "empty_mn",
    "mn_format",
    "qn_format",
    "pw_format",
    "flag",
    "split_fields",
    "unknown_st",
    "unknown_cn",
    "unknown_field",
    "duplicate_field",
    "empty_item",
    "empty_value",
    "long_time",
    "code_2005",
    "unknown_code",
    "data_flag",
    "cp_length",
]
DEVIATION_KINDS: Final[tuple[DeviationKind, ...]] = get_args(DeviationKind)
Action = Literal["refuse", "accept"]


@dataclass(frozen=True, slots=True)
class Deviation:
    """One departure from the standard found in an accepted packet."""

    kind: DeviationKind
    field: str
    detail: str


class DeviationRefused(FrameError):
    """A deviation that the :class:`Rules` in force refuse; ``code`` is its kind."""

    def __init__(self, deviation: Deviation) -> None:
        super().__init__(deviation.kind, f"refused: {deviation.field}: {deviation.detail}")
        self.deviation = deviation

    def __reduce__(self) -> tuple[type[FrameError], tuple[str, str]]:
        return (FrameError, (self.code, str(self)))


@dataclass(frozen=True, slots=True)
class Rules:
    """What to do with each kind of deviation: ``"refuse"`` or ``"accept"`` (and record).

    The defaults refuse what makes data unattributable or ambiguous (no MN, a field given
    twice) and accept, on record, what real data loggers commonly send.
    """

    # 表3: MN identifies the monitoring point; data without it cannot be filed.
    empty_mn: Action = "refuse"
    # 表3: 2017 MN is EPC-96, 24 characters 0-9A-F; many loggers still send 14 digits.
    mn_format: Action = "accept"
    # 表3: QN is YYYYMMDDhhmmsszzz, 17 digits; required in 2017 packets.
    qn_format: Action = "accept"
    # 表3: PW has 6 characters.
    pw_format: Action = "accept"
    # 表3: Flag version bits V5..V0 other than 000000 (2005) / 000001 (2017), e.g. 2025 loggers.
    flag: Action = "accept"
    # 表3: PNUM/PNO are present exactly when the Flag's D bit is set.
    split_fields: Action = "accept"
    # 表5 / 表9: codes outside the tables.
    unknown_st: Action = "accept"
    unknown_cn: Action = "accept"
    # 表3 / 表4: a field name the standard does not define (kept as text).
    unknown_field: Action = "accept"
    # The same field twice: which value is meant is unknowable.
    duplicate_field: Action = "refuse"
    # §6.3.3: a stray ';' or ',' (an empty item), e.g. a trailing ';' before '&&'.
    empty_item: Action = "accept"
    # A field with no value: kept as missing (NO_DATA), never as zero.
    empty_value: Action = "accept"
    # 表4: N14 times (DataTime, SampleTime) given with milliseconds (17 digits): truncated.
    long_time: Action = "accept"
    # 附录B: a HJ/T 212-2005 code (原编码) in a 2017 packet.
    code_2005: Action = "accept"
    # 附录B: a pollutant code of neither form (e.g. 表C.14's typo "01018").
    unknown_code: Action = "accept"
    # 表8: a data flag outside the table.
    data_flag: Action = "accept"
    # 表3: CP longer than 950 characters.
    cp_length: Action = "accept"

    def __post_init__(self) -> None:
        for kind in DEVIATION_KINDS:
            if getattr(self, kind) not in ("refuse", "accept"):
                raise ValueError(f"Rules.{kind} must be 'refuse' or 'accept'")

    @classmethod
    def strict(cls) -> Rules:
        """Rules that refuse every deviation."""
        refuse: dict[str, Action] = {kind: "refuse" for kind in DEVIATION_KINDS}
        return cls(**refuse)

    @classmethod
    def lenient(cls) -> Rules:
        """Rules that accept every deviation, recording each one."""
        accept: dict[str, Action] = {kind: "accept" for kind in DEVIATION_KINDS}
        return cls(**accept)

    def action(self, kind: DeviationKind) -> Action:
        """The action for ``kind``."""
        action: Action = getattr(self, kind)
        return action

    def replace(self, **changes: Action) -> Rules:
        """A copy with some kinds changed, e.g. ``rules.replace(empty_mn="accept")``."""
        return dataclasses.replace(self, **changes)


DEFAULT_RULES: Final = Rules()
