"""HJ 212 property tests: parse never fails but with FrameError, build -> parse round trips,
the StreamDecoder's buffer stays capped, and the fast paths agree with the slow ones."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plantrack.core.hj212 import (
    BEIJING,
    MAX_FRAME,
    FrameError,
    Packet,
    Reassembler,
    Rules,
    StreamDecoder,
    build,
    crc,
    crc_reference,
    parse,
    wrap,
)

ACCEPT_ALL = Rules.lenient()
MN = "010000A8900016F000169DC0"
HEAD = f"QN=20160801085857223;ST=32;CN=2061;PW=123456;MN={MN};Flag=4;"

# Text made of the protocol's own characters, so that fuzzing reaches deep into the parser.
PROTOCOL_TEXT = st.text(
    alphabet=st.sampled_from(list("=;,&-#CPQNSTMWFlagw0123456789.aDtRdvAx \r\n中")), max_size=300
)


def parse_or_error(frame: bytes, rules: Rules = ACCEPT_ALL) -> Packet | FrameError:
    try:
        return parse(frame, rules)
    except FrameError as error:
        assert error.code and str(error)
        return error


@given(st.binary(max_size=1200))
def test_parse_of_arbitrary_bytes_returns_a_packet_or_raises_frame_error(data: bytes) -> None:
    parse_or_error(data)
    parse_or_error(data, Rules())


@given(st.binary(max_size=1100))
def test_parse_of_arbitrary_framed_bytes_only_raises_frame_error(segment: bytes) -> None:
    if len(segment) <= 1024:
        parse_or_error(wrap(segment))
        parse_or_error(wrap(segment), Rules.strict())


@given(PROTOCOL_TEXT, PROTOCOL_TEXT)
def test_parse_of_protocol_like_segments_only_raises_frame_error(head: str, cp: str) -> None:
    for segment in (f"{head}CP=&&{cp}&&", f"{HEAD}CP=&&{cp}&&", head + cp):
        data = segment.encode()
        if len(data) <= 1024:
            parse_or_error(wrap(data))
            parse_or_error(wrap(data), Rules())


@given(st.binary(max_size=2000))
def test_crc_agrees_with_the_step_by_step_algorithm(data: bytes) -> None:
    assert crc(data) == crc_reference(data)


CODES = st.sampled_from(["w01018", "w21003", "w00000", "a21026", "a34013", "a19001", "LA"])
NAMES = st.sampled_from(["Rtd", "Avg", "Min", "Max", "Cou", "ZsAvg", "Data"])
DECIMALS = st.decimals(
    min_value=Decimal("-99999999"), max_value=Decimal("99999999"), places=3, allow_nan=False
)
# Hypothesis bounds are naive; the drawn times are given Beijing time right away.
NAIVE_BOUNDS = (datetime(2000, 1, 1), datetime(2099, 12, 31))  # noqa: DTZ001
TIMES = st.datetimes(*NAIVE_BOUNDS).map(lambda t: t.replace(microsecond=0, tzinfo=BEIJING))


@st.composite
def packets(draw: st.DrawFn) -> dict[str, object]:
    readings = draw(
        st.dictionaries(
            CODES,
            st.tuples(st.dictionaries(NAMES, DECIMALS, min_size=1), st.sampled_from("NFMSDCTB")),
            max_size=5,
        )
    )
    groups: list[dict[str, object]] = [{"DataTime": draw(TIMES)}]
    for code, (values, flag) in readings.items():
        group: dict[str, object] = {f"{code}-{name}": value for name, value in values.items()}
        group[f"{code}-Flag"] = flag
        groups.append(group)
    split = draw(st.booleans())
    pnum = draw(st.integers(1, 9999)) if split else None
    return {
        "qn": draw(st.from_regex(r"\A20[0-9]{15}\Z")),
        "st": draw(st.sampled_from(["21", "22", "31", "32"])),
        "cn": draw(st.sampled_from(["2011", "2051", "2061", "2031"])),
        "pw": draw(st.from_regex(r"\A[0-9A-Za-z]{6}\Z")),
        "mn": draw(st.from_regex(r"\A[0-9A-F]{24}\Z")),
        "flag": draw(st.sampled_from([4, 5])) | (2 if split else 0),
        "pnum": pnum,
        "pno": draw(st.integers(1, pnum)) if pnum else None,
        "cp": groups,
    }


@given(packets())
def test_build_then_parse_round_trips(fields: dict[str, object]) -> None:
    packet = parse(build(**fields), Rules.strict())  # type: ignore[arg-type]
    for name in ("qn", "st", "cn", "pw", "mn", "pnum", "pno"):
        assert getattr(packet, name) == fields[name]
    assert packet.flag is not None and packet.flag.value == fields["flag"]
    groups = fields["cp"]
    assert isinstance(groups, list)
    assert packet.cp.data_time == groups[0]["DataTime"]
    readings: dict[str, dict[str, object]] = {}
    for group in groups[1:]:
        for key, value in group.items():
            code, name = key.split("-")
            readings.setdefault(code, {})[name] = value
    assert set(packet.cp.readings) == set(readings)
    for code, reading in packet.cp.readings.items():
        assert reading.flag == readings[code].pop("Flag")
        assert reading.values == readings[code]


@given(st.lists(st.tuples(CODES, NAMES, DECIMALS), max_size=20), st.integers(0, 5))
def test_the_item_by_item_path_reads_what_the_fast_path_reads(
    items: list[tuple[str, str, Decimal]], stray: int
) -> None:
    # A stray separator sends the CP down the slow, item-by-item path; apart from recording
    # the empty items, it must read exactly what the one-regex fast path reads.
    cp = ";".join(f"{code}-{name}={value}" for code, name, value in items)
    fast = parse_or_error(wrap(f"{HEAD}CP=&&{cp}&&"))
    slow = parse_or_error(wrap(f"{HEAD}CP=&&{cp}{';' * stray}&&"))
    if isinstance(fast, FrameError) or isinstance(slow, FrameError):
        assert type(fast) is type(slow)
        return
    assert fast.cp == slow.cp
    empty = [d for d in slow.deviations if d.kind == "empty_item"]
    assert len(empty) == stray + (stray > 0 and not cp)
    assert [d for d in slow.deviations if d.kind != "empty_item"] == list(fast.deviations)


# CPs of the usual shape (DataTime, then numbers and a data flag per pollutant code); some
# give a field twice or a code's fields apart, some hold one odd item that sends the CP to the
# general path: a code of 2005 or of neither version, a not-quite number, a flag outside 表8,
# a field the usual shape lacks, an unknown field, a bad time.
USUAL_CODES = st.sampled_from(["w01018", "a21026", "a34013"])
USUAL_ITEMS = st.one_of(
    st.tuples(st.sampled_from(["Rtd", "Avg", "Cou", "ZsRtd", "Data", "RS"]), DECIMALS.map(str)),
    st.tuples(st.just("Flag"), st.sampled_from(["N", "D"])),
)
ODD_ITEMS = (
    ["011-Avg=1.5", "01018-Avg=1.5", "a99999-Avg=", "a99999-Avg=1.2.3", "a99999-Avg=1e5"]
    + ["a99999-Avg=.5", "a99999-Flag=P", "a99999-Flag=", "a99999-Flag=NN", "a99999-EFlag=A01"]
    + ["a99999-SN=1", "Foo=1", "DataTime=20160801080000123", "DataTime=20160231080000"]
)
USUAL_CP = (
    "DataTime=20160801080000;w01018-Avg=25.5,w01018-Cou=1.25,w01018-Flag=N;"
    "a21026-Rtd=-1.5,a21026-ZsRtd=2.5,a21026-Flag=N"
)


@st.composite
def usual_cps(draw: st.DrawFn) -> str:
    groups = draw(st.lists(st.just("DataTime=20160801080000"), max_size=1))
    for code in draw(st.lists(USUAL_CODES, max_size=3, unique=True)):
        items = draw(st.lists(USUAL_ITEMS, min_size=1, max_size=5, unique_by=lambda i: i[0]))
        groups.append(",".join(f"{code}-{name}={value}" for name, value in items))
    extra = draw(
        st.one_of(
            st.none(),
            st.sampled_from(ODD_ITEMS),
            st.tuples(USUAL_CODES, st.sampled_from(["Avg", "Max", "Flag"])).map(
                "{0[0]}-{0[1]}=1".format
            ),
        )
    )
    if extra is not None:  # anywhere: a code's fields may end up in one run, or apart
        groups.insert(draw(st.integers(0, len(groups))), extra)
    return ";".join(groups)


def refused_alike(one: Packet | FrameError, other: Packet | FrameError) -> bool:
    """Whether the two reads were refused, asserting that then both were, for one reason."""
    if isinstance(one, FrameError) or isinstance(other, FrameError):
        assert isinstance(one, FrameError) and isinstance(other, FrameError)
        assert one.code == other.code
        return True
    return False


def assert_the_usual_and_the_general_path_agree(cp: str, rules: Rules, flag: str) -> None:
    # A stray ';' sends the CP down the general path; apart from recording the empty item, it
    # must read exactly what the usual path (one loop for the usual shape) reads.
    head = HEAD.replace("Flag=4", f"Flag={flag}")  # a 2017 and a 2005 packet
    usual = parse_or_error(wrap(f"{head}CP=&&{cp}&&"), rules)
    general = parse_or_error(wrap(f"{head}CP=&&{cp};&&"), rules)
    if refused_alike(usual, general):
        return
    assert usual.cp == general.cp
    assert [d for d in general.deviations if d.kind != "empty_item"] == list(usual.deviations)


@settings(max_examples=300)
@given(usual_cps(), st.sampled_from([ACCEPT_ALL, Rules()]), st.sampled_from(["4", "0"]))
def test_the_usual_path_reads_what_the_general_path_reads(cp: str, rules: Rules, flag: str) -> None:
    assert_the_usual_and_the_general_path_agree(cp, rules, flag)


@pytest.mark.parametrize("odd", ODD_ITEMS)
@pytest.mark.parametrize("flag", ["4", "0"])
def test_an_odd_item_in_a_usual_cp_is_read_as_on_the_general_path(odd: str, flag: str) -> None:
    for cp in (f"{odd};{USUAL_CP}", f"{USUAL_CP};{odd}", f"{USUAL_CP},{odd}"):
        for rules in (ACCEPT_ALL, Rules()):
            assert_the_usual_and_the_general_path_agree(cp, rules, flag)


HEADERS = st.fixed_dictionaries(
    {
        "ST": st.sampled_from(["32", "31", "99"]),
        "CN": st.sampled_from(["2011", "2061", "2999", "20x1"]),
        "Flag": st.sampled_from(["4", "5", "6", "0", "9", "300"]),
    },
    optional={
        "PW": st.sampled_from(["123456", "1234"]),
        "MN": st.sampled_from([MN, "LD130133000015", ""]),
        "PNUM": st.sampled_from(["2", "x"]),
        "PNO": st.sampled_from(["1", "3"]),
        "Foo": st.just("1"),
    },
)


@given(
    st.sampled_from(["20160801085857223", "2016080108585722"]),
    HEADERS,
    st.sampled_from([ACCEPT_ALL, Rules()]),
)
def test_where_qn_stands_in_the_header_does_not_change_what_is_read(
    qn: str, fields: dict[str, str], rules: Rules
) -> None:
    # A header that starts with a 17-digit QN is checked through a cache of the rest; one
    # with QN last is checked field by field. Both must read the same, deviations and all.
    rest = "".join(f"{key}={value};" for key, value in fields.items())
    first = parse_or_error(wrap(f"QN={qn};{rest}CP=&&RtdInterval=30&&"), rules)
    last = parse_or_error(wrap(f"{rest}QN={qn};CP=&&RtdInterval=30&&"), rules)
    if refused_alike(first, last):
        return
    assert dataclasses.replace(first, deviations=()) == dataclasses.replace(last, deviations=())
    assert sorted(map(repr, first.deviations)) == sorted(map(repr, last.deviations))


FRAMES = [
    build(
        qn="20160801085857223", st="32", cn="1062", pw="100000", mn=MN, flag=5, cp="RtdInterval=30"
    ),
    wrap(f"{HEAD}CP=&&DataTime=20160801080000;w01018-Avg=1.5,w01018-Flag=N&&"),
    wrap(f"{HEAD}CP=&&&&"),
]


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(FRAMES), st.binary(max_size=40).map(lambda b: b.replace(b"#", b""))
        ),
        max_size=8,
    ),
    st.lists(st.integers(1, 300), min_size=1, max_size=50),
)
def test_stream_recovers_every_frame_through_garbage_and_any_chunking(
    pieces: list[tuple[bytes, bytes]], sizes: list[int]
) -> None:
    stream = b"".join(garbage + frame for frame, garbage in pieces)
    decoder = StreamDecoder()
    out: list[bytes | FrameError] = []
    at = i = 0
    while at < len(stream):
        size = sizes[i % len(sizes)]
        out += decoder.feed(stream[at : at + size])
        at, i = at + size, i + 1
    assert [o for o in out if isinstance(o, bytes)] == [frame for frame, _ in pieces]
    assert all(o.code == "garbage" for o in out if isinstance(o, FrameError))


@given(st.lists(st.binary(max_size=3000), max_size=10), st.integers(MAX_FRAME, 3 * MAX_FRAME))
def test_stream_buffer_never_exceeds_its_cap(chunks: list[bytes], cap: int) -> None:
    decoder = StreamDecoder(max_buffer=cap)
    for chunk in chunks:
        for item in decoder.feed(chunk):
            if isinstance(item, bytes):
                assert len(item) <= MAX_FRAME
                parse_or_error(item)
        assert decoder.buffered <= min(cap, MAX_FRAME)


@given(st.lists(st.binary(max_size=2000).map(lambda b: b"##1000" + b), max_size=10))
def test_stream_of_hostile_frame_starts_stays_capped(chunks: list[bytes]) -> None:
    decoder = StreamDecoder(max_buffer=MAX_FRAME)
    for chunk in chunks:
        decoder.feed(chunk)
        assert decoder.buffered <= MAX_FRAME


@given(st.permutations(range(1, 6)), st.lists(st.integers(1, 5), max_size=5))
def test_reassembly_in_any_order_with_repeats_yields_one_whole_packet(
    order: list[int], repeats: list[int]
) -> None:
    parts = {
        n: parse(
            build(
                qn="20160801085857223",
                st="32",
                cn="2051",
                mn=MN,
                flag=6,
                pnum=5,
                pno=n,
                cp=[
                    {"DataTime": datetime(2016, 8, 1, tzinfo=BEIJING)},
                    {f"w2000{n}-Avg": n},
                ],
            )
        )
        for n in range(1, 6)
    }
    joiner = Reassembler()
    # Repeats of parts already seen, before the last part (one after completion would start
    # a new packet).
    sequence = [*order[:-1], *(order[i % 4] for i in repeats), order[-1]]
    wholes = [w for n in sequence if (w := joiner.add(parts[n]))]
    assert len(wholes) == 1 and joiner.pending == 0
    assert joiner.duplicates == len(sequence) - 5
    assert sorted(wholes[0].cp.readings) == [f"w2000{n}" for n in range(1, 6)]
    assert joiner.parts <= 5


def _atheris_one_input(data: bytes) -> None:
    """Coverage-guided fuzzing entry: any bytes, as a frame and as a framed segment."""
    for frame in (data, wrap(data[:1024])):
        try:
            parse(frame, Rules.lenient())
        except FrameError:
            pass
    decoder = StreamDecoder(max_buffer=MAX_FRAME)
    decoder.feed(data)
    assert decoder.buffered <= MAX_FRAME


if __name__ == "__main__":
    # Optional: `.venv/bin/python tests/core/test_hj212_fuzz.py -max_total_time=60` when atheris
    # (libFuzzer for Python) is installed; pytest does not run this.
    import sys

    import atheris

    atheris.instrument_all()  # the module is imported already; instrument what is loaded
    atheris.Setup(sys.argv, _atheris_one_input)
    atheris.Fuzz()
