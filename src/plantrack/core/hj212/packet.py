"""Parsing HJ 212 frames into :class:`Packet` values, with declared rules for deviations.

A frame is ``##`` + 4-digit decimal length + data segment + 4 hex CRC + CR LF
(HJ 212-2017 §6.3.1, 表2). :func:`parse` either returns a :class:`Packet` or raises
:class:`FrameError` whose ``code`` names the reason, so a server can count rejections.

A frame that is well formed but departs from the standard (an empty MN, a 17-digit DataTime,
an unknown CN, a 2005 code in a 2017 packet, ...) is a *deviation*. :class:`Rules` says, per
kind, whether to refuse it (:class:`DeviationRefused`, a ``FrameError`` whose code is the kind)
or to accept it and record it in ``packet.deviations``. Nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache, partial
from typing import Any, Final, Literal, NamedTuple, TypeVar

from plantrack.core.hj212.codes import (
    COMMANDS_2005,
    DATA_FLAGS_2005,
    NOISE_CODES,
    Command,
    DataFlag,
    System,
    is_2005_code,
    is_2017_shape,
    to_2017,
)
from plantrack.core.hj212.crc import crc
from plantrack.core.hj212.rules import (
    DEFAULT_RULES,
    DEVIATION_KINDS,
    Action,
    Deviation,
    DeviationKind,
    DeviationRefused,
    FrameError,
    Rules,
)
from plantrack.core.nodata import NO_DATA, NoData

__all__ = [
    "BEIJING",
    "MAX_FRAME",
    "MAX_SEGMENT",
    "Action",
    "CpData",
    "DEFAULT_RULES",
    "DEVIATION_KINDS",
    "Deviation",
    "DeviationKind",
    "DeviationRefused",
    "Flag",
    "FrameError",
    "Packet",
    "Reading",
    "Rules",
    "parse",
    "unwrap",
]

# HJ 212-2017 §6.3.1 表2: the data segment holds 0 ≤ n ≤ 1024 characters.
MAX_SEGMENT: Final = 1024
# 表2: "##" (2) + length (4) + segment + CRC (4) + CR LF (2).
MAX_FRAME: Final = MAX_SEGMENT + 12
# §6.3.2 表3: CP=&&…&& holds 0 ≤ n ≤ 950 characters.
_MAX_CP: Final = 950

# The standard writes times as bare YYYYMMDDhhmmss. Field units in China keep Beijing time;
# the standard does not say so explicitly [U], hence one named constant to change.
BEIJING: Final = timezone(timedelta(hours=8), "CST")


_STRICT: Final = Rules.strict()


@dataclass(frozen=True, slots=True)
class Flag:
    """The header ``Flag`` with its bits decoded (HJ 212-2017 表3: bits V5..V0 D A)."""

    value: int

    @property
    def version(self) -> int:
        """V5..V0: 0 = HJ/T 212-2005, 1 = HJ 212-2017 (2 is used by HJ 212-2025 loggers)."""
        return self.value >> 2

    @property
    def split(self) -> bool:
        """D: the packet is one part of a split packet and carries PNUM and PNO."""
        return bool(self.value & 2)

    @property
    def answer(self) -> bool:
        """A: the sender requires an answer."""
        return bool(self.value & 1)


_VALUE_FIELDS: Final = ("Rtd", "Avg", "Min", "Max", "Cou", "ZsRtd", "ZsAvg", "ZsMin", "ZsMax")


class Reading(NamedTuple):
    """The fields of one pollutant code in the CP data area (表4 ``xxxxxx-…`` fields).

    ``values`` holds the numeric fields by name (Rtd, Avg, Min, Max, Cou, ZsRtd, ZsAvg, ZsMin,
    ZsMax, Data, DayData, NightData, RS, RT, and 2005's Ala/UpValue/LowValue); the properties
    give :data:`NO_DATA` for an absent one, never zero. ``text`` holds the other fields as sent
    (SN, Info, unknown ones). Immutable like the other parsed values, but a NamedTuple: a
    packet holds several and a frozen dataclass costs about five times as much to build.
    """

    code: str
    values: Mapping[str, Decimal]
    flag: str | None = None
    eflag: str | None = None
    sample_time: datetime | None = None
    text: Mapping[str, str] = {}  # shared default, never mutated: Reading is read-only

    def value(self, name: str) -> Decimal | NoData:
        """The numeric field ``name`` (e.g. ``"Avg"``), or NO_DATA when absent."""
        return self.values.get(name, NO_DATA)

    @property
    def rtd(self) -> Decimal | NoData:
        """Real-time value (xxxxxx-Rtd)."""
        return self.values.get("Rtd", NO_DATA)

    @property
    def avg(self) -> Decimal | NoData:
        """Interval mean (xxxxxx-Avg)."""
        return self.values.get("Avg", NO_DATA)

    @property
    def min(self) -> Decimal | NoData:
        """Interval minimum (xxxxxx-Min)."""
        return self.values.get("Min", NO_DATA)

    @property
    def max(self) -> Decimal | NoData:
        """Interval maximum (xxxxxx-Max)."""
        return self.values.get("Max", NO_DATA)

    @property
    def cou(self) -> Decimal | NoData:
        """Cumulative value (emission amount) over the interval (xxxxxx-Cou)."""
        return self.values.get("Cou", NO_DATA)

    @property
    def code_2017(self) -> str | None:
        """The 2017 code (a 2005 code translated by 附录B), or None when unknown."""
        try:
            return to_2017(self.code)
        except KeyError:
            return None


# Reading(code, values, flag) from the tuple of all its fields, without NamedTuple's Python-level
# __new__ (a quarter of the time of the usual readings); the text default is shared likewise.
_new_reading: Final = partial(tuple.__new__, Reading)
_NO_TEXT: Final = Reading._field_defaults["text"]


@dataclass(frozen=True)  # no __slots__, so that _filled() can fill it at once
class CpData:
    """The CP data area: DataTime, readings per pollutant code, and the other fields as text."""

    data_time: datetime | None
    readings: Mapping[str, Reading]
    fields: Mapping[str, str]


Version = Literal["2017", "2005"]


@dataclass(frozen=True)  # no __slots__, so that _filled() can fill it at once
class Packet:
    """A parsed HJ 212 packet (data segment fields of HJ 212-2017 表3).

    ``version`` is ``"2017"`` when the Flag's version bits are 1 or more, else ``"2005"`` (also
    when Flag is absent, as in most HJ/T 212-2005 packets). A packet rebuilt by the
    :class:`~plantrack.core.hj212.Reassembler` keeps ``pnum`` and has ``pno`` None.
    """

    qn: str | None
    st: str
    cn: str
    pw: str | None
    mn: str
    flag: Flag | None
    pnum: int | None
    pno: int | None
    cp: CpData
    deviations: tuple[Deviation, ...]
    version: Version

    @property
    def command(self) -> Command | None:
        """The CN as a :class:`Command`, or None for a code outside 表9."""
        return Command(self.cn) if self.cn in _COMMANDS else None

    @property
    def system(self) -> System | None:
        """The ST as a :class:`System`, or None for a code outside 表5."""
        return System(self.st) if self.st in _SYSTEMS else None

    @property
    def is_split(self) -> bool:
        """True for one part of a split packet (PNUM and PNO present)."""
        return self.pno is not None


_COMMANDS: Final = frozenset(c.value for c in Command)
_COMMANDS_2005: Final = _COMMANDS | frozenset(COMMANDS_2005)
_SYSTEMS: Final = frozenset(s.value for s in System)
_HEADER_FIELDS: Final = frozenset({"QN", "ST", "CN", "PW", "MN", "Flag", "PNUM", "PNO"})
# 表4 fields without a pollutant code, plus HJ/T 212-2005's dropped alarm/report fields.
_CP_FIELDS: Final = frozenset(
    {"SystemTime", "QnRtn", "ExeRtn", "RtdInterval", "MinInterval", "RestartTime", "DataTime"}
    | {"BeginTime", "EndTime", "PolId", "NewPW", "OverTime", "ReCount", "InfoId", "VaseNo"}
    | {"CstartTime", "Ctime", "Stime"}
    | {"AlarmTime", "AlarmType", "ReportTarget", "ReportTime", "DayStdValue", "NightStdValue"}
)
# 表4 numeric ``xxxxxx-`` fields (N-typed), plus 2005's Ala/UpValue/LowValue; the most used first.
_NUMERIC_NAMES: Final = (
    *_VALUE_FIELDS,
    *("Data", "DayData", "NightData", "RS", "RT", "Ala", "UpValue", "LowValue"),
)
_NUMERIC: Final = frozenset(_NUMERIC_NAMES)
_TEXT: Final = frozenset({"SN", "Info"})
_FLAGS_2017: Final = frozenset(f.value for f in DataFlag)
_NUMBER_CHARS: Final = "0123456789.-"
_HEX: Final = b"0123456789abcdefABCDEF"
_MN_CHARS: Final = frozenset("0123456789ABCDEF")
# The fast path (§6.3.3): a whole CP of well-formed name=value items, no '=' in a value, in one
# C-level match; anything else takes the item-by-item path. Items end at the first ';' or ','
# so the pattern cannot backtrack badly.
_ITEM: Final = r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?=[^;,=]*"
_CP: Final = re.compile(rf"(?:{_ITEM}[;,])*{_ITEM}")
# The usual header, in the order of 表3 / 表C.49, matched at once; anything else takes the
# item-by-item path. Values exclude ';' ',' '=' as the item-by-item path requires.
_V: Final = r"([^;,=]*)"
_HEAD: Final = re.compile(
    rf"QN={_V};ST={_V};CN={_V};PW={_V};MN={_V};Flag={_V};(?:PNUM={_V};PNO={_V};)?"
)
_HEAD_KEYS: Final = ("QN", "ST", "CN", "PW", "MN", "Flag", "PNUM", "PNO")
# A valid QN standing in for a packet's own, which changes with every packet (see _usual_header).
_SOME_QN: Final = "20170501000000000"
# The usual CP, read by one loop with no check left to make (:meth:`_Parser.usual_cp`): 表4
# fields without a code, then per pollutant code numbers and a data flag. A number has the
# characters of one here (§6.3.3: digits, a sign and a decimal point), and Decimal checks their
# order, as on the general path. Possessive quantifiers, as the items cannot overlap: giving
# characters back could never help a match.
_USUAL_ITEM: Final = (
    rf"[A-Za-z0-9]++(?:-(?:(?:{'|'.join(_NUMERIC_NAMES)})=[-0-9.]++|Flag=[^;,=]*+)|=[^;,=]*+)"
)
_USUAL_CP: Final = re.compile(rf"{_USUAL_ITEM}(?:[;,]{_USUAL_ITEM})*+")
# Pollutant codes read without a deviation: a 2017 packet should carry 2017 codes (附录B).
_USUAL_CODES: Final[Mapping[Version, frozenset[Version | None]]] = {
    "2017": frozenset({"2017"}),
    "2005": frozenset({"2017", "2005"}),
}


def unwrap(frame: bytes) -> bytes:
    """Check a frame's envelope (表2) and CRC (附录A); return its data segment."""
    if frame[:2] != b"##":
        raise FrameError("header", f"frame does not start with '##' (starts {frame[:2]!r})")
    digits = frame[2:6]
    if len(digits) != 4 or not digits.isdigit():
        raise FrameError("length", f"length field {digits!r} is not 4 decimal digits")
    declared = int(digits)
    if declared > MAX_SEGMENT:  # 表2: 0 ≤ n ≤ 1024
        raise FrameError("oversize", f"data segment of {declared} bytes exceeds {MAX_SEGMENT}")
    if frame[-2:] != b"\r\n":
        raise FrameError("crlf", "frame does not end with CR LF")
    if len(frame) != declared + 12:
        raise FrameError(
            "length",
            f"length field says {declared} bytes of data segment, "
            f"the frame holds {len(frame) - 12} (frame of {len(frame)} bytes)",
        )
    segment = frame[6:-6]
    written = frame[-6:-2]
    if written.strip(_HEX):
        raise FrameError("crc", f"CRC field {written!r} is not 4 hex digits")
    # 附录A: computed over the data segment only; hex case varies in the wild.
    expected = crc(segment)
    if int(written, 16) != expected:
        raise FrameError("crc", f"bad CRC: computed {expected:04X}, frame says {written.decode()}")
    return segment


def parse(frame: bytes, rules: Rules = DEFAULT_RULES) -> Packet:
    """Parse one frame into a :class:`Packet`; raise :class:`FrameError` saying what is wrong."""
    segment = unwrap(frame)
    try:
        text = segment.decode("utf-8")  # §6.3: ASCII, Chinese characters in UTF-8
    except UnicodeDecodeError as exc:
        raise FrameError("encoding", f"data segment is not UTF-8: {exc.reason}") from None
    return _Parser(rules).segment(text)


# The header fields in the order of Packet's first fields: qn, st, cn, pw, mn, flag, pnum, pno.
_Header = tuple[str | None, str, str, str | None, str, Flag | None, int | None, int | None]
_HeaderRest = tuple[str, str, str | None, str, Flag | None, int | None, int | None]


class _Parser:
    """One use: parse one data segment, collecting deviations under ``rules``."""

    __slots__ = ("rules", "deviations", "version")

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.deviations: list[Deviation] = []
        self.version: Version = "2005"

    def deviate(self, kind: DeviationKind, field: str, detail: str) -> None:
        deviation = Deviation(kind, field, detail)
        if getattr(self.rules, kind) == "refuse":
            raise DeviationRefused(deviation)
        self.deviations.append(deviation)

    def segment(self, text: str) -> Packet:
        # §6.3.2 表3: header fields, then CP=&&…&& last.
        at = text.find("CP=&&")
        if at < 0:
            raise FrameError("syntax", "data segment has no 'CP=&&'")
        if len(text) < at + 7 or not text.endswith("&&"):
            raise FrameError("syntax", "CP=&& is not closed by '&&' at the end of the segment")
        head = text[:at]
        if head and head[-1] != ";":
            raise FrameError("syntax", f"no ';' between {head.rsplit(';', 1)[-1]!r} and 'CP='")
        header = self.header(head)
        cp_text = text[at + 5 : -2]
        if len(cp_text) + 7 > _MAX_CP:
            self.deviate("cp_length", "CP", f"{len(cp_text) + 7} characters, over {_MAX_CP}")
        cp = self.cp(cp_text) if cp_text else CpData(None, {}, {})
        qn, st, cn, pw, mn, flag, pnum, pno = header
        fields = {
            "qn": qn,
            "st": st,
            "cn": cn,
            "pw": pw,
            "mn": mn,
            "flag": flag,
            "pnum": pnum,
            "pno": pno,
            "cp": cp,
            "deviations": tuple(self.deviations),
            "version": self.version,
        }
        return _filled(Packet, fields)

    def header(self, head: str) -> _Header:
        # 表3 puts QN first, and the rest of a logger's header repeats from packet to packet.
        qn = head[3:20]
        if head[:3] == "QN=" and head[20:21] == ";" and qn.isdigit() and qn.isascii():
            usual = _usual_header(head[21:])
            if usual is not None:
                rest, self.version = usual
                return (qn, *rest)
        match = _HEAD.fullmatch(head)
        if match is None:
            return self.checked_header(self.header_fields(head[:-1]))
        fields = {k: v for k, v in zip(_HEAD_KEYS, match.groups(), strict=True) if v is not None}
        return self.checked_header(fields)

    def checked_header(self, fields: Mapping[str, str]) -> _Header:
        """The header fields checked one by one, deviations recorded."""
        for key in ("ST", "CN"):
            if key not in fields:
                raise FrameError("missing", f"header has no {key}")
        cn = fields["CN"]
        if len(cn) != 4 or not cn.isdigit() or not cn.isascii():  # 表3: CN is 4 digits
            raise FrameError("value", f"CN {cn!r} is not 4 digits")
        flag = self.flag(fields.get("Flag"))
        pnum, pno = self.split(fields, flag)
        self.check_codes(fields, cn)
        mn = fields.get("MN", "")
        return fields.get("QN"), fields["ST"], cn, fields.get("PW"), mn, flag, pnum, pno

    def header_fields(self, head: str) -> dict[str, str]:
        """The header item by item, saying exactly which item is malformed."""
        fields: dict[str, str] = {}
        for item in head.split(";") if head else ():
            key, sep, value = item.partition("=")
            if not sep or not _is_name(key):
                raise FrameError("syntax", f"header item {item!r} is not name=value")
            if "=" in value or "," in value:
                raise FrameError("syntax", f"header field {key} has {value!r} (a separator?)")
            if key in fields:
                self.deviate("duplicate_field", key, f"given twice ({fields[key]!r}, {value!r})")
                continue
            if key not in _HEADER_FIELDS:
                self.deviate("unknown_field", key, "not a header field of 表3; ignored")
            fields[key] = value
        return fields

    def flag(self, raw: str | None) -> Flag | None:
        if raw is None:
            return None  # most HJ/T 212-2005 packets carry no Flag
        if not raw.isdigit() or not raw.isascii() or len(raw) > 3 or int(raw) > 255:
            raise FrameError("value", f"Flag {raw!r} is not an integer 0-255")  # 表3
        flag = Flag(int(raw))
        if flag.version >= 1:
            self.version = "2017"
        if flag.version > 1:
            self.deviate("flag", "Flag", f"Flag={raw}: version bits {flag.version}, not 0 or 1")
        return flag

    def split(self, fields: Mapping[str, str], flag: Flag | None) -> tuple[int | None, int | None]:
        raw_pnum, raw_pno = fields.get("PNUM"), fields.get("PNO")
        if raw_pnum is None and raw_pno is None:
            if flag is not None and flag.split:
                self.deviate("split_fields", "Flag", "D bit set but no PNUM/PNO; taken as whole")
            return None, None
        if raw_pnum is None or raw_pno is None:
            self.deviate("split_fields", "PNUM", "only one of PNUM/PNO; taken as whole")
            return None, None
        pnum, pno = _count(raw_pnum, "PNUM"), _count(raw_pno, "PNO")
        if not 1 <= pno <= pnum:
            raise FrameError("value", f"PNO={pno} is not within 1..PNUM={pnum}")
        if flag is None or not flag.split:
            self.deviate("split_fields", "Flag", "PNUM/PNO present but the D bit is not set")
        return pnum, pno

    def check_codes(self, fields: Mapping[str, str], cn: str) -> None:
        qn = fields.get("QN")
        if qn is None:
            if self.version == "2017":
                self.deviate("qn_format", "QN", "missing in a 2017 packet")
        elif len(qn) != 17 or not qn.isdigit() or not qn.isascii():
            self.deviate("qn_format", "QN", f"{qn!r} is not 17 digits (YYYYMMDDhhmmsszzz)")
        mn = fields.get("MN", "")
        if not mn:
            self.deviate("empty_mn", "MN", "empty or missing; the data cannot be attributed")
        elif self.version == "2017" and (len(mn) != 24 or not _MN_CHARS.issuperset(mn)):
            self.deviate("mn_format", "MN", f"{mn!r} is not 24 characters 0-9A-F (EPC-96)")
        pw = fields.get("PW")
        if pw is None or len(pw) != 6:
            self.deviate("pw_format", "PW", f"{pw!r} is not 6 characters")
        if fields["ST"] not in _SYSTEMS:
            self.deviate("unknown_st", "ST", f"{fields['ST']!r} is not in 表5")
        known = _COMMANDS if self.version == "2017" else _COMMANDS_2005
        if cn not in known:
            self.deviate("unknown_cn", "CN", f"{cn} is not in 表9")

    def cp(self, text: str) -> CpData:
        """The CP data area: the usual shape in one loop, anything else field by field."""
        if _USUAL_CP.fullmatch(text):
            cp = self.usual_cp(text)
            if cp is not None:
                return cp
        return self.cp_fields(text)

    def usual_cp(self, text: str) -> CpData | None:
        """A CP that matches ``_USUAL_CP``, or None when it holds something :meth:`cp_fields`
        must look at (a field twice, a deviation, an error), which then reads it all again.

        Most packets a server receives are of this shape, and checks the general path makes
        per field are made here once per packet (the pattern checked names and number
        characters, a set comparison the names without code); property tests hold the two paths
        to the same result.
        """
        # Every item is name=value with one '=', so one split gives names and values in turn.
        flat = text.replace(",", ";").replace("=", ";").split(";")
        fields: dict[str, str] = {}
        drafts: dict[str, dict[str, Decimal]] = {}
        flags: dict[str, str] = {}
        last = ""
        values: dict[str, Decimal] = {}
        for key, value in zip(flat[::2], flat[1::2], strict=True):
            code, dash, name = key.partition("-")
            if code != last or not dash:  # a field without code, or the next code's first
                if not dash:
                    if key in fields:
                        return None
                    fields[key] = value
                    continue
                if code in drafts:  # the code's fields are not all in one run
                    return None
                last, values = code, {}
                drafts[code] = values
            if name == "Flag":  # the only name of the pattern that is not a number's
                if code in flags:
                    return None
                flags[code] = value
            elif name in values:
                return None
            else:
                try:
                    values[name] = Decimal(value)
                except InvalidOperation:
                    return None
        if not fields.keys() <= _CP_FIELDS:
            return None
        data_time = None
        if "DataTime" in fields:
            data_time = _usual_time(fields["DataTime"])
            if data_time is None:
                return None
        readings = self.usual_readings(drafts, flags)
        if readings is None:
            return None
        return _filled(CpData, {"data_time": data_time, "readings": readings, "fields": fields})

    def usual_readings(
        self, drafts: dict[str, dict[str, Decimal]], flags: dict[str, str]
    ) -> dict[str, Reading] | None:
        """The readings of :meth:`usual_cp`, or None if a code or a data flag is a deviation."""
        codes = _USUAL_CODES[self.version]
        allowed = _FLAGS_2017 if self.version == "2017" else DATA_FLAGS_2005
        readings = {}
        for code, values in drafts.items():
            flag = flags.get(code)
            if _code_kind(code) not in codes or (flag is not None and flag not in allowed):
                return None
            readings[code] = _new_reading((code, values, flag, None, None, _NO_TEXT))
        return readings

    def cp_fields(self, text: str) -> CpData:
        """The CP data area field by field: tokenise, then interpret each field."""
        if _CP.fullmatch(text):
            # Every item is name=value with one '=', so one split gives names and values in turn.
            flat = text.replace(",", ";").replace("=", ";").split(";")
            pairs: Iterable[tuple[str, str]] = zip(flat[::2], flat[1::2], strict=True)
        else:
            pairs = self.tokens(text)
        fields: dict[str, str] = {}
        drafts: dict[str, tuple[dict[str, Decimal], dict[str, str]]] = {}
        for key, value in pairs:
            code, dash, name = key.partition("-")
            if not dash:
                if key in fields:
                    self.deviate("duplicate_field", key, "given twice")
                else:
                    fields[key] = value
                continue
            draft = drafts.get(code)
            if draft is None:
                draft = drafts[code] = ({}, {})
            values, other = draft
            if name in values or name in other:
                self.deviate("duplicate_field", key, "given twice")
            elif name in _NUMERIC and value:
                # §6.3.3: N-typed values are digits, an optional sign and decimal point; Decimal
                # alone would also take "NaN", "1e5", "1_0" and surrounding spaces.
                if not value.strip(_NUMBER_CHARS):
                    try:
                        values[name] = Decimal(value)
                        continue
                    except InvalidOperation:
                        pass
                raise FrameError("value", f"{key}={value!r} is not a number")
            else:
                other[name] = value
        data_time = None
        for key, value in fields.items():
            if key == "DataTime":
                data_time = self.time(key, value)
            elif key not in _CP_FIELDS:
                self.deviate("unknown_field", key, "not a field of 表4; kept as text")
        readings = {code: self.reading(code, *draft) for code, draft in drafts.items()}
        return CpData(data_time, readings, fields)

    def tokens(self, text: str) -> list[tuple[str, str]]:
        """Split CP text item by item, saying exactly which item is malformed.

        The slow path, taken when the one-regex check of the whole CP fails; it yields what the
        fast path would for the items it accepts (a fuzz test compares the two).
        """
        # §6.3.3: items of one group are separated by ',', groups by ';'.
        out = []
        for group in text.split(";"):
            for item in group.split(","):
                key, sep, value = item.partition("=")
                if not sep:
                    if item:
                        raise FrameError("syntax", f"CP item {item!r} is not name=value")
                    self.deviate("empty_item", "CP", "stray ';' or ','")
                    continue
                code, dash, name = key.partition("-")
                if not _is_name(code) or (dash and not _is_name(name)):
                    raise FrameError("syntax", f"CP field name {key!r} is not code-Name or Name")
                out.append((key, value))
        return out

    def reading(self, code: str, values: dict[str, Decimal], fields: dict[str, str]) -> Reading:
        """The fields of one pollutant code (表4 xxxxxx-… fields); numbers are read already."""
        kind = _code_kind(code)
        if kind is None:
            self.deviate("unknown_code", code, "not a pollutant code of 附录B (either version)")
        elif kind == "2005" and self.version == "2017":
            detail = f"HJ/T 212-2005 code in a 2017 packet (= {to_2017(code)})"
            self.deviate("code_2005", code, detail)
        flag = eflag = None
        sample_time = None
        text: dict[str, str] = {}
        for name, value in fields.items():
            if not value:
                self.deviate("empty_value", f"{code}-{name}", "no value; missing, not zero")
            elif name == "Flag":
                allowed = _FLAGS_2017 if self.version == "2017" else DATA_FLAGS_2005
                if value not in allowed:
                    self.deviate("data_flag", f"{code}-Flag", f"{value!r} is not a flag of 表8")
                flag = value
            elif name == "EFlag":
                eflag = value
            elif name == "SampleTime":
                sample_time = self.time(f"{code}-{name}", value)
            else:
                if name not in _TEXT:
                    self.deviate("unknown_field", f"{code}-{name}", "not in 表4; kept as text")
                text[name] = value
        return Reading(code, values, flag, eflag, sample_time, text)

    def time(self, key: str, value: str) -> datetime:
        """An N14 time YYYYMMDDhhmmss (表4); 17 digits (with ms) is a deviation, truncated."""
        if len(value) == 17 and value.isdigit():
            self.deviate("long_time", key, f"{value} has 17 digits; truncated to 14")
            value = value[:14]
        if len(value) != 14 or not value.isdigit() or not value.isascii():
            raise FrameError("value", f"{key}={value!r} is not YYYYMMDDhhmmss")
        try:
            return _time14(value)
        except ValueError:
            raise FrameError("value", f"{key}={value} is not a valid time") from None


_Frozen = TypeVar("_Frozen", Packet, CpData)


def _filled(cls: type[_Frozen], fields: dict[str, Any]) -> _Frozen:
    """``cls(**fields)`` without the generated ``__init__``, whose ``object.__setattr__`` call
    per field (the price of ``frozen``) cost 3 µs of a 30 µs parse: the fields are set as one
    dict, as ``__init__`` leaves them (neither class has a default or a check; a test compares).
    """
    instance = object.__new__(cls)
    object.__setattr__(instance, "__dict__", fields)
    return instance


@lru_cache(maxsize=16384)
def _usual_header(rest: str) -> tuple[_HeaderRest, Version] | None:
    """The header fields after a valid QN (``rest`` is the header after ``QN=…;``) and the
    version, when they hold no deviation and no error; else None, and the caller checks the
    header field by field.

    Cached because a data logger sends the same header with every packet, QN apart (which the
    caller checks): 16,384 entries hold a few thousand loggers' few kinds of upload.
    """
    parser = _Parser(_STRICT)  # refuses any deviation, so a header with one gets None
    try:
        header = parser.checked_header(parser.header_fields(f"QN={_SOME_QN};{rest}"[:-1]))
    except FrameError:
        return None
    return header[1:], parser.version


def _usual_time(value: str) -> datetime | None:
    """An N14 time (表4) as :meth:`_Parser.time` reads it, or None for one it would not accept
    as it stands (17 digits, not digits, not a valid time)."""
    if len(value) != 14 or not value.isdigit() or not value.isascii():
        return None
    try:
        return _time14(value)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _time14(value: str) -> datetime:
    """YYYYMMDDhhmmss in Beijing time; cached, as a receiver's loggers share their DataTimes
    (every minute packet of one minute carries the same one)."""
    return datetime(
        int(value[:4]),
        int(value[4:6]),
        int(value[6:8]),
        int(value[8:10]),
        int(value[10:12]),
        int(value[12:14]),
        tzinfo=BEIJING,
    )


def _is_name(text: str) -> bool:
    return text.isalnum() and text.isascii()


def _count(value: str, key: str) -> int:
    if not value.isdigit() or not value.isascii() or len(value) > 4:  # 表3: PNUM N4, PNO N4
        raise FrameError("value", f"{key}={value!r} is not a number of 1-4 digits")
    return int(value)


@lru_cache(maxsize=1024)
def _code_kind(code: str) -> Version | None:
    """Which 附录B form ``code`` has: "2017" (incl. 表B.3 noise, SBxxx facilities), "2005"."""
    if is_2005_code(code):
        return "2005"
    if is_2017_shape(code) or code in NOISE_CODES or code[:2] == "SB":
        return "2017"
    return None
