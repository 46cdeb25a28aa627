"""Benchmark: sustained HJ 212 ingest over loopback, every reading persisted.

Goal (issue 8): at least 20,000 packets/s from 1,000 concurrent logger connections, on SQLite
and on PostgreSQL. The receiver runs as ``plantrack hj212 serve`` in its own process(es)
(``--workers N`` uses SO_REUSEPORT); this process registers the loggers, simulates them with
``plantrack.monitoring.client.simulate`` (minute data 2051, four pollutants, 12 readings a
packet, Flag=5 so every packet is answered with 9014), and polls the database until every
reading is stored. Bounded: ``--loggers`` x ``--frames`` packets and ``--timeout`` seconds.

It also times the two halves of the receiver's work on their own, in this process: parsing the
packets (``core.hj212.parse`` + ``rows_of``) and writing their rows (``insert_readings``).

Run ``.venv/bin/python benchmarks/hj212_ingest.py`` (SQLite) or
``PLANTRACK_PG_PORT=54335 scripts/with-postgres .venv/bin/python benchmarks/hj212_ingest.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import _django  # noqa: F401  (Django set-up on a throwaway database)
from django.core.management import call_command
from django.db import connection

from plantrack.core.hj212 import parse
from plantrack.monitoring.client import logger_mn, minute_frame, simulate
from plantrack.monitoring.ingest import rows_of
from plantrack.monitoring.models import MonitoredSource, Reading
from plantrack.monitoring.store import insert_readings
from plantrack.regions.loader import load_regions
from plantrack.regions.models import Region

GOAL = 20_000
PREFIX = "3301000000"
ROOT = Path(__file__).resolve().parents[1]


def register(loggers: int) -> None:
    region = Region.objects.get(code="330100")
    MonitoredSource.objects.bulk_create(
        [
            MonitoredSource(
                mn=logger_mn(PREFIX, i), password="123456", name=f"基准 {i}", region=region,
                system="31",
            )
            for i in range(loggers)
        ],
        ignore_conflicts=True,
    )  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    plantrack = Path(sys.executable).with_name("plantrack")
    server = subprocess.Popen(
        [str(plantrack), "hj212", "serve", "--port", str(port), "--workers", str(workers)],
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the receiver did not start")


def count_readings() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {Reading._meta.db_table}")
        return int(cursor.fetchone()[0])


def halves(packets: int) -> tuple[float, float]:
    """µs per packet to parse it into rows, and to write its rows, in this process."""
    frames = [minute_frame(logger_mn("9999", i % 50), 100_000 + i) for i in range(packets)]
    source = MonitoredSource.objects.first()
    assert source is not None
    received = datetime.now(UTC)
    started = time.process_time()
    rows = []
    for frame in frames:
        packet = parse(frame)
        rows.extend(
            (source.pk, code, at, cn, kind, value, flag, packet.qn or "", received)
            for code, at, cn, kind, value, flag in rows_of(packet)
        )
    parse_us = (time.process_time() - started) / packets * 1e6
    started = time.perf_counter()
    for i in range(0, len(rows), 5000):
        insert_readings(rows[i : i + 5000])
    write_us = (time.perf_counter() - started) / packets * 1e6
    return parse_us, write_us


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--loggers", type=int, default=1000)
    options.add_argument("--frames", type=int, default=30, help="packets per logger")
    options.add_argument("--workers", type=int, default=1, help="receiver processes")
    options.add_argument("--timeout", type=float, default=120.0)
    options.add_argument("--quick", action="store_true", help="100 loggers x 10 packets")
    args = options.parse_args()
    if args.quick:
        args.loggers, args.frames = 100, 10
    call_command("migrate", verbosity=0)
    load_regions()
    register(args.loggers)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
    print(
        f"Database: {connection.vendor} {connection.Database.sqlite_version if connection.vendor == 'sqlite' else connection.pg_version}"
    )
    port = free_port()
    server = start_server(port, args.workers)
    before = count_readings()
    try:
        started = time.perf_counter()
        result = asyncio.run(
            simulate("127.0.0.1", port, args.loggers, frames_per_logger=args.frames,
                     duration=args.timeout, prefix=PREFIX)
        )  # fmt: skip
        sent_at = time.perf_counter()
        expected = before + result.sent * 12
        stored = count_readings()
        while stored < expected and time.perf_counter() - started < args.timeout:
            time.sleep(0.2)
            stored = count_readings()
        stored_at = time.perf_counter()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(60)
    print(
        f"Loggers: {result.connections} connected ({result.failed_connections} failed), "
        f"{result.sent:,} packets sent, {result.answers:,} answered (9014)"
    )
    print(
        f"Answered: {result.answers / (sent_at - started):,.0f} packets/s over {sent_at - started:.1f} s"
    )
    persisted = (stored - before) // 12
    rate = persisted / (stored_at - started)
    print(f"Persisted: {persisted:,} packets ({stored - before:,} readings) in "
          f"{stored_at - started:.1f} s = {rate:,.0f} packets/s")  # fmt: skip
    parse_us, write_us = halves(3000)
    print(f"In this process: parse + rows {parse_us:.1f} µs/packet, "
          f"write 12 rows {write_us:.1f} µs/packet")  # fmt: skip
    complete = stored >= expected
    print(
        f"Goal >= {GOAL:,} packets/s, all persisted: {'met' if complete and rate >= GOAL else 'missed'}"
    )
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
