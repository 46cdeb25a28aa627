"""Host commands to data loggers over real sockets: a receiver on a loopback port, a simulated
logger connected to it, commands queued the way users queue them (HJ 212-2017 §6.1, 表9)."""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from plantrack.core.hj212 import BEIJING, build, data_answer, parse
from plantrack.monitoring.command_store import CommandStore
from plantrack.monitoring.commands import (
    ABANDONED_AFTER,
    CommandRefused,
    expire_overdue,
    queue_command,
    wait_for,
)
from plantrack.monitoring.dispatch import Change
from plantrack.monitoring.field_unit import FieldUnit, history_value
from plantrack.monitoring.models import (
    CommandEvent,
    LoggerCommand,
    MonitoredSource,
    Record,
    SourceChange,
)

from .conftest import MN, OTHER_MN, PASSWORD, RunningServer, queue, retried, start_logger


def unit(**options: object) -> FieldUnit:
    return FieldUnit(MN, PASSWORD, **options)  # type: ignore[arg-type]


def run(server: RunningServer, user, logger: FieldUnit, cn: str, params=None, **settings):
    """Queue ``cn`` for the water outlet while ``logger`` is connected; wait for its end."""
    connected = start_logger(server.port, logger)
    try:
        source = MonitoredSource.objects.get(mn=MN)
        command = queue(user, source, cn, params or {}, "测试", **settings)
        return wait_for(command, 10)
    finally:
        connected.close()


def statuses(command: LoggerCommand) -> list[str]:
    return list(CommandEvent.objects.filter(command=command).values_list("status", flat=True))


def test_1011_gets_the_logger_time_through_9011_data_and_9012(command_server, commander) -> None:
    logger = unit(clock_offset=dt.timedelta(hours=-3))
    command = run(command_server, commander, logger, "1011", {"PolId": "w01018"})
    assert command.status == "executed" and command.finished
    assert (command.qn_rtn, command.exe_rtn, command.attempts) == (1, 1, 1)
    assert statuses(command) == ["queued", "sent", "acknowledged", "executed"]
    [returned] = command.returned
    assert returned["CN"] == "1011" and returned["PolId"] == "w01018"
    logger_time = dt.datetime.strptime(returned["SystemTime"], "%Y%m%d%H%M%S").replace(
        tzinfo=BEIJING
    )
    expected = dt.datetime.now(BEIJING) - dt.timedelta(hours=3)
    assert abs(logger_time - expected) < dt.timedelta(seconds=30)
    assert logger.log == ["1011"]
    event = CommandEvent.objects.get(command=command, status="sent")
    assert event.worker and event.user is None  # sent by a receiver process, not a user


def test_2061_fetches_hours_of_history_and_they_are_stored(command_server, commander) -> None:
    begin = dt.datetime(2011, 6, 2, 8, tzinfo=BEIJING)
    params = {"BeginTime": "20110602080000", "EndTime": "2011-06-02T10:00:00+08:00"}
    command = run(command_server, commander, unit(), "2061", params)
    assert command.status == "executed", command.detail
    assert [r["DataTime"] for r in command.returned] == [
        "20110602080000",
        "20110602090000",
        "20110602100000",
    ]
    command_server.shutdown()
    stored = Record.objects.filter(source__mn=MN, cn="2061", data__has_key="w01018")
    assert {r.time: r.values("w01018")["Avg"] for r in stored} == {
        begin + dt.timedelta(hours=h): history_value("w01018", Decimal("25.5"), begin + dt.timedelta(hours=h))
        for h in range(3)
    }  # fmt: skip
    # Every packet of the answer carries the request's QN; none was taken for a repeat.
    assert set(stored.values_list("qn", flat=True)) == {command.qn}


def test_a_history_window_without_data_ends_in_exertn_100(command_server, commander) -> None:
    params = {"BeginTime": "20100101000000", "EndTime": "20100103000000"}
    command = run(command_server, commander, unit(), "2031", params)
    assert (command.status, command.exe_rtn, command.returned) == ("failed", 100, [])
    assert "没有数据" in command.detail


def test_a_refused_request_ends_with_the_qnrtn(command_server, commander) -> None:
    command = run(command_server, commander, unit(refuse=frozenset({"3011"})), "3011",
                  {"PolId": "w01018"})  # fmt: skip
    assert (command.status, command.qn_rtn, command.exe_rtn) == ("refused", 2, None)
    assert "请求被拒绝" in command.detail
    assert statuses(command) == ["queued", "sent", "refused"]


def test_calibrating_a_pollutant_the_logger_lacks_fails_with_exertn_3(
    command_server, commander
) -> None:
    command = run(command_server, commander, unit(), "3011", {"PolId": "a21026"})
    assert (command.status, command.qn_rtn, command.exe_rtn) == ("failed", 1, 3)


def test_an_unanswered_request_is_resent_then_times_out(command_server, commander) -> None:
    logger = unit(ignore=10)
    command = run(command_server, commander, logger, "1061", timeout=1, retries=1)
    assert (command.status, command.attempts) == ("timed_out", 2)
    assert logger.ignore == 8  # the logger got the request twice
    assert statuses(command) == ["queued", "sent", "sent", "timed_out"]
    assert "9011" in command.detail


def test_a_request_lost_once_is_answered_when_resent(command_server, commander) -> None:
    logger = unit(ignore=1)
    command = run(command_server, commander, logger, "1061", timeout=1, retries=2)
    assert (command.status, command.attempts) == ("executed", 2)
    assert command.returned == [{"CN": "1061", "RtdInterval": "30"}]


def test_settings_reach_the_logger(command_server, commander) -> None:
    logger = unit()
    connected = start_logger(command_server.port, logger)
    source = MonitoredSource.objects.get(mn=MN)
    try:
        for cn, params in [
            ("1000", {"OverTime": "5", "ReCount": "2"}),
            ("1062", {"RtdInterval": "60"}),
            ("1064", {"MinInterval": "5"}),
            ("1012", {"SystemTime": "20110601120000"}),
            ("2012", {}),
        ]:
            command = wait_for(queue(commander, source, cn, params, "设置"), 10)
            assert command.status == "executed", (cn, command.detail)
    finally:
        connected.close()
    assert (logger.over_time, logger.re_count, logger.rtd_interval, logger.min_interval) == (
        5, 2, 60, 5,
    )  # fmt: skip
    assert logger.clock().year == 2011
    assert CommandEvent.objects.filter(command__cn="2012", detail__contains="9013").exists()


def test_1072_changes_the_password_in_the_logger_and_the_registry(
    command_server, commander
) -> None:
    logger = unit()
    command = run(command_server, commander, logger, "1072", {"NewPW": "654321"})
    assert command.status == "executed"
    assert logger.password == "654321"
    assert MonitoredSource.objects.get(mn=MN).password == "654321"
    change = SourceChange.objects.get()
    assert (change.field, change.old, change.new, change.changed_by) == (
        "password", PASSWORD, "654321", commander,
    )  # fmt: skip
    assert change.reason == "测试" and change.command == command
    # The receiver accepts the logger's packets under the new password at once.
    frame = build(qn="20110601085857001", st="32", cn="2061", pw="654321", mn=MN, flag=5,
                  cp="DataTime=20110601080000;w01018-Avg=25.5")  # fmt: skip
    assert command_server.exchange(frame) == data_answer(parse(frame))


def test_a_command_for_a_logger_that_is_not_connected_ends_as_not_connected(
    command_server, commander
) -> None:
    source = MonitoredSource.objects.get(mn=OTHER_MN)
    command = queue(commander, source, "1011", {}, "测试", connect_wait=1)
    command = wait_for(command, 5)
    assert command.status == "not_connected" and command.attempts == 0
    assert statuses(command) == ["queued", "not_connected"]


def test_a_logger_that_disconnects_before_answering_ends_the_command(
    command_server, commander
) -> None:
    logger = unit(ignore=10)
    connected = start_logger(command_server.port, logger)
    source = MonitoredSource.objects.get(mn=MN)
    command = queue(commander, source, "1011", {}, "测试", timeout=30)
    deadline = time.monotonic() + 5
    while logger.ignore == 10 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert logger.ignore == 9  # the request arrived, unanswered
    connected.close()
    command = wait_for(command, 5)
    assert command.status == "not_connected" and "断开" in command.detail


def test_a_receiver_confirms_the_commands_it_waits_on(command_server, commander) -> None:
    """While the logger has not answered, the receiver holding the command confirms it at
    every tick, so it is not taken for abandoned."""
    logger = unit(ignore=10)
    connected = start_logger(command_server.port, logger)
    try:
        source = MonitoredSource.objects.get(mn=MN)
        command = queue(commander, source, "1011", {}, "测试", timeout=30)
        deadline = time.monotonic() + 5
        while logger.ignore == 10 and time.monotonic() < deadline:
            time.sleep(0.02)
        long_ago = timezone.now() - dt.timedelta(hours=1)
        retried(LoggerCommand.objects.filter(pk=command.pk).update, held_at=long_ago)
        while time.monotonic() < deadline:
            retried(command.refresh_from_db)
            if command.held_at and command.held_at > long_ago:
                break
            time.sleep(0.05)
        assert command.status == "sent" and command.held_at > long_ago
        assert retried(expire_overdue) == 0
    finally:
        connected.close()


def test_a_command_whose_receiver_process_died_times_out(sources, commander) -> None:
    """A receiver killed while a command waits on the logger leaves it sent; once nobody has
    confirmed it for ABANDONED_AFTER, whoever looks next ends it, and a late answer from the
    lost process changes it no more."""
    command = queue_command(commander, sources["water"], "1011", {}, "测试")
    [claimed] = CommandStore("host:1").sync([], [MN])
    command.refresh_from_db()
    assert command.held_at == command.sent_at
    soon = command.held_at + ABANDONED_AFTER - dt.timedelta(seconds=1)
    assert expire_overdue(soon, worker="host:2") == 0
    later = command.held_at + ABANDONED_AFTER + dt.timedelta(seconds=1)
    assert expire_overdue(later, worker="host:2") == 1
    command.refresh_from_db()
    assert (command.status, command.finished_at) == ("timed_out", later)
    assert "host:1" in command.detail
    assert statuses(command) == ["queued", "sent", "timed_out"]
    assert command.events.get(status="timed_out").worker == "host:2"
    late = Change(claimed.id, "executed", later, "ExeRtn=1", exe_rtn=1, final=True)
    CommandStore("host:1").sync([late], [])
    command.refresh_from_db()
    assert command.status == "timed_out" and command.exe_rtn is None


def test_a_confirmed_command_is_not_abandoned(sources, commander) -> None:
    command = queue_command(commander, sources["water"], "1011", {}, "测试")
    receiver = CommandStore("host:1")
    receiver.sync([], [MN])
    long_ago = timezone.now() - 2 * ABANDONED_AFTER
    LoggerCommand.objects.filter(pk=command.pk).update(sent_at=long_ago, held_at=long_ago)
    receiver.sync([], [MN], [command.pk])
    assert expire_overdue() == 0
    command.refresh_from_db()
    assert command.status == "sent" and command.held_at > long_ago + ABANDONED_AFTER


def test_a_command_sent_before_confirmations_existed_is_judged_by_its_sending(
    sources, commander
) -> None:
    command = queue_command(commander, sources["water"], "1011", {}, "测试")
    CommandStore("host:1").sync([], [MN])
    long_ago = timezone.now() - 2 * ABANDONED_AFTER
    LoggerCommand.objects.filter(pk=command.pk).update(sent_at=long_ago, held_at=None)
    assert expire_overdue() == 1
    command.refresh_from_db()
    assert command.status == "timed_out"


def test_only_one_receiver_process_claims_a_command(sources, commander) -> None:
    """Two receivers holding the same MN (a logger reconnected to another process): the
    guarded update lets exactly one of them send the command."""
    command = queue_command(commander, sources["water"], "1011", {}, "测试")
    first = CommandStore("host:1").sync([], [MN])
    second = CommandStore("host:2").sync([], [MN])
    assert [c.id for c in first] == [command.pk] and second == []
    command.refresh_from_db()
    assert (command.status, command.worker) == ("sent", "host:1")
    assert parse(first[0].frame).qn == command.qn


def test_bad_parameters_are_refused_naming_the_parameter(sources, commander) -> None:
    water = sources["water"]
    cases = [
        ("2061", {"BeginTime": "20110602100000", "EndTime": "20110602080000"}, "EndTime"),
        ("2061", {"BeginTime": "20110601000000", "EndTime": "20110801000000"}, "EndTime"),
        ("2061", {"BeginTime": "yesterday", "EndTime": "20110602080000"}, "BeginTime"),
        ("1062", {"RtdInterval": "10"}, "RtdInterval"),
        ("1064", {"MinInterval": "7"}, "MinInterval"),
        ("1072", {"NewPW": "12;456"}, "NewPW"),
        ("3011", {}, "PolId"),
        ("1011", {"Foo": "1"}, "Foo"),
        ("9014", {}, "CN"),
    ]
    for cn, params, field in cases:
        with pytest.raises(CommandRefused) as refused:
            queue_command(commander, water, cn, params, "测试")
        assert refused.value.field == field, (cn, params)
        assert field in str(refused.value)
    with pytest.raises(CommandRefused, match="理由"):
        queue_command(commander, water, "1011", {}, "  ")
    assert not LoggerCommand.objects.exists()


def test_cli_queues_waits_and_prints_the_result(command_server, commander) -> None:
    connected = start_logger(command_server.port, unit())
    out = io.StringIO()
    try:
        call_command("hj212", "command", "--mn", MN, "--cn", "1063", "--user", "commander",
                     "--reason", "核对分钟数据间隔", "--wait", "10", "--format", "json",
                     stdout=out)  # fmt: skip
    finally:
        connected.close()
    result = json.loads(out.getvalue())
    assert result["status"] == "executed" and result["returned"] == [
        {"CN": "1063", "MinInterval": "10"}
    ]
    assert result["requested_by"] == "commander" and result["reason"] == "核对分钟数据间隔"


def test_cli_says_what_is_wrong(sources, commander) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="MinInterval"):
        call_command("hj212", "command", "--mn", MN, "--cn", "1064", "--param", "MinInterval=7",
                     "--user", "commander", "--reason", "x")  # fmt: skip
    with pytest.raises(CommandError, match="--mn"):
        call_command("hj212", "command", "--mn", "NOPE", "--cn", "1011", "--user", "commander",
                     "--reason", "x")  # fmt: skip


def test_garbage_and_odd_answers_under_a_commands_qn_do_not_upset_the_receiver(
    command_server, commander
) -> None:
    from .conftest import read_frames

    source = MonitoredSource.objects.get(mn=MN)
    upload = build(qn="20110601085857001", st="32", cn="2061", pw=PASSWORD, mn=MN, flag=5,
                   cp="DataTime=20110601080000;w01018-Avg=25.5")  # fmt: skip
    with command_server.connect() as sock:
        sock.sendall(upload)
        assert read_frames(sock, 1) == data_answer(parse(upload))
        command = queue(commander, source, "1011", {}, "测试")
        request = parse(read_frames(sock, 1, timeout=5))
        assert (request.cn, request.qn, request.pw) == ("1011", command.qn, PASSWORD)
        odd = build(qn=request.qn, st="91", cn="9011", pw=PASSWORD, mn=MN, flag=4,
                    cp="QnRtn=abc")  # fmt: skip
        sock.sendall(b"\x00\xff##9999" + odd[:20] + b"\r\n" + odd)
        command = wait_for(command, 5)
    assert command.status == "refused" and "QnRtn" in command.detail
    again = build(qn="20110601085857002", st="32", cn="2061", pw=PASSWORD, mn=MN, flag=5,
                  cp="DataTime=20110601090000;w01018-Avg=25.5")  # fmt: skip
    assert command_server.exchange(again) == data_answer(parse(again))


def test_two_receivers_on_one_port_send_each_command_once(sources, commander) -> None:
    """SO_REUSEPORT: the kernel hands loggers to either process; only the one holding a
    logger's connection sends its commands, and each command exactly once."""
    from plantrack.monitoring.receiver import Settings

    from .conftest import start_server

    settings = Settings(flush_ms=50, command_poll=0.05)
    first = start_server(settings, reuse_port=True)
    second = start_server(settings, port=first.port, reuse_port=True)
    water, other = unit(), FieldUnit(OTHER_MN, "654321")
    loggers = [start_logger(first.port, water), start_logger(first.port, other)]
    try:
        queued = [
            queue(commander, sources[key], cn, {}, "测试")
            for key in ("water", "other")
            for cn in ("1011", "1061", "1063")
        ]
        done = [wait_for(c, 10) for c in queued]
    finally:
        for logger in loggers:
            logger.close()
        first.shutdown()
        second.shutdown()
    assert [c.status for c in done] == ["executed"] * 6
    assert water.log == ["1011", "1061", "1063"] and other.log == ["1011", "1061", "1063"]
    for command in done:
        assert statuses(command) == ["queued", "sent", "acknowledged", "executed"]
