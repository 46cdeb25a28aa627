"""The receiver's database side: the registry of sources and a batched writer thread.

The asyncio loop never touches the database. It hands batches of reading rows, counter deltas
and log events to :class:`Writer`, whose thread writes each batch with one prepared statement
(``executemany``) in one transaction: duplicates are skipped by the unique key
(``ON CONFLICT DO NOTHING``, SQLite ≥ 3.24 and PostgreSQL), counters are added with an upsert.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from django.db import (
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)

from .models import COUNTER_FIELDS, MonitoredSource, Reading, ReceiverCounter, ReceiverEvent

log = logging.getLogger(__name__)

ReadingRow = tuple[Any, ...]
"""(source id, pollutant, time, CN, kind, value, flag, QN, received at)."""
EventRow = tuple[datetime, str, str, int | None, str, str, str]
"""(time, peer, MN, source id, kind, reason, excerpt)."""
CounterKey = tuple[str, str]
"""(MN, ISO day)."""
_COLUMNS: Final = "source_id, pollutant, time, cn, kind, value, flag, qn, received_at"


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """What the receiver checks a packet against."""

    id: int
    password: str
    active: bool


def load_registry() -> dict[str, SourceInfo]:
    """Every registered source by MN."""
    rows = MonitoredSource.objects.values_list("mn", "id", "password", "active")
    return {mn: SourceInfo(pk, password, active) for mn, pk, password, active in rows}


def find_source_off_loop(mn: str) -> SourceInfo | None:
    """One source by MN (one indexed query), for an MN registered since the registry loaded;
    for a worker thread, whose connection is closed afterwards."""
    try:
        row = MonitoredSource.objects.filter(mn=mn).values_list("id", "password", "active")
        found = row.first()
        return None if found is None else SourceInfo(*found)
    finally:
        connection.close()


def load_registry_off_loop() -> dict[str, SourceInfo]:
    """:func:`load_registry` for a worker thread: its connection is closed afterwards, so
    no idle connection per pool thread is left behind."""
    try:
        return load_registry()
    finally:
        connection.close()


def _reading_sql() -> str:
    table = Reading._meta.db_table
    return (
        f"INSERT INTO {table} ({_COLUMNS}) VALUES ({', '.join(['%s'] * 9)}) ON CONFLICT DO NOTHING"
    )


def _counter_sql() -> str:
    table = ReceiverCounter._meta.db_table
    columns = ["mn", "day", "source_id", *COUNTER_FIELDS]
    adds = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in COUNTER_FIELDS)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT (mn, day) DO UPDATE SET {adds}, "
        f"source_id = COALESCE(excluded.source_id, {table}.source_id)"
    )


_STOP: Final = object()
_ATTEMPTS: Final = 5


class Writer:
    """A thread that writes what the receiver hands it, in order, one transaction per item."""

    def __init__(self, *, on_error: Callable[[BaseException], None] | None = None) -> None:
        self._queue: queue.Queue[Any] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="hj212-writer", daemon=True)
        self._on_error = on_error
        self.rows_written = 0
        self.rows_failed = 0
        self.batches = 0
        self.pending_rows = 0
        self._lock = threading.Lock()

    def start(self) -> None:
        self._thread.start()

    def rows(self, rows: list[ReadingRow]) -> None:
        with self._lock:
            self.pending_rows += len(rows)
        self._queue.put(("rows", rows))

    def counters(self, deltas: dict[CounterKey, list[Any]]) -> None:
        self._queue.put(("counters", deltas))

    def events(self, events: list[EventRow]) -> None:
        self._queue.put(("events", events))

    def stop(self) -> None:
        """Write everything queued, then end the thread."""
        self._queue.put(_STOP)
        self._thread.join()

    def _run(self) -> None:
        close_old_connections()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                # WAL lets pages read while the receiver writes; NORMAL syncs at checkpoints.
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
                # 64 MiB of page cache keeps the hot pages of the readings' key in memory.
                cursor.execute("PRAGMA cache_size=-65536")
        reading_sql, counter_sql = _reading_sql(), _counter_sql()
        try:
            while True:
                item = self._queue.get()
                if item is _STOP:
                    return
                kind, payload = item
                self._write_with_retries(kind, payload, reading_sql, counter_sql)
        finally:
            connection.close()

    def _write_with_retries(
        self, kind: str, payload: Any, reading_sql: str, counter_sql: str
    ) -> None:
        # A locked SQLite file (another worker writing) or a dropped PostgreSQL connection is
        # usually over within seconds; a batch is dropped (and logged) only after that.
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                self._write(kind, payload, reading_sql, counter_sql)
                return
            except (OperationalError, InterfaceError) as exc:
                if attempt == _ATTEMPTS:
                    self._failed(kind, payload, exc)
                    return
                log.warning("hj212 writer: %s batch, attempt %d: %s", kind, attempt, exc)
                connection.close()
                time.sleep(0.5 * attempt)
            except Exception as exc:  # a batch that can never be written must not end ingest
                self._failed(kind, payload, exc)
                return

    def _failed(self, kind: str, payload: Any, exc: BaseException) -> None:
        log.error("hj212 writer: %s batch of %d dropped: %s", kind, len(payload), exc)
        if kind == "rows":
            self.rows_failed += len(payload)
            with self._lock:
                self.pending_rows -= len(payload)
        if self._on_error is not None:
            self._on_error(exc)

    def _write(self, kind: str, payload: Any, reading_sql: str, counter_sql: str) -> None:
        if kind == "rows":
            insert_readings(payload, reading_sql)
            self.rows_written += len(payload)
            self.batches += 1
            with self._lock:
                self.pending_rows -= len(payload)
        elif kind == "counters":
            params = [(mn, day, *values) for (mn, day), values in payload.items()]
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(counter_sql, params)
        elif kind == "events":
            ReceiverEvent.objects.bulk_create(
                ReceiverEvent(
                    time=at,
                    peer=peer,
                    mn=mn,
                    source_id=source_id,
                    kind=event_kind,
                    reason=reason[:300],
                    excerpt=excerpt[:300],
                )
                for at, peer, mn, source_id, event_kind, reason, excerpt in payload
            )


def insert_readings(rows: list[ReadingRow], sql: str | None = None) -> None:
    """Insert reading rows in one transaction; rows already stored are skipped.

    SQLite takes one prepared statement for all rows (``executemany``). PostgreSQL would make
    that a round trip per row (~100 µs each), so there the rows are copied (``COPY``) into a
    temporary table and moved with one ``INSERT … SELECT … ON CONFLICT DO NOTHING``.
    """
    if connection.vendor == "postgresql":
        _copy_readings(rows)
        return
    adapt = connection.ops.adapt_datetimefield_value
    times: dict[datetime, Any] = {}

    def at(value: datetime) -> Any:
        adapted = times.get(value)
        if adapted is None:
            adapted = times[value] = adapt(value)
        return adapted

    params = [(r[0], r[1], at(r[2]), *r[3:8], at(r[8])) for r in rows]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql or _reading_sql(), params)


def _copy_readings(rows: list[ReadingRow]) -> None:
    table = Reading._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS hj212_stage (source_id bigint, pollutant text, "
            "time timestamptz, cn text, kind text, value numeric, flag text, qn text, "
            "received_at timestamptz) ON COMMIT DELETE ROWS"
        )
        raw = cursor.cursor  # the psycopg cursor: Django's wrapper has no copy()
        with raw.copy(f"COPY hj212_stage ({_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({_COLUMNS}) SELECT {_COLUMNS} FROM hj212_stage "
            "ON CONFLICT DO NOTHING"
        )
