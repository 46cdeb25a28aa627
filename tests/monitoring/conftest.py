"""A real receiver on an ephemeral loopback port, in a thread with its own event loop."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.contrib.auth.models import User

from plantrack.accounts.models import Profile, Role
from plantrack.core.hj212 import BEIJING
from plantrack.enterprises.models import EmissionFigure, Enterprise
from plantrack.monitoring import client
from plantrack.monitoring.commands import queue_command
from plantrack.monitoring.field_unit import FieldUnit
from plantrack.monitoring.models import LoggerCommand, MonitoredSource, SourcePollutant
from plantrack.monitoring.receiver import Receiver, Settings, serve
from plantrack.monitoring.store import store_values
from plantrack.regions.loader import load_regions
from plantrack.regions.models import Region

from ..browser import browser_tests_last

T = TypeVar("T")

MN = "010000A8900016F000169DC0"
MN_2005 = "LD130133000015"
OTHER_MN = "3302000000000000000000AB"
PASSWORD = "123456"


@dataclass
class RunningServer:
    port: int
    loop: asyncio.AbstractEventLoop
    stop: asyncio.Event
    thread: threading.Thread
    result: list[Receiver] = field(default_factory=list)

    def connect(self, timeout: float = 5.0) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)

    def exchange(self, data: bytes, *, answers: int = 1, timeout: float = 3.0) -> bytes:
        """Send ``data`` on a new connection; return what comes back (``answers`` frames)."""
        with self.connect(timeout) as sock:
            sock.sendall(data)
            return read_frames(sock, answers, timeout)

    def shutdown(self) -> Receiver:
        """Stop the server; everything it received is flushed and written when this returns."""
        if not self.result:
            self.loop.call_soon_threadsafe(self.stop.set)
            self.thread.join(15)
        return self.result[0]


# Two registered outlets in two cities, for the access tests of pages and commands.
HZ_MN = "330106000000000000000001"
NB_MN = "330200000000000000000001"


@pytest.fixture
def outlets() -> tuple[MonitoredSource, MonitoredSource]:
    hz = MonitoredSource.objects.create(
        mn=HZ_MN, password="123456", name="西湖排放口", region=Region.objects.get(code="330106"),
        system="32",
    )  # fmt: skip
    nb = MonitoredSource.objects.create(
        mn=NB_MN, password="123456", name="宁波排放口", region=Region.objects.get(code="330200"),
        system="31",
    )  # fmt: skip
    return hz, nb


# Enterprises and their 环境统计 emissions, for the coverage (V00-27) and the emission figures.
IN_WINDOW = dt.datetime(2011, 8, 1, 8, tzinfo=BEIJING)  # inside 2011Q3


def enterprise(code: str, county: str, **emissions: str) -> Enterprise:
    made = Enterprise.objects.create(code=code, name=f"企业{code[-3:]}",
                                     region=Region.objects.get(code=county))  # fmt: skip
    for pollutant, amount in emissions.items():
        EmissionFigure.objects.create(enterprise=made, year=2010, pollutant=pollutant,
                                      amount=Decimal(amount))  # fmt: skip
    return made


def outlet(owner: Enterprise, mn: str, codes: dict[str, list[dt.datetime]], *, active=True):
    source = MonitoredSource.objects.create(
        mn=mn, password="123456", name="排放口", enterprise=owner, region=owner.region,
        system="32", active=active,
    )  # fmt: skip
    for code, hours in codes.items():
        SourcePollutant.objects.create(source=source, code=code)
        store_values(source.pk, "2061", [(h, code, "Avg", Decimal("10"), "") for h in hours])
    return source


@pytest.fixture
def city_loads() -> dict[str, Enterprise]:
    """Hangzhou: a dye works transmitting COD (900 t) but not NH3-N, a paper mill (100 t COD)
    whose outlet transmitted only before the window, a works with an inactive outlet.
    Ningbo: a power plant transmitting SO2."""
    dye = enterprise("91330106TEST0001AA", "330106", cod="900", nh3n="30")
    paper = enterprise("91330106TEST0002AA", "330106", cod="100", nh3n="5")
    idle = enterprise("91330100TEST0003AA", "330100", cod="50")
    plant = enterprise("91330203TEST0004AA", "330203", so2="1500", nox="1200")
    outlet(dye, "3301060000000000000000C1", {"w01018": [IN_WINDOW], "w21003": []})
    outlet(
        paper, "3301060000000000000000C2", {"w01018": [dt.datetime(2011, 6, 30, 8, tzinfo=BEIJING)]}
    )
    outlet(idle, "3301000000000000000000C3", {"w01018": [IN_WINDOW]}, active=False)
    outlet(
        plant,
        "3302030000000000000000C4",
        {"a21026": [IN_WINDOW, IN_WINDOW + dt.timedelta(hours=1)]},
    )
    return {"dye": dye, "paper": paper, "idle": idle, "plant": plant}


def read_frames(sock: socket.socket, count: int, timeout: float = 3.0) -> bytes:
    """Read until ``count`` CR LF-terminated frames arrived, or the timeout."""
    data = b""
    deadline = time.monotonic() + timeout
    sock.settimeout(0.2)
    while data.count(b"\r\n") < count and time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        if not chunk:
            break
        data += chunk
    return data


def start_server(settings: Settings, *, port: int = 0, reuse_port: bool = False) -> RunningServer:
    ready = threading.Event()
    holder: dict[str, object] = {}
    result: list[Receiver] = []

    def run() -> None:
        async def main() -> None:
            stop = asyncio.Event()
            holder["loop"] = asyncio.get_running_loop()
            holder["stop"] = stop

            def bound(port: int) -> None:
                holder["port"] = port
                ready.set()

            result.append(
                await serve("127.0.0.1", port, settings=settings, ready=bound, stop=stop,
                            reuse_port=reuse_port)
            )  # fmt: skip

        asyncio.run(main())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10), "receiver did not start"
    return RunningServer(
        port=holder["port"],  # type: ignore[arg-type]
        loop=holder["loop"],  # type: ignore[arg-type]
        stop=holder["stop"],  # type: ignore[arg-type]
        thread=thread,
        result=result,
    )


@pytest.fixture
def sources(transactional_db: None) -> dict[str, MonitoredSource]:
    # A transactional test starts from a flushed database; the sources need the regions.
    if not Region.objects.exists():
        load_regions()
    hangzhou = Region.objects.get(code="330106")
    ningbo = Region.objects.get(code="330200")
    water = MonitoredSource.objects.create(
        mn=MN, password=PASSWORD, name="废水总排放口", region=hangzhou, system="32"
    )
    SourcePollutant.objects.create(source=water, code="w01018", limit=100, limit_unit="mg/L")
    old = MonitoredSource.objects.create(
        mn=MN_2005, password=PASSWORD, name="2005 数采仪", region=hangzhou, system="32",
        protocol="2005",
    )  # fmt: skip
    other = MonitoredSource.objects.create(
        mn=OTHER_MN, password="654321", name="宁波排放口", region=ningbo, system="31"
    )
    return {"water": water, "old": old, "other": other}


@pytest.fixture
def server(sources: dict[str, MonitoredSource]) -> Iterator[RunningServer]:
    running = start_server(Settings(idle_timeout=1.5, frame_timeout=1.0, flush_ms=50))
    yield running
    running.shutdown()


@dataclass
class RunningLogger:
    """A simulated logger (:func:`client.run_logger`) connected to a receiver, in a thread."""

    unit: FieldUnit
    loop: asyncio.AbstractEventLoop
    stop: asyncio.Event
    thread: threading.Thread

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(10)


def start_logger(port: int, unit: FieldUnit, *, wait_for_mn: bool = True) -> RunningLogger:
    """Connect ``unit`` to the receiver on ``port``; return once its first packet is stored."""
    ready = threading.Event()
    holder: dict[str, object] = {}

    def run() -> None:
        async def main() -> None:
            holder["loop"] = asyncio.get_running_loop()
            holder["stop"] = stop = asyncio.Event()
            ready.set()
            await client.run_logger("127.0.0.1", port, unit, stop=stop, duration=60)

        asyncio.run(main())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(5)
    running = RunningLogger(unit, holder["loop"], holder["stop"], thread)  # type: ignore[arg-type]
    if wait_for_mn:
        # The receiver holds the MN from the logger's first accepted packet (answered 9014).
        deadline = time.monotonic() + 5
        while not unit.log and time.monotonic() < deadline and not _stored(unit.mn):
            time.sleep(0.05)
    return running


def _stored(mn: str) -> bool:
    from django.db import OperationalError

    from plantrack.monitoring.models import Record

    try:
        return Record.objects.filter(source__mn=mn).exists()
    except OperationalError:  # see ``queue``
        return False


def stored(**filters: Any) -> dict[tuple[str, str], Decimal]:
    """The values of the records matching ``filters`` by (pollutant, kind); a later record
    overwrites an earlier one's value of the same pollutant and kind."""
    from plantrack.monitoring.models import Record

    out = {}
    for record in Record.objects.filter(**filters).order_by("id"):
        for code in record.data:
            out.update({(code, kind): value for kind, value in record.values(code).items()})
    return out


def value_count(**filters: Any) -> int:
    """How many values the records matching ``filters`` hold."""
    from plantrack.monitoring.models import Record

    records = Record.objects.filter(**filters)
    return sum(len(r.values(code)) for r in records for code in r.data)


def queue(*args: Any, **kwargs: Any) -> LoggerCommand:
    """``queue_command`` while a receiver runs."""
    return retried(queue_command, *args, **kwargs)


def retried(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``call`` while a receiver runs. The test database is SQLite in shared-cache memory,
    where a table another connection is writing fails at once ("database table is locked")
    instead of waiting as a database file does; so try again."""
    from django.db import OperationalError

    for _attempt in range(50):
        try:
            return call(*args, **kwargs)
        except OperationalError:
            time.sleep(0.05)
    return call(*args, **kwargs)


@pytest.fixture
def commander(transactional_db: None) -> User:
    """A province administrator (transactional tests start without the demo accounts)."""
    user = User.objects.create_user("commander", password="pw-commander-1")
    Profile.objects.create(user=user, role=Role.PROVINCE_ADMIN)
    return user


@pytest.fixture
def command_server(sources: dict[str, MonitoredSource]) -> Iterator[RunningServer]:
    running = start_server(Settings(flush_ms=50, command_poll=0.05))
    yield running
    running.shutdown()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    browser_tests_last(items, Path(__file__).parent)
