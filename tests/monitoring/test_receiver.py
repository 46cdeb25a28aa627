"""The receiver over real sockets: answers, stored readings, counters and the refusal log."""

from __future__ import annotations

import datetime as dt
import io
import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plantrack.core.hj212 import BEIJING, build, data_answer, notice_answer, parse, wrap
from plantrack.monitoring.models import MonitoredSource, ReceiverCounter, ReceiverEvent, Record

from .conftest import (
    MN,
    MN_2005,
    OTHER_MN,
    PASSWORD,
    RunningServer,
    read_frames,
    stored,
    value_count,
)

HOUR = dt.datetime(2011, 6, 1, 8, tzinfo=BEIJING)
CP = "DataTime=20110601080000;w01018-Avg=25.5,w01018-Max=30.1,w01018-Flag=N;w00000-Cou=12.5"


def hourly(qn: str = "20110601085857223", *, flag: int = 5, mn: str = MN, pw: str = PASSWORD,
           cp: str = CP) -> bytes:  # fmt: skip
    return build(qn=qn, st="32", cn="2061", pw=pw, mn=mn, flag=flag, cp=cp)


def counter(mn: str = MN) -> ReceiverCounter:
    return ReceiverCounter.objects.get(mn=mn)


def test_an_upload_asking_for_an_answer_gets_9014_and_its_readings_are_stored(
    server: RunningServer,
) -> None:
    frame = hourly()
    answer = server.exchange(frame)
    assert answer == data_answer(parse(frame))
    assert b"ST=91;CN=9014;PW=123456;MN=" + MN.encode() + b";Flag=4;CP=&&&&" in answer
    server.shutdown()
    assert stored(source__mn=MN) == {
        ("w01018", "Avg"): Decimal("25.5"),
        ("w01018", "Max"): Decimal("30.1"),
        ("w00000", "Cou"): Decimal("12.5"),
    }
    record = Record.objects.get()
    assert record.time == HOUR and record.cn == "2061" and record.flag("w01018") == "N"
    assert record.qn == "20110601085857223"
    assert (counter().frames_ok, counter().readings) == (1, 3)


def test_an_upload_without_the_answer_bit_gets_no_answer(server: RunningServer) -> None:
    assert server.exchange(hourly(flag=4), timeout=0.8) == b""
    server.shutdown()
    assert len(stored()) == 3


def test_a_split_upload_gets_one_9014_per_part_and_is_stored_whole(server: RunningServer) -> None:
    qn = "20110601085857300"
    part1 = build(qn=qn, st="32", cn="2061", pw=PASSWORD, mn=MN, flag=7, pnum=2, pno=1,
                  cp="DataTime=20110601080000;w01018-Avg=25.5,w01018-Flag=N")  # fmt: skip
    part2 = build(qn=qn, st="32", cn="2061", pw=PASSWORD, mn=MN, flag=7, pnum=2, pno=2,
                  cp="DataTime=20110601080000;w21003-Avg=1.25,w21003-Flag=N")  # fmt: skip
    # The two frames arrive cut at odd places, as TCP may deliver them.
    data = part1 + part2
    with server.connect() as sock:
        for piece in (data[:7], data[7:150], data[150:]):
            sock.sendall(piece)
            time.sleep(0.05)
        answers = read_frames(sock, 2)
    assert answers == data_answer(parse(part1)) + data_answer(parse(part2))
    server.shutdown()
    assert stored() == {("w01018", "Avg"): Decimal("25.5"), ("w21003", "Avg"): Decimal("1.25")}


def test_bad_bytes_are_counted_and_logged_and_the_next_good_frame_is_answered(
    server: RunningServer,
) -> None:
    good = hourly()
    wrong_crc = good[:-6] + (b"0000" if good[-6:-2] != b"0000" else b"FFFF") + b"\r\n"
    wrong_length = b"##0999" + good[6:]  # declares 999 bytes; the CR LF is not where it says
    oversized = b"##2000" + b"x" * 50
    garbage = b"\x00\xffGET / HTTP/1.1\r\n"
    with server.connect() as sock:
        sock.sendall(hourly(qn="20110601085857001"))  # attributes the connection to MN
        read_frames(sock, 1)
        sock.sendall(garbage + wrong_crc + oversized + wrong_length[:40] + garbage + good)
        answer = read_frames(sock, 1)
    assert answer == data_answer(parse(good))
    server.shutdown()
    row = counter()
    assert row.bad_crc == 1 and row.oversized == 1 and row.bad_length >= 1
    assert row.malformed >= 1  # the garbage
    assert row.frames_ok == 2 and row.source is not None
    kinds = set(ReceiverEvent.objects.filter(mn=MN).values_list("kind", flat=True))
    assert {"crc", "oversize", "length", "garbage"} <= kinds
    crc_event = ReceiverEvent.objects.get(kind="crc")
    assert "bad CRC" in crc_event.reason and crc_event.excerpt.startswith("##")
    assert crc_event.peer.startswith("127.0.0.1:")


def test_an_unknown_mn_is_refused_counted_and_logged(server: RunningServer) -> None:
    stranger = "FFFF00000000000000000001"
    assert server.exchange(hourly(mn=stranger), timeout=0.8) == b""
    server.shutdown()
    assert not Record.objects.exists()
    assert counter(stranger).unknown_mn == 1 and counter(stranger).source is None
    event = ReceiverEvent.objects.get(mn=stranger)
    assert event.kind == "unknown_mn" and event.excerpt.startswith("##0")


def test_a_wrong_password_is_refused_counted_and_logged(server: RunningServer) -> None:
    assert server.exchange(hourly(pw="000000"), timeout=0.8) == b""
    server.shutdown()
    assert not Record.objects.exists()
    assert counter().wrong_password == 1
    event = ReceiverEvent.objects.get(kind="wrong_password")
    assert event.source is not None and event.source.mn == MN


def test_a_packet_with_the_same_qn_is_answered_again_but_stored_once(
    server: RunningServer,
) -> None:
    first = hourly()
    again = hourly(cp=CP.replace("25.5", "99.9"))  # a different value under the same QN
    with server.connect() as sock:
        sock.sendall(first)
        sock.sendall(again)
        answers = read_frames(sock, 2)
    assert answers.count(b"CN=9014") == 2
    server.shutdown()
    assert stored()[("w01018", "Avg")] == Decimal("25.5")
    assert (Record.objects.count(), value_count()) == (1, 3)
    assert counter().duplicates == 1 and counter().frames_ok == 1


def test_an_interval_resent_under_a_new_qn_is_stored_once(server: RunningServer) -> None:
    server.exchange(hourly(qn="20110601085857223") + hourly(qn="20110601095857223"), answers=2)
    server.shutdown()
    assert (Record.objects.count(), value_count()) == (1, 3)


def test_a_2005_packet_is_stored_under_2017_codes(server: RunningServer) -> None:
    # HJ/T 212-2005 style: no QN, no Flag (so no answer), 14-digit MN, 原编码 011 = w01018.
    frame = wrap(f"ST=32;CN=2061;PW={PASSWORD};MN={MN_2005};CP=&&DataTime=20110601080000;"
                 "011-Avg=31.5,011-Flag=N;060-Avg=2.5,060-Flag=N&&")  # fmt: skip
    assert server.exchange(frame, timeout=0.8) == b""
    server.shutdown()
    assert stored(source__mn=MN_2005) == {
        ("w01018", "Avg"): Decimal("31.5"),
        ("w21003", "Avg"): Decimal("2.5"),
    }


def test_idle_and_half_open_connections_are_closed_and_the_server_still_answers(
    server: RunningServer,
) -> None:
    with server.connect() as idle, server.connect() as half:
        half.sendall(hourly()[:40])  # a frame that never finishes
        idle.settimeout(5)
        half.settimeout(5)
        assert idle.recv(100) == b""  # closed by the server after idle_timeout
        assert half.recv(100) == b""  # closed after frame_timeout
    assert server.exchange(hourly()) == data_answer(parse(hourly()))
    server.shutdown()
    assert set(ReceiverEvent.objects.values_list("kind", flat=True)) == {"idle"}
    assert sum(ReceiverCounter.objects.values_list("timeouts", flat=True)) == 2


def test_an_empty_mn_is_refused_by_the_declared_rule(server: RunningServer) -> None:
    assert server.exchange(hourly(mn=""), timeout=0.8) == b""
    server.shutdown()
    event = ReceiverEvent.objects.get()
    assert event.kind == "refused" and "empty_mn" in event.reason


def test_a_deviation_accepted_by_the_rules_is_stored_and_recorded(server: RunningServer) -> None:
    long_time = CP.replace("DataTime=20110601080000", "DataTime=20110601080000123")
    server.exchange(hourly(cp=long_time))
    server.shutdown()
    assert value_count() == 3
    assert counter().deviations == 1
    assert "long_time" in ReceiverEvent.objects.get(kind="deviation").reason


def test_a_city_sources_frames_count_under_its_own_mn(server: RunningServer) -> None:
    frame = build(qn="20110601085857223", st="31", cn="2011", pw="654321", mn=OTHER_MN, flag=5,
                  cp="DataTime=20110601080005;a21026-Rtd=35.2,a21026-Flag=N")  # fmt: skip
    assert b"CN=9014" in server.exchange(frame)
    server.shutdown()
    assert counter(OTHER_MN).frames_ok == 1
    assert stored(source__mn=OTHER_MN) == {("a21026", "Rtd"): Decimal("35.2")}


def test_send_replays_a_file_and_prints_the_answers(
    server: RunningServer, tmp_path: pytest.TempPathFactory
) -> None:
    path = tmp_path / "frames.txt"  # type: ignore[operator]
    path.write_bytes(hourly().rstrip() + b"\n" + hourly(qn="20110601085857999").rstrip() + b"\n")
    out = io.StringIO()
    call_command("hj212", "send", "--port", str(server.port), "--replay", str(path), stdout=out)
    assert out.getvalue().count("CN=9014") == 2
    assert "发送 2 包" in out.getvalue()


def test_send_registers_and_simulates_loggers_that_the_running_server_accepts(
    server: RunningServer,
) -> None:
    # The server loaded its registry before these loggers were registered: each new MN is
    # looked up with its first packet.
    out = io.StringIO()
    call_command(
        "hj212", "send", "--port", str(server.port), "--simulate", "3", "--register",
        "--frames", "5", "--duration", "20", stdout=out,
    )  # fmt: skip
    server.shutdown()
    assert "发送 15 包，应答 15" in out.getvalue()
    assert Record.objects.filter(cn="2051").count() == 15
    assert value_count(cn="2051") == 15 * 12
    assert MonitoredSource.objects.filter(is_demo=True, note="演示数据").count() == 3


# No '#' in the garbage: bytes that happen to spell a frame start with a length reaching
# exactly to the good frame's CR LF would, by HJ 212's framing, legitimately swallow it.
GARBAGE = st.binary(max_size=300).map(lambda b: b.replace(b"#", b""))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(garbage=st.lists(GARBAGE, max_size=4), cut=st.integers(1, 200))
def test_after_any_garbage_in_any_chunks_the_server_answers_the_next_good_frame(
    server: RunningServer, garbage: list[bytes], cut: int
) -> None:
    good = hourly(qn="20110601085857555")
    data = b"".join(garbage) + good
    with server.connect() as sock:
        sock.sendall(data[:cut])
        sock.sendall(data[cut:])
        assert read_frames(sock, 1) == data_answer(parse(good))


def test_status_uploads_are_stored_and_a_time_calibration_request_gets_9013(
    server: RunningServer,
) -> None:
    state = build(qn="20110601085857400", st="32", cn="2021", pw=PASSWORD, mn=MN, flag=5,
                  cp="DataTime=20110601080000;SB1-RS=1;SB2-RS=3")  # fmt: skip
    calibrate = build(qn="20110601085857401", st="32", cn="1013", pw=PASSWORD, mn=MN, flag=5)
    result = build(qn="20110601085857402", st="91", cn="9012", pw=PASSWORD, mn=MN, flag=4,
                   cp="ExeRtn=1")  # fmt: skip
    answers = server.exchange(state + calibrate + result, answers=2)
    assert answers == data_answer(parse(state)) + notice_answer(parse(calibrate))
    server.shutdown()
    assert stored() == {("SB1", "RS"): Decimal("1"), ("SB2", "RS"): Decimal("3")}
    assert counter().frames_ok == 3


def test_counters_are_durable_and_add_up_across_restarts(server: RunningServer) -> None:
    from plantrack.monitoring.receiver import Settings

    from .conftest import start_server

    server.exchange(hourly(qn="20110601085857001"))
    server.shutdown()
    again = start_server(Settings(flush_ms=50))
    again.exchange(hourly(qn="20110601095857001", cp=CP.replace("080000", "090000")))
    again.exchange(hourly(pw="000000"), timeout=0.5)
    again.shutdown()
    row = counter()
    assert (row.frames_ok, row.readings, row.wrong_password) == (2, 6, 1)


def test_the_log_keeps_at_most_20_rows_per_connection_and_kind_but_counts_all(
    server: RunningServer,
) -> None:
    bad = hourly()[:-6] + b"0000\r\n"
    if bad == hourly():
        bad = hourly()[:-6] + b"FFFF\r\n"
    with server.connect() as sock:
        sock.sendall(hourly(qn="20110601085857001") + bad * 30 + hourly())
        read_frames(sock, 2)
    server.shutdown()
    assert counter().bad_crc == 30
    assert ReceiverEvent.objects.filter(kind="crc").count() == 20
