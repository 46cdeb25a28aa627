"""``plantrack hj212 serve|send|command``: the HJ 212 receiver, a test client, host commands."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from plantrack.monitoring import client
from plantrack.monitoring.commands import (
    CommandRefused,
    command_as_dict,
    queue_command,
    wait_for,
)
from plantrack.monitoring.field_unit import FieldUnit
from plantrack.monitoring.models import LoggerCommand, MonitoredSource
from plantrack.monitoring.receiver import Settings, event_loop_factory, serve
from plantrack.regions.models import Region

T = TypeVar("T")
# Simulated loggers registered with --register are filed under Hangzhou.
DEMO_REGION = "330100"


def run(main: Coroutine[Any, Any, T], loop: str = "asyncio") -> T:
    """``main`` on a new event loop (``loop``: see :func:`event_loop_factory`); on a thread of
    its own when this thread already runs an event loop (a caller inside async code, or
    Playwright's sync API in the test process)."""

    def on_new_loop() -> T:
        with asyncio.Runner(loop_factory=event_loop_factory(loop)) as runner:
            return runner.run(main)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return on_new_loop()
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(on_new_loop).result()


class Command(BaseCommand):
    help = "HJ 212 数据接收：plantrack hj212 serve|send|command"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        s = sub.add_parser("serve", help="接收数采仪数据（HJ 212-2017、HJ/T 212-2005）")
        s.add_argument("--host", default="127.0.0.1")
        s.add_argument("--port", type=int, default=9212)
        s.add_argument("--workers", type=int, default=1, help="进程数（SO_REUSEPORT）")
        s.add_argument("--reuse-port", action="store_true")
        s.add_argument("--idle-timeout", type=float, default=300.0, help="空闲断开（秒）")
        s.add_argument("--frame-timeout", type=float, default=60.0, help="未完成数据包（秒）")
        s.add_argument("--batch-rows", type=int, default=1000)
        s.add_argument("--flush-ms", type=int, default=200)
        s.add_argument("--command-poll", type=float, default=1.0, help="领取待发命令的间隔（秒）")
        s.add_argument(
            "--loop", choices=["auto", "uvloop", "asyncio"], default="auto",
            help="事件循环：auto 在装有 uvloop 时用 uvloop",
        )  # fmt: skip
        c = sub.add_parser("send", help="回放数据包或模拟数采仪")
        c.add_argument("--host", default="127.0.0.1")
        c.add_argument("--port", type=int, default=9212)
        what = c.add_mutually_exclusive_group(required=True)
        what.add_argument("--replay", type=Path, help="每行一个数据包的文件")
        what.add_argument("--simulate", type=int, metavar="N", help="模拟 N 台数采仪")
        what.add_argument(
            "--logger",
            metavar="MN",
            help="模拟一台保持连接、应答上位机命令的数采仪（--duration 秒）",
        )
        c.add_argument("--password", default="123456", help="--logger 的访问密码")
        c.add_argument("--st", default="32", help="--logger 的系统编码 ST")
        c.add_argument("--rate", type=float, default=0.0, help="总发送速率（包/秒，0 为不限）")
        c.add_argument("--duration", type=float, default=10.0, help="秒")
        c.add_argument("--frames", type=int, default=100, help="每台数采仪最多发送的包数")
        c.add_argument("--first-minute", type=int, default=0, help="第一包的数据时间（分钟）")
        c.add_argument("--mn-prefix", default="3301000000")
        c.add_argument("--version", choices=["2017", "2005"], default="2017")
        who = c.add_mutually_exclusive_group()
        who.add_argument("--demo", action="store_true", help="以登记的演示监测点（MN、密码）发送")
        who.add_argument(
            "--register", action="store_true", help="先登记 N 个模拟监测点（MN 前缀，密码 123456）"
        )
        self.add_command_arguments(sub)

    def add_command_arguments(self, sub: Any) -> None:
        q = sub.add_parser("command", help="向数采仪下发命令（HJ 212-2017 表9，上位机→现场机）")
        q.add_argument("--mn", required=True, help="监测点 MN")
        q.add_argument("--cn", required=True, help="命令编码，如 1011、2061、3011")
        q.add_argument(
            "--param", action="append", default=[], metavar="名称=值",
            help="命令参数，如 BeginTime=20110601000000（可重复）",
        )  # fmt: skip
        q.add_argument("--user", required=True, help="下发人用户名")
        q.add_argument("--reason", required=True, help="下发理由")
        q.add_argument("--timeout", type=int, default=10, help="应答超时（秒，HJ 212 表1 默认 10）")
        q.add_argument("--retries", type=int, default=3, help="重发次数（表1 默认 3）")
        q.add_argument("--exec-timeout", type=int, default=120, help="执行超时（秒）")
        q.add_argument("--connect-wait", type=int, default=60, help="等待数采仪连接（秒）")
        q.add_argument("--wait", type=float, default=0.0, help="等待结果的秒数（0 为只排队）")
        q.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "serve":
            self.serve(options)
        elif options["action"] == "command":
            self.command(options)
        else:
            self.send(options)

    def command(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"--user：用户 {options['user']} 不存在")
        source = MonitoredSource.objects.filter(mn=options["mn"]).first()
        if source is None:
            raise CommandError(f"--mn：监测点 {options['mn']} 未登记")
        parameters = {}
        for item in options["param"]:
            name, sep, value = item.partition("=")
            if not sep or not name:
                raise CommandError(f"--param：{item!r} 应写成 名称=值")
            parameters[name.strip()] = value
        try:
            command = queue_command(
                user, source, options["cn"], parameters, options["reason"],
                timeout=options["timeout"], retries=options["retries"],
                exec_timeout=options["exec_timeout"], connect_wait=options["connect_wait"],
            )  # fmt: skip
        except CommandRefused as error:
            raise CommandError(str(error)) from None
        if options["wait"] > 0:
            command = wait_for(command, options["wait"])
        self.report(command, options["format"])

    def report(self, command: LoggerCommand, form: str) -> None:
        if form == "json":
            self.stdout.write(json.dumps(command_as_dict(command), ensure_ascii=False, indent=1))
            return
        self.stdout.write(
            f"命令 {command.pk}：MN={command.source.mn} CN={command.cn} QN={command.qn} "
            f"状态 {command.get_status_display()}（{command.status}）{command.detail}"
        )
        for row in command.returned:
            self.stdout.write("  " + ";".join(f"{k}={v}" for k, v in row.items()))

    def serve(self, options: dict[str, Any]) -> None:
        if options["workers"] > 1:
            self.serve_workers(options)
            return
        settings = Settings(
            idle_timeout=options["idle_timeout"],
            frame_timeout=options["frame_timeout"],
            batch_rows=options["batch_rows"],
            flush_ms=options["flush_ms"],
            command_poll=options["command_poll"],
        )

        async def main() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)

            def ready(port: int) -> None:
                self.stdout.write(f"HJ 212 接收服务：{options['host']}:{port}（pid {os.getpid()}）")
                self.stdout.flush()

            receiver = await serve(
                options["host"],
                options["port"],
                settings=settings,
                reuse_port=options["reuse_port"],
                ready=ready,
                stop=stop,
            )
            writer = receiver.writer
            failed = f"，{writer.rows_failed} 条写入失败（见日志）" if writer.rows_failed else ""
            self.stdout.write(
                f"已停止：收到 {receiver.packets} 个数据包，写入 {writer.rows_written} 条记录{failed}"
            )

        run(main(), options["loop"])

    def serve_workers(self, options: dict[str, Any]) -> None:
        """N processes on one port (SO_REUSEPORT): the kernel spreads connections over them."""
        argv = [sys.argv[0], "hj212", "serve", "--reuse-port", "--workers", "1"]
        names = ("host", "port", "idle_timeout", "frame_timeout", "batch_rows", "flush_ms",
                 "command_poll", "loop")  # fmt: skip
        for name in names:
            argv += [f"--{name.replace('_', '-')}", str(options[name])]
        children = [subprocess.Popen(argv) for _ in range(options["workers"])]

        def forward(signum: int, _frame: object) -> None:
            for child in children:
                child.send_signal(signum)

        signal.signal(signal.SIGINT, forward)
        signal.signal(signal.SIGTERM, forward)
        codes = [child.wait() for child in children]
        if any(codes):
            raise CommandError(f"接收进程退出码：{codes}")

    def loggers(self, options: dict[str, Any]) -> list[tuple[str, str]] | None:
        """The (MN, password) of the simulated loggers, registering them if asked."""
        count, version = options["simulate"], options["version"]
        if options["demo"]:
            demo = MonitoredSource.objects.filter(is_demo=True, active=True).order_by("mn")
            credentials = list(demo.values_list("mn", "password")[:count])
            if len(credentials) < count:
                raise CommandError(f"只有 {len(credentials)} 个演示监测点；先运行 plantrack demo")
            return credentials
        if options["register"]:
            region = Region.objects.get(code=DEMO_REGION)
            MonitoredSource.objects.bulk_create(
                [
                    MonitoredSource(
                        mn=client.logger_mn(options["mn_prefix"], i, version),
                        password="123456",
                        name=f"模拟数采仪 {i}（演示数据）",
                        region=region,
                        system="31",
                        protocol=version,
                        is_demo=True,
                        note="演示数据",
                    )
                    for i in range(count)
                ],
                ignore_conflicts=True,
            )
        return None

    def send(self, options: dict[str, Any]) -> None:
        host, port = options["host"], options["port"]
        if options["logger"] is not None:
            unit = FieldUnit(options["logger"], options["password"], st=options["st"])
            result = run(client.run_logger(host, port, unit, duration=options["duration"]))
            self.stdout.write(f"应答上位机命令：{'、'.join(unit.log) or '无'}")
        elif options["replay"] is not None:
            path: Path = options["replay"]
            if not path.exists():
                raise CommandError(f"--replay：文件 {path} 不存在")
            frames = client.read_replay_file(path)
            result = run(client.replay(host, port, frames))
            for line in result.received:
                self.stdout.write(line.decode("utf-8", "backslashreplace").rstrip())
        else:
            credentials = self.loggers(options)
            result = run(
                client.simulate(
                    host,
                    port,
                    options["simulate"],
                    credentials=credentials,
                    rate=options["rate"],
                    duration=options["duration"],
                    frames_per_logger=options["frames"],
                    prefix=options["mn_prefix"],
                    version=options["version"],
                    first_minute=options["first_minute"],
                ),
                "auto",
            )
        self.stdout.write(
            f"连接 {result.connections}（失败 {result.failed_connections}），发送 {result.sent} 包，"
            f"应答 {result.answers}，{result.seconds:.2f} 秒，{result.rate:,.0f} 包/秒"
        )
