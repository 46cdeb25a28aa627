"""``plantrack hj212 send``: a small HJ 212 client that replays frames or simulates loggers.

Simulated loggers send minute data (2051, HJ 212-2017 表9) for four flue-gas pollutants with
Flag=5 (2017, answer required) or, with ``version="2005"``, 2005-style packets (2005 codes,
14-digit MN, no Flag, hence no answer). Frames are built before the clock starts so the
client's own CPU goes to sending, not to building.

:func:`run_logger` is one logger that stays connected and answers the host's requests
(:class:`~plantrack.monitoring.field_unit.FieldUnit`): the other end of ``plantrack hj212
command``. The simulated loggers of :func:`simulate` answer requests the same way.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Final, cast

from plantrack.core.hj212 import BEIJING, CpValue, FrameError, StreamDecoder, build, parse

from .field_unit import FieldUnit

_POLLUTANTS_2017 = (("a21026", "35.2"), ("a21002", "80.1"), ("a34013", "8.5"), ("a19001", "9.8"))
_POLLUTANTS_2005 = (("02", "35.2"), ("03", "80.1"), ("01", "8.5"), ("S01", "9.8"))
START = datetime(2011, 6, 1, tzinfo=BEIJING)


def logger_mn(prefix: str, index: int, version: str = "2017") -> str:
    """The MN of simulated logger ``index``: 24 hex characters (2017) or 14 digits (2005)."""
    width = 24 if version == "2017" else 14
    return f"{prefix}{index:0{width - len(prefix)}d}"[:width]


def minute_frame(
    mn: str, minute: int, *, version: str = "2017", password: str = "123456", answer: bool = True
) -> bytes:
    """Minute data of simulated minute ``minute`` (from 2011-06-01 00:00, Beijing time)."""
    at = START + timedelta(minutes=minute)
    groups: list[dict[str, CpValue]] = [{"DataTime": at}]
    codes = _POLLUTANTS_2017 if version == "2017" else _POLLUTANTS_2005
    for code, base in codes:
        value = Decimal(base) + Decimal(minute % 17) / 10
        group: dict[str, CpValue] = {f"{code}-Avg": value, f"{code}-Max": value + 1}
        group[f"{code}-Cou"] = Decimal("0.123")
        group[f"{code}-Flag"] = "N"
        groups.append(group)
    if version == "2005":
        return build(st="31", cn="2051", mn=mn, pw=password, cp=groups)
    qn = f"{at:%Y%m%d%H%M%S}{minute % 1000:03d}"
    return build(qn=qn, st="31", cn="2051", mn=mn, pw=password, flag=5 if answer else 4, cp=groups)


_HISTORY_POLLUTANTS: Final = {code: Decimal(base) for code, base in _POLLUTANTS_2017[:3]}


def _answer_requests(unit: FieldUnit, item: bytes | FrameError) -> list[bytes] | None:
    """What ``unit`` sends back for a received frame; None when it is an answer to an upload
    (9013/9014). A frame that does not parse is dropped, as a logger would."""
    if isinstance(item, FrameError):
        return []
    try:
        packet = parse(item)
    except FrameError:
        return []
    if packet.cn in ("9013", "9014"):
        return None
    return unit.handle(packet)


@dataclass
class Result:
    """What a send run did."""

    sent: int = 0
    answers: int = 0
    connections: int = 0
    failed_connections: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    received: list[bytes] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0


async def replay(host: str, port: int, frames: list[bytes], *, wait: float = 1.0) -> Result:
    """Send ``frames`` in order on one connection; collect what comes back."""
    result = Result(connections=1)
    reader, writer = await asyncio.open_connection(host, port)
    started = time.perf_counter()
    for frame in frames:
        writer.write(frame)
        result.sent += 1
    await writer.drain()
    buffer = b""
    while True:
        try:
            chunk = await asyncio.wait_for(reader.read(65536), wait)
        except TimeoutError:
            break
        if not chunk:
            break
        buffer += chunk
    result.received = [line + b"\n" for line in buffer.split(b"\n") if line]
    result.answers = len(result.received)
    result.seconds = time.perf_counter() - started
    writer.close()
    return result


def read_replay_file(path: Path) -> list[bytes]:
    """One frame per line; a missing CR LF is added, anything else is sent as written."""
    return [line.rstrip(b"\r") + b"\r\n" for line in path.read_bytes().split(b"\n") if line.strip()]


class _SimulatedLogger(asyncio.Protocol):
    """One simulated logger's connection, driven by its callbacks: it sends as answers come
    back (or on a timer with ``gap``), so a thousand of them cost no polling."""

    def __init__(
        self, frames: list[bytes], unit: FieldUnit, result: Result, done: asyncio.Future[None],
        *, window: int, answered: bool, gap: float, deadline: float,
    ) -> None:  # fmt: skip
        self.frames, self.unit, self.result, self.done = frames, unit, result, done
        self.window, self.answered, self.gap, self.deadline = window, answered, gap, deadline
        self.sent = self.acked = 0
        self.decoder = StreamDecoder()
        self.transport: asyncio.Transport
        self.timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self.transport = cast(asyncio.Transport, transport)
        self.result.connections += 1
        self.send()

    def send(self) -> None:
        """Send what the window allows (one frame per tick with a rate), then finish when
        every frame is sent and answered."""
        self.timer = None
        left = len(self.frames) - self.sent
        if time.perf_counter() > self.deadline:
            left = 0
        room = self.window - (self.sent - self.acked) if self.answered else left
        count = min(left, room, 1 if self.gap else left)
        if count > 0:
            self.transport.write(b"".join(self.frames[self.sent : self.sent + count]))
            self.sent += count
            self.result.sent += count
            left -= count
        if left and self.gap:
            loop = asyncio.get_running_loop()
            self.timer = loop.call_later(self.gap, self.send)
        elif not left and (not self.answered or self.acked >= self.sent):
            self.finish()

    def data_received(self, data: bytes) -> None:
        count = data.count(b"\r\n")
        if (
            not self.decoder.buffered
            and data.endswith(b"\r\n")
            and count == data.count(b"ST=91;CN=901")
        ):
            # Whole answers only (the usual case): counted without parsing them.
            self.acked += count
            self.result.answers += count
        else:
            for item in self.decoder.feed(data):
                answers = _answer_requests(self.unit, item)
                if answers is None:
                    self.acked += 1
                    self.result.answers += 1
                elif answers:
                    self.transport.write(b"".join(answers))
        if self.timer is None:
            self.send()

    def finish(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        if not self.done.done():
            self.done.set_result(None)
        self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.timer is not None:
            self.timer.cancel()
        if not self.done.done():
            self.done.set_result(None)


async def simulate(
    host: str,
    port: int,
    loggers: int,
    *,
    rate: float = 0.0,
    duration: float = 10.0,
    frames_per_logger: int = 100,
    prefix: str = "3301000000",
    version: str = "2017",
    window: int = 4,
    patience: float = 60.0,
    first_minute: int = 0,
    credentials: list[tuple[str, str]] | None = None,
) -> Result:
    """``loggers`` connections sending distinct minute frames for ``duration`` seconds.

    ``rate`` is the total packets per second (0 = as fast as the server answers); each logger
    keeps at most ``window`` unanswered packets in flight (2017; 2005 packets get no answer)
    and waits up to ``patience`` seconds for the last answers. A logger stops early when it has
    sent its ``frames_per_logger`` frames. The loggers are ``credentials`` (MN, password)
    when given, else MNs made from ``prefix`` with the password 123456.
    """
    result = Result()
    loop = asyncio.get_running_loop()
    answered = version == "2017"
    logins = credentials or [(logger_mn(prefix, i, version), "123456") for i in range(loggers)]
    built = [
        [
            minute_frame(mn, first_minute + m, version=version, password=password)
            for m in range(frames_per_logger)
        ]
        for mn, password in logins[:loggers]
    ]
    gap = loggers / rate if rate else 0.0
    started, cpu = time.perf_counter(), time.process_time()
    deadline = started + duration

    async def run(mn: str, password: str, frames: list[bytes]) -> None:
        unit = FieldUnit(mn, password, st="31", pollutants=_HISTORY_POLLUTANTS)
        done: asyncio.Future[None] = loop.create_future()
        try:
            transport, _ = await loop.create_connection(
                lambda: _SimulatedLogger(
                    frames, unit, result, done,
                    window=window, answered=answered, gap=gap, deadline=deadline,
                ),
                host,
                port,
            )  # fmt: skip
        except OSError:
            result.failed_connections += 1
            return
        try:
            await asyncio.wait_for(done, max(deadline - time.perf_counter(), 0) + patience)
        except TimeoutError:
            pass
        finally:
            transport.close()

    await asyncio.gather(
        *(run(mn, pw, frames) for (mn, pw), frames in zip(logins, built, strict=False))
    )
    result.seconds = time.perf_counter() - started
    result.cpu_seconds = time.process_time() - cpu
    return result


async def run_logger(
    host: str,
    port: int,
    unit: FieldUnit,
    *,
    stop: asyncio.Event | None = None,
    duration: float = 3600.0,
    first_minute: int = 0,
) -> Result:
    """One logger: connect, upload one minute packet (so the receiver knows its MN), then
    answer the host's requests until ``stop`` is set, the server closes, or ``duration``."""
    result = Result(connections=1)
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(minute_frame(unit.mn, first_minute, password=unit.password))
    result.sent += 1
    decoder = StreamDecoder()
    stop = stop or asyncio.Event()
    started = time.perf_counter()
    end = time.monotonic() + duration
    try:
        while not stop.is_set() and time.monotonic() < end:
            try:
                chunk = await asyncio.wait_for(reader.read(65536), 0.1)
            except TimeoutError:
                continue
            if not chunk:
                break
            for item in decoder.feed(chunk):
                answers = _answer_requests(unit, item)
                if answers is None:
                    result.answers += 1
                elif answers:
                    writer.write(b"".join(answers))
                    result.sent += len(answers)
                    result.received.append(item if isinstance(item, bytes) else b"")
            await writer.drain()
    finally:
        writer.close()
        result.seconds = time.perf_counter() - started
    return result
