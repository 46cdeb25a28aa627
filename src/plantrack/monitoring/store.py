"""The receiver's database side: the registry of sources and a batched writer thread.

The asyncio loop never touches the database. It hands batches of record rows, counter deltas
and log events to :class:`Writer`, whose thread writes each batch in one transaction: a record
whose (source, time, CN) is already stored is merged into it, adding only the pollutants and
kinds not yet stored (``ON CONFLICT … DO UPDATE``, SQLite ≥ 3.24 and PostgreSQL); counters are
added with an upsert.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from django.db import (
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.utils import timezone

from .ingest import RecordRow
from .models import (
    COUNTER_FIELDS,
    ExactDecoder,
    MonitoredSource,
    ReceiverCounter,
    ReceiverEvent,
    Record,
    check_finite,
    dumps_data,
)

log = logging.getLogger(__name__)

EventRow = tuple[datetime, str, str, int | None, str, str, str]
"""(time, peer, MN, source id, kind, reason, excerpt)."""
CounterKey = tuple[str, str]
"""(MN, ISO day)."""
_COLUMNS: Final = "source_id, time, cn, qn, received_at, data"


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


def _record_sql() -> str:
    """The SQLite upsert: ``json_patch(new, stored)`` keeps every stored member and adds the
    new ones (RFC 7396 merge, the stored side as the patch)."""
    table = Record._meta.db_table
    return (
        f"INSERT INTO {table} ({_COLUMNS}) VALUES ({', '.join(['%s'] * 6)}) "
        f"ON CONFLICT (source_id, time, cn) DO UPDATE SET data = json_patch(excluded.data, "
        f"{table}.data)"
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
_MAX_ROWS: Final = 20_000


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

    def rows(self, rows: list[RecordRow]) -> None:
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
        record_sql, counter_sql = _record_sql(), _counter_sql()
        following: Any = None
        try:
            while True:
                item, following = following or self._queue.get(), None
                if item is _STOP:
                    return
                kind, payload = item
                if kind == "rows":
                    payload, following = self._more_rows(payload)
                self._write_with_retries(kind, payload, record_sql, counter_sql)
        finally:
            connection.close()

    def _more_rows(self, rows: list[RecordRow]) -> tuple[list[RecordRow], Any]:
        """``rows`` and the rows queued right behind them, up to ``_MAX_ROWS``, and the next
        item if it is not rows. A writer that fell behind catches up in fewer, larger
        transactions: each takes the database's write lock once, which several receiver
        processes on one SQLite file otherwise queue for."""
        rows = list(rows)
        while len(rows) < _MAX_ROWS:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return rows, None
            if item is _STOP or item[0] != "rows":
                return rows, item
            rows += item[1]
        return rows, None

    def _write_with_retries(
        self, kind: str, payload: Any, record_sql: str, counter_sql: str
    ) -> None:
        # A locked SQLite file (another worker writing) or a dropped PostgreSQL connection is
        # usually over within seconds; a batch is dropped (and logged) only after that.
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                self._write(kind, payload, record_sql, counter_sql)
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

    def _write(self, kind: str, payload: Any, record_sql: str, counter_sql: str) -> None:
        if kind == "rows":
            insert_records(payload, record_sql)
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


def insert_records(rows: list[RecordRow], sql: str | None = None) -> None:
    """Insert record rows in one transaction, merging each into a stored one of the same
    (source, time, CN).

    SQLite takes one prepared statement for all rows (``executemany``). PostgreSQL would make
    that a round trip per row (~100 µs each), so there the rows are copied (``COPY``) into a
    temporary table and moved with one ``INSERT … SELECT … ON CONFLICT``, which may not meet
    one key twice: rows of one key are merged here first, on both databases alike.
    """
    rows = merge_rows(rows)
    if connection.vendor == "postgresql":
        _copy_records(rows)
        return
    adapt = connection.ops.adapt_datetimefield_value
    times: dict[datetime, Any] = {}

    def at(value: datetime) -> Any:
        adapted = times.get(value)
        if adapted is None:
            adapted = times[value] = adapt(value)
        return adapted

    params = [(r[0], at(r[1]), r[2], r[3], at(r[4]), r[5]) for r in rows]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql or _record_sql(), params)


def store_values(
    source_id: int,
    cn: str,
    values: Iterable[tuple[datetime, str, str, Decimal, str]],
    *,
    qn: str = "",
    received: datetime | None = None,
) -> None:
    """Store values given one by one as (time, pollutant, kind, value, flag), grouped into
    one record per time as an upload is: for imports and fixtures."""
    data: dict[datetime, dict[str, dict[str, Decimal | str]]] = {}
    for at, pollutant, kind, value, flag in values:
        entry = data.setdefault(at, {}).setdefault(pollutant, {})
        entry[kind] = value
        if flag:
            entry["Flag"] = flag
    for at_time in data.values():
        check_finite(at_time)
    received = received or timezone.now()
    insert_records([(source_id, at, cn, qn, received, dumps_data(d)) for at, d in data.items()])


def merge_rows(rows: list[RecordRow]) -> list[RecordRow]:
    """``rows`` with the rows of one (source, time, CN) merged into the first of them: its
    pollutants and kinds are kept, the later rows add only what it lacks."""
    by_key: dict[tuple[Any, ...], RecordRow] = {}
    for row in rows:
        key = row[:3]
        kept = by_key.get(key)
        if kept is None:
            by_key[key] = row
        else:
            by_key[key] = (*kept[:5], dumps_data(_merge(_loads(row[5]), _loads(kept[5]))))
    return rows if len(by_key) == len(rows) else list(by_key.values())


def _loads(text: str) -> dict[str, dict[str, Any]]:
    return ExactDecoder().decode(text)


def _merge(base: dict[str, dict[str, Any]], kept: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``base`` with ``kept``'s members over it, pollutant by pollutant."""
    return {code: {**base.get(code, {}), **kept.get(code, {})} for code in {**base, **kept}}


_PG_MERGE: Final = (
    "(SELECT jsonb_object_agg(code, COALESCE(excluded.data -> code, '{{}}') || "
    "COALESCE({table}.data -> code, '{{}}')) FROM jsonb_object_keys(excluded.data || "
    "{table}.data) AS code)"
)


def _copy_records(rows: list[RecordRow]) -> None:
    table = Record._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor: Django's wrapper has no copy()
        if _copied_straight(raw, table, rows):
            return
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS hj212_stage (source_id bigint, time timestamptz, "
            "cn text, qn text, received_at timestamptz, data jsonb) ON COMMIT DELETE ROWS"
        )
        with raw.copy(f"COPY hj212_stage ({_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        # The stored record's members win, pollutant by pollutant, as with SQLite's json_patch.
        cursor.execute(
            f"INSERT INTO {table} ({_COLUMNS}) SELECT {_COLUMNS} FROM hj212_stage "
            f"ON CONFLICT (source_id, time, cn) DO UPDATE SET data = "
            + _PG_MERGE.format(table=table)
        )
        # Emptied at commit too, but a caller's outer transaction (a test, an import) may hold
        # several batches: a row staged twice would make the upsert meet its key twice.
        cursor.execute("DELETE FROM hj212_stage")


def _copied_straight(raw: Any, table: str, rows: list[RecordRow]) -> bool:
    """``COPY`` the rows into the table itself, in a savepoint: the usual batch holds no
    stored key (the receiver drops repeated QNs), and this writes each row once instead of
    twice (stage, then table), which is about half of PostgreSQL's work. False, and nothing
    written, when a key is stored already: the caller then merges through the stage."""
    from psycopg.errors import UniqueViolation

    try:
        with transaction.atomic(), raw.copy(f"COPY {table} ({_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    except UniqueViolation:
        return False
    return True
