"""Benchmark: sustained HJ 212 ingest over loopback, every reading persisted.

Goal (issue 8): at least 20,000 packets/s from 1,000 concurrent logger connections, on SQLite
and on PostgreSQL. The receiver runs as ``plantrack hj212 serve`` in its own process(es)
(``--workers N`` uses SO_REUSEPORT); this process registers the loggers, simulates them with
``plantrack.monitoring.client.simulate`` (minute data 2051, four pollutants, 12 readings a
packet, Flag=5 so every packet is answered with 9014), and polls the database until every
reading is stored. Bounded: ``--loggers`` x ``--frames`` packets and ``--timeout`` seconds.

Each packet is stored as one record (``monitoring.models.Record``) holding its 12 values; the
benchmark counts records while it polls and, once done, every value in them.

It also times the two halves of the receiver's work on their own, in this process: parsing the
packets into record rows (``core.hj212.parse`` + ``record_rows``) and writing them
(``insert_records``).

Run ``.venv/bin/python benchmarks/hj212_ingest.py`` (SQLite) or
``PLANTRACK_PG_PORT=54335 scripts/with-postgres .venv/bin/python benchmarks/hj212_ingest.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
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
from plantrack.monitoring.ingest import record_rows
from plantrack.monitoring.models import MonitoredSource, Record
from plantrack.monitoring.receiver import event_loop_factory
from plantrack.monitoring.store import insert_records
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


def start_server(port: int, workers: int, loop: str) -> subprocess.Popen[bytes]:
    plantrack = Path(sys.executable).with_name("plantrack")
    server = subprocess.Popen(
        [str(plantrack), "hj212", "serve", "--port", str(port), "--workers", str(workers),
         "--loop", loop],
        env=os.environ.copy(),
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the receiver did not start")


def count_records() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {Record._meta.db_table}")
        return int(cursor.fetchone()[0])


def last_record_id() -> int:
    """The newest record's id: a cheap poll (COUNT(*) reads the whole table on SQLite, which
    would take CPU from the receiver); COUNT(*) confirms at the end."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {Record._meta.db_table}")
        return int(cursor.fetchone()[0])


def count_values() -> int:
    """Every value stored, read back from the records (after the clock has stopped)."""
    records = Record.objects.values_list("data", flat=True).iterator(5000)
    return sum(len(entry) - ("Flag" in entry) for data in records for entry in data.values())


def halves(packets: int) -> tuple[float, float]:
    """µs per packet to parse it into its record row, and to write that row, in this process."""
    frames = [minute_frame(logger_mn("9999", i % 50), 100_000 + i) for i in range(packets)]
    source = MonitoredSource.objects.first()
    assert source is not None
    received = datetime.now(UTC)
    started = time.process_time()
    rows = []
    for frame in frames:
        rows += record_rows(parse(frame), source.pk, received)[0]
    parse_us = (time.process_time() - started) / packets * 1e6
    started = time.perf_counter()
    for i in range(0, len(rows), 1000):
        insert_records(rows[i : i + 1000])
    write_us = (time.perf_counter() - started) / packets * 1e6
    return parse_us, write_us


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--loggers", type=int, default=1000)
    options.add_argument("--frames", type=int, default=300, help="packets per logger")
    options.add_argument("--workers", type=int, default=3,
                         help="receiver processes (3 did best on 2 cores)")  # fmt: skip
    options.add_argument("--timeout", type=float, default=120.0)
    options.add_argument("--loop", choices=["auto", "uvloop", "asyncio"], default="auto",
                         help="event loop of the receiver and of the simulated loggers")  # fmt: skip
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
    server = start_server(port, args.workers, args.loop)
    before = count_records()
    try:
        with asyncio.Runner(loop_factory=event_loop_factory(args.loop)) as runner:
            result = runner.run(
                simulate("127.0.0.1", port, args.loggers, frames_per_logger=args.frames,
                         duration=args.timeout, prefix=PREFIX)
            )  # fmt: skip
        sent_at = time.perf_counter()
        # The clock starts when the loggers connect: simulate() builds its frames first.
        started = sent_at - result.seconds
        expected = before + result.sent
        while last_record_id() < expected and time.perf_counter() - sent_at < args.timeout:
            time.sleep(0.05)
        stored = count_records()
        while stored < expected and time.perf_counter() - sent_at < args.timeout:
            time.sleep(0.05)
            stored = count_records()
        stored_at = time.perf_counter()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(60)
    server_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"CPU: simulated loggers {result.cpu_seconds:.1f} s while sending; receiver (all processes, with their start "
        f"and the database's own work on SQLite) {server_cpu.ru_utime:.1f} s user + {server_cpu.ru_stime:.1f} s system"
    )
    print(
        f"Loggers: {result.connections} connected ({result.failed_connections} failed), "
        f"{result.sent:,} packets sent, {result.answers:,} answered (9014)"
    )
    print(
        f"Answered: {result.answers / (sent_at - started):,.0f} packets/s over {sent_at - started:.1f} s"
    )
    persisted = stored - before
    values = count_values()
    rate = persisted / (stored_at - started)
    print(f"Persisted: {persisted:,} packets ({values:,} readings in all) in "
          f"{stored_at - started:.1f} s = {rate:,.0f} packets/s")  # fmt: skip
    parse_us, write_us = halves(3000)
    print(f"In this process: parse + rows {parse_us:.1f} µs/packet, "
          f"write its record {write_us:.1f} µs/packet")  # fmt: skip
    complete = stored >= expected and values >= result.sent * 12
    print(
        f"Goal >= {GOAL:,} packets/s, all persisted: {'met' if complete and rate >= GOAL else 'missed'}"
    )
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
