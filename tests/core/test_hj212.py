"""HJ 212: known answers from HJ 212-2017 (fixed where its examples have typos), every
rejection reason, deviations under default and strict rules, answers, split packets, streams."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import datetime
from decimal import Decimal

import pytest

from plantrack.core.hj212 import (
    BEIJING,
    DEVIATION_KINDS,
    MAX_FRAME,
    POLLUTANTS,
    Command,
    CpData,
    DataFlag,
    DeviationRefused,
    ExeRtn,
    FrameError,
    Packet,
    QnRtn,
    Reassembler,
    Rules,
    StreamDecoder,
    System,
    build,
    crc,
    crc_reference,
    execution_result,
    parse,
    respond,
    to_2005,
    to_2017,
    wrap,
)
from plantrack.core.hj212.packet import _Parser, _usual_header
from plantrack.core.nodata import NO_DATA

# HJ 212-2017 附录A worked example. Its prose says "1C08"; the packet and the algorithm give 1C80.
EXAMPLE = (
    b"##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;"
    b"Flag=5;CP=&&RtdInterval=30&&1C80\r\n"
)
EXAMPLE_SEGMENT = EXAMPLE[6:-6]
MN = "010000A8900016F000169DC0"
HEAD = f"QN=20160801085857223;ST=32;CN=2061;PW=123456;MN={MN};Flag=4;"
T0 = datetime(2016, 8, 1, 8, 0, tzinfo=BEIJING)


def crc_modbus(data: bytes) -> int:
    reg = 0xFFFF
    for byte in data:
        reg ^= byte
        for _ in range(8):
            reg = (reg >> 1) ^ 0xA001 if reg & 1 else reg >> 1
    return reg


def segment_frame(segment: str) -> bytes:
    """Frame a data segment (correct length and CRC), to test what lies inside."""
    return wrap(segment)


def cp_frame(cp: str, head: str = HEAD) -> bytes:
    return wrap(f"{head}CP=&&{cp}&&")


def rejection(frame: bytes, rules: Rules | None = None) -> FrameError:
    with pytest.raises(FrameError) as info:
        parse(frame) if rules is None else parse(frame, rules)
    return info.value


def kinds(packet: Packet) -> list[str]:
    return [d.kind for d in packet.deviations]


# --- CRC (附录A) -------------------------------------------------------------------------


def test_crc_check_values_from_the_reference() -> None:
    assert crc(b"123456789") == 0x2F80
    assert crc(b"") == 0xFFFF


def test_crc_of_the_standards_example_is_1C80_not_the_prose_typo_1C08() -> None:
    assert len(EXAMPLE_SEGMENT) == 101
    assert crc(EXAMPLE_SEGMENT) == 0x1C80


def test_crc_is_not_crc16_modbus() -> None:
    assert crc_modbus(b"123456789") == 0x4B37
    assert crc_modbus(EXAMPLE_SEGMENT) == 0x0759
    assert crc(EXAMPLE_SEGMENT) != crc_modbus(EXAMPLE_SEGMENT)


def test_fast_crc_agrees_with_the_step_by_step_algorithm_at_every_length() -> None:
    data = bytes(range(256)) * 5
    for n in range(0, 1100, 7):
        assert crc(data[:n]) == crc_reference(data[:n]), n


def test_every_crc_is_one_of_the_256_table_values() -> None:
    # Only the register's high byte carries state (附录A step 3), so each CRC is T[x]; the
    # one-byte inputs reach all 256 of them (crc(b) = T[0xFF ^ b]).
    table = {crc(bytes([b])) for b in range(256)}
    assert len(table) == 256
    assert {crc(b"QN=%d;CP=&&&&" % i) for i in range(5000)} <= table


# --- parse: the standard's example --------------------------------------------------------


def test_parse_the_standards_example() -> None:
    packet = parse(EXAMPLE)
    assert (packet.qn, packet.st, packet.cn, packet.pw, packet.mn) == (
        "20160801085857223",
        "32",
        "1062",
        "100000",
        MN,
    )
    assert packet.flag is not None
    assert (packet.flag.value, packet.flag.version, packet.flag.answer, packet.flag.split) == (
        5,
        1,
        True,
        False,
    )
    assert packet.command is Command.SET_RTD_INTERVAL
    assert packet.system is System.SURFACE_WATER_SOURCE
    assert packet.cp.fields == {"RtdInterval": "30"}
    assert packet.cp.data_time is None
    assert packet.version == "2017"
    assert packet.deviations == ()
    assert packet.pnum is None and packet.pno is None and not packet.is_split


def test_the_example_with_the_prose_crc_1C08_is_rejected_naming_both_values() -> None:
    error = rejection(EXAMPLE.replace(b"&&1C80", b"&&1C08"))
    assert error.code == "crc"
    assert "1C80" in str(error) and "1C08" in str(error)


def test_lower_case_crc_is_accepted() -> None:
    assert parse(EXAMPLE.replace(b"1C80", b"1c80")).cn == "1062"


def test_packet_is_frozen() -> None:
    packet = parse(EXAMPLE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        packet.mn = "x"  # type: ignore[misc]


def test_a_parsed_packet_is_the_packet_its_constructor_builds() -> None:
    # parse fills Packet and CpData without their __init__; they must come out the same.
    packet = parse(cp_frame("DataTime=20160801080000;w01018-Avg=25.5,w01018-Flag=N"))
    cp = packet.cp
    built_cp = CpData(**{f.name: getattr(cp, f.name) for f in dataclasses.fields(CpData)})
    fields = {f.name: getattr(packet, f.name) for f in dataclasses.fields(Packet)}
    built = Packet(**(fields | {"cp": built_cp}))
    assert built == packet and vars(built) == vars(packet) and vars(built_cp) == vars(cp)


def test_typical_data_packets_take_the_usual_path() -> None:
    # The usual path reads what the general path reads (property tests hold them to it), so
    # only a test of the private steps notices typical packets sliding onto the slow path.
    assert HEAD.startswith("QN=20160801085857223;")
    assert _usual_header(HEAD.removeprefix("QN=20160801085857223;")) is not None
    for cp in (
        "DataTime=20160801080000;w01018-Min=20.1,w01018-Avg=25.5,w01018-Max=30.0,"
        "w01018-Cou=1.25,w01018-Flag=N;w00000-Cou=100.5,w00000-Flag=N",
        "DataTime=20160801085857;a21026-Rtd=-1.5,a21026-ZsRtd=2.5,a21026-Flag=N;a19001-Rtd=9.8",
    ):
        parser = _Parser(Rules())
        parser.version = "2017"
        usual = parser.usual_cp(cp)
        assert usual is not None
        assert usual == parser.cp_fields(cp) and parser.deviations == []


def test_a_deviating_header_is_recorded_every_time_it_is_read() -> None:
    # Headers without deviations are cached per logger; one with a deviation must not be.
    for _ in range(2):
        assert kinds(parse(DEVIANT["mn_format"])) == ["mn_format"]
        assert rejection(DEVIANT["mn_format"], Rules.strict()).code == "mn_format"
        assert parse(DEVIANT["unknown_st"]).system is None


def test_hourly_data_readings_are_decimals_with_flags() -> None:
    cp = (
        "DataTime=20160801080000;w01018-Min=20.1,w01018-Avg=25.5,w01018-Max=30.0,"
        "w01018-Cou=1.25,w01018-Flag=N;w00000-Cou=100.5,w00000-Flag=N"
    )
    packet = parse(cp_frame(cp))
    assert packet.cp.data_time == T0
    cod = packet.cp.readings["w01018"]
    assert (cod.min, cod.avg, cod.max, cod.cou) == (
        Decimal("20.1"),
        Decimal("25.5"),
        Decimal("30.0"),
        Decimal("1.25"),
    )
    assert cod.flag == DataFlag.NORMAL
    assert cod.rtd is NO_DATA
    assert cod.value("ZsAvg") is NO_DATA
    assert packet.cp.readings["w00000"].cou == Decimal("100.5")
    assert packet.deviations == ()


def test_realtime_data_with_sample_time_eflag_and_converted_values() -> None:
    cp = (
        "DataTime=20160801085857;a21026-Rtd=-1.5,a21026-ZsRtd=2.5,a21026-Flag=N,"
        "a21026-EFlag=A01,a21026-SampleTime=20160801085800;a34013-SN=010000A8900016F000169DC1"
    )
    packet = parse(cp_frame(cp, HEAD.replace("2061", "2011")))
    so2 = packet.cp.readings["a21026"]
    assert so2.rtd == Decimal("-1.5")
    assert so2.values["ZsRtd"] == Decimal("2.5")
    assert so2.eflag == "A01"
    assert so2.sample_time == datetime(2016, 8, 1, 8, 58, tzinfo=BEIJING)
    assert packet.cp.readings["a34013"].text == {"SN": "010000A8900016F000169DC1"}
    assert packet.deviations == ()


def test_utf8_chinese_text_is_kept() -> None:
    packet = parse(cp_frame("i12001-Info=设备正常", HEAD.replace("2061", "3020")))
    assert packet.cp.readings["i12001"].text == {"Info": "设备正常"}


def test_answer_packets_have_an_empty_cp() -> None:
    packet = parse(cp_frame("", HEAD.replace("ST=32;CN=2061", "ST=91;CN=9014")))
    assert packet.cp.readings == {} and packet.cp.fields == {}


def test_a_2005_packet_without_qn_and_flag_with_2005_codes() -> None:
    segment = (
        "ST=32;CN=2011;PW=123456;MN=LD130133000015;"
        "CP=&&DataTime=20160801085857;011-Rtd=12.5,011-Flag=N;060-Rtd=1.25,060-Flag=P&&"
    )
    packet = parse(segment_frame(segment))
    assert packet.version == "2005"
    assert packet.flag is None and packet.qn is None
    assert packet.deviations == ()  # 2005 codes, 14-char MN and flag P are 2005-standard
    assert packet.cp.readings["011"].code_2017 == "w01018"
    assert packet.cp.readings["060"].code_2017 == "w21003"


# --- rejections: every FrameError code -------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "code", "words"),
    [
        (EXAMPLE[1:], "header", "'##'"),
        (b"", "header", "'##'"),
        (b"##01x1" + EXAMPLE[6:], "length", "4 decimal digits"),
        (b"##101", "length", "4 decimal digits"),
        (b"##0102" + EXAMPLE[6:], "length", "holds 101"),
        (b"##0100" + EXAMPLE[6:], "length", "holds 101"),
        (b"##1025" + b"A" * 1025 + b"FFFF\r\n", "oversize", "1024"),
        (b"##9999" + EXAMPLE[6:], "oversize", "1024"),
        (EXAMPLE[:-2], "crlf", "CR LF"),
        (EXAMPLE[:-1] + b"\n\n", "crlf", "CR LF"),
        (EXAMPLE.replace(b"1C80", b"1C8G"), "crc", "not 4 hex"),
        (EXAMPLE.replace(b"1C80", b"1C81"), "crc", "computed 1C80"),
        (wrap(b"QN=1;ST=32;CN=2011;MN=\xff;CP=&&&&"), "encoding", "UTF-8"),
    ],
)
def test_frame_rejections_say_what_is_wrong(frame: bytes, code: str, words: str) -> None:
    error = rejection(frame)
    assert error.code == code
    assert words in str(error)
    assert isinstance(error, ValueError)


def test_a_1024_byte_segment_is_not_oversize() -> None:
    cp = "x" * (1024 - len(HEAD) - 7)
    frame = wrap(f"{HEAD}CP=&&{cp}&&")
    assert len(frame) == MAX_FRAME
    assert rejection(frame).code == "syntax"  # gets past the size check to the CP item


@pytest.mark.parametrize(
    ("segment", "code", "words"),
    [
        # 表C.19 typo: "Flag=5CP=&&" (no ';' before CP).
        (f"QN=20160801085857223;ST=32;CN=2011;PW=123456;MN={MN};Flag=5CP=&&&&", "syntax", "';'"),
        # 表C.22 / 表C.48 typo: ',' instead of ';' after QN.
        (
            f"QN=20160801085857534,ST=32;CN=2031;PW=123456;MN={MN};Flag=5;CP=&&&&",
            "syntax",
            "QN",
        ),
        (f"ST=32;CN=2011;PW=123456;MN={MN}", "syntax", "no 'CP=&&'"),
        (f"ST=32;CN=2011;PW=123456;MN={MN};CP=&&", "syntax", "closed"),
        (f"ST=32;CN=2011;PW=123456;MN={MN};CP=&&a&", "syntax", "closed"),
        ("ST=32;CN=2011;PW=123456;MN;CP=&&&&", "syntax", "'MN'"),
        (f"ST=32;C N=2011;MN={MN};CP=&&&&", "syntax", "'C N=2011'"),
        (f"ST=32;CN=2011;PW=123456;MN={MN};CP=&&DataTime&&", "syntax", "'DataTime'"),
        (f"ST=32;CN=2011;PW=123456;MN={MN};CP=&&w0 1-Rtd=1&&", "syntax", "'w0 1-Rtd'"),
        (f"ST=32;CN=2011;PW=123456;MN={MN};CP=&&w01018-=1&&", "syntax", "'w01018-'"),
        (f"ST=32;CN=2011;PW=123456;MN={MN};CP=&&a-b-c=1&&", "syntax", "'a-b-c'"),
        (f"CN=2011;PW=123456;MN={MN};CP=&&&&", "missing", "ST"),
        (f"ST=32;PW=123456;MN={MN};CP=&&&&", "missing", "CN"),
        (f"ST=32;CN=20a1;PW=123456;MN={MN};CP=&&&&", "value", "CN"),
        (f"ST=32;CN=2011;PW=123456;MN={MN};Flag=256;CP=&&&&", "value", "0-255"),
        (f"ST=32;CN=2011;PW=123456;MN={MN};Flag=-1;CP=&&&&", "value", "0-255"),
        (f"ST=32;CN=2011;PW=123456;MN={MN};Flag=6;PNUM=2;PNO=3;CP=&&&&", "value", "PNO=3"),
        (f"ST=32;CN=2011;PW=123456;MN={MN};Flag=6;PNUM=x;PNO=1;CP=&&&&", "value", "PNUM"),
        (f"{HEAD}CP=&&DataTime=20161301000000&&", "value", "valid time"),
        (f"{HEAD}CP=&&DataTime=2016080108&&", "value", "YYYYMMDDhhmmss"),
        (f"{HEAD}CP=&&w01018-Rtd=NaN&&", "value", "not a number"),
        (f"{HEAD}CP=&&w01018-Rtd=1e5&&", "value", "not a number"),
        (f"{HEAD}CP=&&w01018-Rtd=1_0&&", "value", "not a number"),
        (f"{HEAD}CP=&&w01018-Rtd= 1&&", "value", "not a number"),
        (f"{HEAD}CP=&&w01018-Avg=1.2.3&&", "value", "not a number"),
        (f"{HEAD}CP=&&w01018-Avg=-&&", "value", "not a number"),
        (f"{HEAD}CP=&&w01018-SampleTime=x&&", "value", "YYYYMMDDhhmmss"),
    ],
)
def test_segment_rejections_say_what_is_wrong(segment: str, code: str, words: str) -> None:
    error = rejection(segment_frame(segment))
    assert error.code == code
    assert words in str(error)


def test_frame_errors_survive_pickling_with_their_code() -> None:
    error = rejection(EXAMPLE[1:])
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, str(copy)) == (error.code, str(error))


# --- deviations ----------------------------------------------------------------------------

# One frame per deviation kind, each deviating in that one way only.
DEVIANT = {
    "empty_mn": segment_frame("QN=20160801085857223;ST=32;CN=2011;PW=123456;MN=;Flag=4;CP=&&&&"),
    "mn_format": segment_frame(
        "QN=20160801085857223;ST=32;CN=2011;PW=123456;MN=LD130133000015;Flag=4;CP=&&&&"
    ),
    "qn_format": segment_frame(f"QN=20160801085857;ST=32;CN=2011;PW=123456;MN={MN};Flag=4;CP=&&&&"),
    "pw_format": segment_frame(
        f"QN=20160801085857223;ST=32;CN=2011;PW=1234;MN={MN};Flag=4;CP=&&&&"
    ),
    "flag": segment_frame(f"QN=20160801085857223;ST=32;CN=2011;PW=123456;MN={MN};Flag=9;CP=&&&&"),
    "split_fields": segment_frame(
        f"QN=20160801085857223;ST=32;CN=2011;PW=123456;MN={MN};Flag=4;PNUM=2;PNO=1;CP=&&&&"
    ),
    "unknown_st": segment_frame(
        f"QN=20160801085857223;ST=99;CN=2011;PW=123456;MN={MN};Flag=4;CP=&&&&"
    ),
    "unknown_cn": segment_frame(
        f"QN=20160801085857223;ST=32;CN=2999;PW=123456;MN={MN};Flag=4;CP=&&&&"
    ),
    "unknown_field": cp_frame("Foo=1"),
    "duplicate_field": cp_frame("w01018-Avg=1,w01018-Avg=2"),
    "empty_item": cp_frame("DataTime=20160801080000;"),
    "empty_value": cp_frame("w01018-Avg=,w01018-Flag=N"),
    "long_time": cp_frame("DataTime=20160801080000123"),
    "code_2005": cp_frame("011-Avg=1.5"),
    # 表C.14 typo: "01018-Rtd" (no 'w').
    "unknown_code": cp_frame("01018-Rtd=2.2"),
    "data_flag": cp_frame("w01018-Avg=1,w01018-Flag=P"),
    # A CP over 950 characters fits in 1024 only behind a short (2005-style) header.
    "cp_length": cp_frame(
        ";".join(f"w{20000 + i:05d}-Avg=1.5" for i in range(64)),
        "ST=32;CN=2061;PW=123456;MN=LD130133000015;",
    ),
}


def test_every_deviation_kind_has_a_fixture() -> None:
    assert set(DEVIANT) == set(DEVIATION_KINDS)


@pytest.mark.parametrize("kind", DEVIATION_KINDS)
def test_strict_rules_refuse_each_deviation_with_its_kind_as_code(kind: str) -> None:
    error = rejection(DEVIANT[kind], Rules.strict())
    assert isinstance(error, DeviationRefused)
    assert error.code == kind == error.deviation.kind


@pytest.mark.parametrize("kind", DEVIATION_KINDS)
def test_accepting_rules_record_each_deviation_exactly(kind: str) -> None:
    accept_all = Rules.lenient()
    assert kinds(parse(DEVIANT[kind], accept_all)) == [kind]


@pytest.mark.parametrize("kind", ["empty_mn", "duplicate_field"])
def test_default_rules_refuse_unattributable_or_ambiguous_data(kind: str) -> None:
    assert rejection(DEVIANT[kind]).code == kind


def test_default_rules_accept_the_rest_on_record() -> None:
    refused = {k for k in DEVIATION_KINDS if Rules().action(k) == "refuse"}
    assert refused == {"empty_mn", "duplicate_field"}
    for kind in set(DEVIATION_KINDS) - refused:
        assert kinds(parse(DEVIANT[kind])) == [kind]


def test_a_17_digit_data_time_is_truncated_to_14_digits_and_recorded() -> None:
    packet = parse(DEVIANT["long_time"])
    assert packet.cp.data_time == T0
    assert "17 digits" in packet.deviations[0].detail


def test_an_empty_value_is_missing_not_zero() -> None:
    reading = parse(DEVIANT["empty_value"]).cp.readings["w01018"]
    assert reading.avg is NO_DATA
    assert reading.flag == "N"


def test_a_2005_code_in_a_2017_packet_names_the_2017_code() -> None:
    packet = parse(DEVIANT["code_2005"])
    assert "w01018" in packet.deviations[0].detail
    assert packet.cp.readings["011"].code_2017 == "w01018"


def test_a_2025_flag_is_read_as_a_newer_version_on_record() -> None:
    packet = parse(DEVIANT["flag"])
    assert packet.flag is not None and packet.flag.version == 2 and packet.flag.answer
    assert packet.version == "2017"


def test_rules_can_be_relaxed_one_kind_at_a_time() -> None:
    rules = Rules().replace(empty_mn="accept")
    assert parse(DEVIANT["empty_mn"], rules).mn == ""
    assert rejection(DEVIANT["duplicate_field"], rules).code == "duplicate_field"


def test_rules_refuse_an_unknown_action() -> None:
    with pytest.raises(ValueError, match="empty_mn"):
        Rules(empty_mn="ignore")  # type: ignore[arg-type]


def test_split_without_d_bit_and_d_bit_without_split_fields() -> None:
    packet = parse(DEVIANT["split_fields"])
    assert (packet.pnum, packet.pno) == (2, 1)
    whole = parse(
        segment_frame(f"QN=20160801085857223;ST=32;CN=2011;PW=123456;MN={MN};Flag=6;CP=&&&&")
    )
    assert kinds(whole) == ["split_fields"] and whole.pno is None


# --- build and answers ----------------------------------------------------------------------


def test_build_reproduces_the_standards_example() -> None:
    frame = build(
        qn="20160801085857223",
        st="32",
        cn="1062",
        pw="100000",
        mn=MN,
        flag=5,
        cp=[{"RtdInterval": 30}],
    )
    assert frame == EXAMPLE


def test_build_formats_times_decimals_and_groups() -> None:
    frame = build(
        qn="20160801085857223",
        st="32",
        cn="2061",
        mn=MN,
        flag=4,
        cp=[{"DataTime": T0}, {"w01018-Avg": Decimal("2.50"), "w01018-Flag": "N"}],
    )
    assert b"CP=&&DataTime=20160801080000;w01018-Avg=2.50,w01018-Flag=N&&" in frame
    assert parse(frame).cp.readings["w01018"].avg == Decimal("2.50")


@pytest.mark.parametrize(
    ("cp", "error"),
    [
        ([{"a;b": 1}], ValueError),
        ([{"w01018-Flag": "N,"}], ValueError),
        ([{"DataTime": datetime(2016, 8, 1)}], ValueError),  # noqa: DTZ001 (naive on purpose)
        ([{"w01018-Avg": Decimal("NaN")}], ValueError),
        ([{"w01018-Avg": True}], TypeError),
        ("x" * 1100, ValueError),
    ],
)
def test_build_refuses_what_it_cannot_write(cp: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        build(st="32", cn="2011", mn=MN, cp=cp)  # type: ignore[arg-type]


def upload(cn: str, flag: int, *, pnum: int | None = None, pno: int | None = None) -> Packet:
    frame = build(
        qn="20160801085857223", st="32", cn=cn, mn=MN, flag=flag, pnum=pnum, pno=pno, cp=""
    )
    return parse(frame)


def test_host_answers_an_upload_with_9014_when_asked() -> None:
    answer = respond(upload("2061", 5))
    assert answer == wrap(f"QN=20160801085857223;ST=91;CN=9014;PW=123456;MN={MN};Flag=4;CP=&&&&")
    assert respond(upload("2061", 4)) is None


@pytest.mark.parametrize("cn", ["2011", "2051", "2061", "2031", "2041", "2021", "2081"])
def test_every_data_upload_gets_9014(cn: str) -> None:
    answer = respond(upload(cn, 5))
    assert answer is not None and parse(answer).command is Command.DATA_ANSWER


def test_each_part_of_a_split_upload_gets_its_own_9014() -> None:
    answer = respond(upload("2051", 7, pnum=2, pno=2))
    assert answer is not None
    reply = parse(answer)
    assert reply.cn == "9014" and reply.pno is None and reply.flag is not None
    assert reply.flag.value == 4


def test_host_answers_a_time_calibration_notice_with_9013() -> None:
    answer = respond(upload("1013", 5))
    assert answer is not None and parse(answer).cn == "9013"


def test_answers_are_never_answered() -> None:
    for cn in ("9011", "9012", "9013", "9014"):
        assert respond(upload(cn, 5)) is None
        assert respond(upload(cn, 5), side="field") is None


def test_field_unit_answers_the_standards_request_with_9011_ready() -> None:
    answer = respond(parse(EXAMPLE), side="field")
    assert answer == wrap(
        f"QN=20160801085857223;ST=91;CN=9011;PW=100000;MN={MN};Flag=4;CP=&&QnRtn=1&&"
    )
    assert respond(parse(EXAMPLE)) is None  # the host is never sent 1062


def test_field_unit_answers_a_stop_notice_with_9013() -> None:
    answer = respond(upload("2012", 5), side="field")
    assert answer is not None and parse(answer).cn == "9013"


def test_execution_result_carries_exertn() -> None:
    reply = parse(execution_result(parse(EXAMPLE), ExeRtn.NO_DATA))
    assert (reply.cn, reply.st, reply.cp.fields) == ("9012", "91", {"ExeRtn": "100"})
    assert QnRtn.CRC_ERROR == 9


def test_a_2005_answer_keeps_version_bits_zero() -> None:
    answer = respond(upload("2011", 1))
    assert answer is not None and b"Flag=0;" in answer


# --- code tables --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [("011", "w01018"), ("060", "w21003"), ("B01", "w00000"), ("02", "a21026")]
    + [("03", "a21002"), ("01", "a34013"), ("S01", "a19001"), ("B02", "a00000")],
)
def test_2005_codes_map_to_2017(old: str, new: str) -> None:
    assert to_2017(old) == new
    assert to_2005(new) == old


def test_to_2017_leaves_2017_codes_and_refuses_unknown_2005_codes() -> None:
    assert to_2017("w01018") == "w01018"
    assert to_2017("e70101") == "e70101"  # a 2017-form code outside the partial table
    assert to_2017("Leq") == "Leq"
    assert to_2005("a24088") is None
    with pytest.raises(KeyError):
        to_2017("999")


def test_2005_codes_are_unique() -> None:
    old = [p.code_2005 for p in POLLUTANTS.values() if p.code_2005]
    assert len(old) == len(set(old))


def test_code_tables_have_chinese_names() -> None:
    assert Command.HOUR_DATA == "2061" and Command.HOUR_DATA.label == "取/上传污染物小时数据"
    assert Command("2011") is Command.REALTIME_DATA
    assert Command.MINUTE_DATA == "2051" and Command.DAY_DATA == "2031"
    assert Command.FACILITY_STATE == "2021"
    assert System.INTERACTION.label == "系统交互"
    assert all(c.label for c in Command) and all(s.label for s in System)
    assert POLLUTANTS["w01018"].name == "化学需氧量"


# --- Reassembler ------------------------------------------------------------------------------


def part(pno: int, cp: str, *, pnum: int = 3, qn: str = "20160801085857223") -> Packet:
    head = f"QN={qn};ST=32;CN=2051;PW=123456;MN={MN};Flag=6;PNUM={pnum};PNO={pno};"
    return parse(wrap(f"{head}CP=&&DataTime=20160801080000;{cp}&&"))


PARTS = [part(1, "w01018-Avg=1.5"), part(2, "w21003-Avg=0.5"), part(3, "w00000-Cou=10")]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_unsplit_packets_pass_straight_through() -> None:
    packet = parse(EXAMPLE)
    assert Reassembler().add(packet) is packet


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 0, 1), (1, 2, 0)])
def test_parts_are_joined_in_any_order(order: tuple[int, int, int]) -> None:
    joiner = Reassembler()
    results = [joiner.add(PARTS[i]) for i in order]
    assert results[:2] == [None, None]
    whole = results[2]
    assert whole is not None
    assert list(whole.cp.readings) == ["w01018", "w21003", "w00000"]
    assert (whole.pnum, whole.pno, whole.cp.data_time) == (3, None, T0)
    assert (joiner.pending, joiner.parts) == (0, 0)


def test_a_repeated_part_is_counted_and_ignored() -> None:
    joiner = Reassembler()
    assert joiner.add(PARTS[0]) is None
    assert joiner.add(PARTS[0]) is None
    assert joiner.duplicates == 1
    assert joiner.add(PARTS[1]) is None
    assert joiner.add(PARTS[2]) is not None


def test_packets_are_keyed_by_mn_and_qn() -> None:
    joiner = Reassembler()
    other = part(2, "w21003-Avg=0.5", qn="20160801085857999")
    for packet in (PARTS[0], other, PARTS[1]):
        assert joiner.add(packet) is None
    assert joiner.pending == 2


def test_a_waiting_packet_is_evicted_after_the_timeout() -> None:
    clock, evicted = Clock(), []
    joiner = Reassembler(timeout=10, clock=clock, on_evict=lambda k, r: evicted.append((k, r)))
    joiner.add(PARTS[0])
    clock.now = 11
    joiner.add(part(1, "w01018-Avg=1", qn="20160801085857999"))
    assert evicted == [((MN, "20160801085857223"), "timeout")]
    assert (joiner.pending, joiner.parts, joiner.evicted) == (1, 1, 1)
    assert joiner.add(PARTS[1]) is None  # the early part is gone: the packet starts over


def test_the_oldest_waiting_packet_is_evicted_beyond_capacity() -> None:
    evicted: list[tuple[object, str]] = []
    joiner = Reassembler(max_pending=2, on_evict=lambda k, r: evicted.append((k, r)))
    for n in range(3):
        joiner.add(part(1, "w01018-Avg=1", qn=f"2016080108585700{n}"))
    assert evicted == [((MN, "20160801085857000"), "capacity")]
    assert joiner.pending == 2


def test_total_parts_are_capped() -> None:
    joiner = Reassembler(max_parts=4)
    for n in range(3):
        joiner.add(part(1, "w01018-Avg=1", qn=f"2016080108585700{n}"))
        joiner.add(part(2, "w01018-Avg=1", qn=f"2016080108585700{n}"))
    assert joiner.parts <= 4


def test_a_part_with_another_pnum_restarts_the_packet() -> None:
    reasons: list[str] = []
    joiner = Reassembler(on_evict=lambda k, r: reasons.append(r))
    joiner.add(PARTS[0])
    assert joiner.add(part(1, "w01018-Avg=1", pnum=2)) is None
    assert reasons == ["pnum"]
    assert joiner.add(part(2, "w21003-Avg=1", pnum=2)) is not None


def test_a_code_in_two_parts_is_a_duplicate() -> None:
    joiner = Reassembler(rules=Rules().replace(duplicate_field="accept"))
    joiner.add(part(1, "w01018-Avg=1", pnum=2))
    whole = joiner.add(part(2, "w01018-Avg=2", pnum=2))
    assert whole is not None and kinds(whole) == ["duplicate_field"]
    assert whole.cp.readings["w01018"].avg == Decimal("1")
    strict = Reassembler()
    strict.add(part(1, "w01018-Avg=1", pnum=2))
    with pytest.raises(DeviationRefused):
        strict.add(part(2, "w01018-Avg=2", pnum=2))


# --- StreamDecoder ---------------------------------------------------------------------------

FRAMES = [EXAMPLE, cp_frame("DataTime=20160801080000;w01018-Avg=1.5"), wrap(HEAD + "CP=&&&&")]


def test_frames_split_at_every_byte_boundary_are_all_recovered() -> None:
    stream = b"".join(FRAMES)
    for cut in range(len(stream) + 1):
        decoder = StreamDecoder()
        out = decoder.feed(stream[:cut]) + decoder.feed(stream[cut:])
        assert out == FRAMES, cut
        assert decoder.buffered == 0


def test_frames_fed_one_byte_at_a_time() -> None:
    decoder = StreamDecoder()
    out = [item for byte in b"".join(FRAMES) for item in decoder.feed(bytes([byte]))]
    assert out == FRAMES


def test_garbage_between_frames_is_skipped_and_reported() -> None:
    decoder = StreamDecoder()
    out = decoder.feed(b"noise" + FRAMES[0] + b"\r\n\x00#x#" + FRAMES[1] + b"#")
    frames = [item for item in out if isinstance(item, bytes)]
    errors = [item for item in out if isinstance(item, FrameError)]
    assert frames == FRAMES[:2]
    assert {e.code for e in errors} == {"garbage"}
    assert decoder.buffered == 1  # a trailing '#' may start the next frame
    assert decoder.feed(FRAMES[2][1:]) == [FRAMES[2]]


def test_an_oversize_length_is_refused_without_waiting_for_the_body() -> None:
    decoder = StreamDecoder()
    out = decoder.feed(b"##5000" + b"A" * 100)
    assert [e.code for e in out if isinstance(e, FrameError)][0] == "oversize"
    assert decoder.buffered == 0


def test_a_bad_length_field_resynchronises() -> None:
    decoder = StreamDecoder()
    out = decoder.feed(b"##12a4" + FRAMES[0])
    assert out[0].code == "length"  # type: ignore[union-attr]
    assert out[-1] == FRAMES[0]


def test_a_truncated_frame_does_not_swallow_the_next() -> None:
    decoder = StreamDecoder()
    truncated = FRAMES[1][:40]
    out = decoder.feed(truncated + FRAMES[0] + FRAMES[2])
    assert [o for o in out if isinstance(o, bytes)] == [FRAMES[0], FRAMES[2]]
    assert any(isinstance(o, FrameError) and o.code == "crlf" for o in out)


def test_the_buffer_never_exceeds_its_cap() -> None:
    decoder = StreamDecoder(max_buffer=MAX_FRAME)
    out = decoder.feed(b"##1024" + b"x" * 5000)
    assert decoder.buffered <= MAX_FRAME
    assert any(isinstance(o, FrameError) for o in out)
    with pytest.raises(ValueError):
        StreamDecoder(max_buffer=100)


def test_a_cr_lf_before_the_declared_end_is_a_length_error_at_once() -> None:
    from plantrack.core.hj212 import StreamDecoder

    good = build(qn="20110601085857223", st="32", cn="2061", mn="010000A8900016F000169DC0",
                 flag=5, cp="DataTime=20110601080000;w01018-Avg=25.5")  # fmt: skip
    decoder = StreamDecoder()
    out = decoder.feed(b"##0999QN=1;ST=32\r\n" + good)
    assert [type(item).__name__ for item in out] == ["FrameError", "bytes"]
    assert out[0].code == "length" and out[1] == good  # type: ignore[union-attr]
