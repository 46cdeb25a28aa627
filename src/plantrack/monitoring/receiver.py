"""The HJ 212 receiver: an asyncio TCP server for data loggers (HJ 212-2017, HJ/T 212-2005).

Each connection cuts frames with :class:`~plantrack.core.hj212.StreamDecoder` (resync at the
next ``##``, bounded buffer), parses them, checks MN and password against the registry, answers
what the Flag asks (9014 for uploads, 9013 for notices: :func:`~plantrack.core.hj212.respond`,
one answer per part of a split packet), joins split packets, and queues a record (one row of
every pollutant's values) per data upload. Rows, counters and log events are flushed every ``flush_ms`` (or ``batch_rows`` rows)
to the :class:`~plantrack.monitoring.store.Writer` thread. Nothing a peer sends can stop the
server: every error is counted for the MN it can be attributed to and logged (at most
``events_per_minute`` log rows per connection and kind; the counters count all).

Declared rules beyond the parser's :class:`~plantrack.core.hj212.Rules`:
- refused packets (unknown or inactive MN, wrong password, malformed) get no answer: an
  answer would tell the logger its data was received;
- a packet whose QN was already received from the same source (the last 4,096 QNs per
  source) is answered again but not stored again; the database key stores each
  (source, DataTime, CN) once, also across restarts, and a later upload of the same key adds
  only the pollutants and kinds not yet stored;
- a packet from an MN not in the registry (loaded at start, refreshed every 30 s) is looked
  up in the database (in a thread; that connection's later frames wait, in order), so a
  source registered meanwhile is accepted with its first packet;
- a connection silent for ``idle_timeout`` seconds, or holding an unfinished frame for
  ``frame_timeout`` seconds (a slow or half-open peer), is closed and logged.

Host commands (上位机 → 现场机, HJ 212-2017 §6.1): every ``command_poll`` seconds the receiver
hands the changes of its commands in flight to its command store (in one thread of its own)
and claims the queued commands of the MNs whose connections it holds (an MN is held from its
first accepted packet on a connection). It writes each request, matches the logger's 9011,
data and 9012 by (MN, QN) (:class:`~plantrack.monitoring.dispatch.Inflight`), resends an
unanswered request after ``timeout`` seconds up to ``retries`` times, and times it out.
Data sent in answer to a request is stored like any upload, but not refused as a repeated QN:
every packet of a history answer carries the request's QN.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import socket
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Protocol, cast

from plantrack.core.hj212 import (
    BEIJING,
    DEFAULT_RULES,
    DeviationRefused,
    FrameError,
    Packet,
    Reassembler,
    Rules,
    StreamDecoder,
    parse,
    respond,
)

from .dispatch import Change, Claimed, Inflight
from .ingest import STORED_COMMANDS, NoDataTime, RecordRow, record_rows
from .models import COUNTER_FIELDS, CommandStatus, EventKind
from .store import CounterKey, EventRow, SourceInfo, Writer

log = logging.getLogger(__name__)

_FIELD_INDEX: Final = {name: i + 1 for i, name in enumerate(COUNTER_FIELDS)}
# FrameError codes → (counter, log kind).
_ERRORS: Final = {
    "crc": ("bad_crc", EventKind.CRC),
    "length": ("bad_length", EventKind.LENGTH),
    "crlf": ("bad_length", EventKind.LENGTH),
    "oversize": ("oversized", EventKind.OVERSIZE),
    "garbage": ("malformed", EventKind.GARBAGE),
}
_MN: Final = re.compile(rb"MN=([0-9A-Za-z]{1,32})[;&]")
_RECENT_QNS: Final = 4096
# Control bytes are shown escaped (PostgreSQL text cannot hold NUL; CR LF would break lines).
_CONTROL: Final = {c: f"\\x{c:02x}" for c in [*range(32), 127]} | {13: "\\r", 10: "\\n"}


@dataclass
class Settings:
    """Limits and batching of one receiver."""

    idle_timeout: float = 300.0
    frame_timeout: float = 60.0
    max_buffer: int = 8 * 1036
    batch_rows: int = 1000
    flush_ms: int = 200
    max_pending_rows: int = 50_000
    events_per_minute: int = 20
    registry_refresh: float = 30.0
    unknown_retry: float = 10.0
    command_poll: float = 1.0
    rules: Rules = DEFAULT_RULES


class CommandSync(Protocol):
    """The database side of host commands (:class:`~.command_store.CommandStore`)."""

    worker: str

    def sync(
        self, changes: list[Change], held: Collection[str], waiting: Collection[int] = ()
    ) -> list[Claimed]: ...

    def close(self) -> None: ...


def excerpt(data: bytes, limit: int = 120) -> str:
    """The first bytes of ``data`` as text, non-printable bytes escaped."""
    text = data[:limit].decode("ascii", "backslashreplace").translate(_CONTROL)
    return text + ("…" if len(data) > limit else "")


class Receiver:
    """The server state shared by all connections (one event loop, one writer)."""

    def __init__(
        self,
        registry: dict[str, SourceInfo],
        writer: Writer,
        settings: Settings | None = None,
        *,
        load_registry: Callable[[], dict[str, SourceInfo]] | None = None,
        find_source: Callable[[str], SourceInfo | None] | None = None,
        commands: CommandSync | None = None,
    ) -> None:
        self.registry = registry
        self.writer = writer
        self.settings = settings or Settings()
        self._load_registry = load_registry
        self._find_source = find_source
        self.unknown: dict[str, float] = {}
        self.tasks: set[asyncio.Task[None]] = set()
        self.connections: set[Connection] = set()
        self.rows: list[RecordRow] = []
        self.counters: dict[CounterKey, list[Any]] = {}
        self.events: list[EventRow] = []
        self.recent: dict[int, OrderedDict[str, None]] = {}
        self.packets = 0
        self.paused = False
        self.day = datetime.now(BEIJING).date().isoformat()
        self._server: asyncio.Server | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._refreshing = False
        self._last_refresh = time.monotonic()
        # Host commands: the connection holding each MN, commands in flight by (MN, QN), and
        # the changes not yet written. One thread does their database work, in order.
        self.commands = commands
        self.by_mn: dict[str, Connection] = {}
        self.inflight: dict[tuple[str, str], Inflight] = {}
        self.changes: list[Change] = []
        self._command_thread = (
            ThreadPoolExecutor(1, thread_name_prefix="hj212-commands") if commands else None
        )
        self._syncing: asyncio.Task[None] | None = None

    # -- serving --------------------------------------------------------------------------

    async def start(self, host: str, port: int, *, reuse_port: bool = False) -> int:
        """Listen; return the port (useful with port 0)."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: Connection(self), host, port, reuse_port=reuse_port or None, backlog=4096
        )
        self._ticker = asyncio.create_task(self._tick())
        sock: socket.socket = self._server.sockets[0]
        return int(sock.getsockname()[1])

    async def stop(self) -> None:
        """Stop listening, close every connection, flush everything to the writer."""
        if self._server is not None:
            self._server.close()
        for conn in list(self.connections):
            conn.transport.close()
        if self._ticker is not None:
            self._ticker.cancel()
        await asyncio.sleep(0)
        self.flush(everything=True)
        await self._stop_commands()

    async def _tick(self) -> None:
        step = min(self.settings.flush_ms / 1000, self.settings.command_poll)
        last_slow = last_minute = last_poll = time.monotonic()
        while True:
            await asyncio.sleep(step)
            self.flush()
            now = time.monotonic()
            if self.commands is not None and now - last_poll >= self.settings.command_poll:
                last_poll = now
                self._commands_due(now)
                self._start_sync()
            if now - last_slow >= 1.0:
                last_slow = now
                self.day = datetime.now(BEIJING).date().isoformat()
                self._sweep(now)
                self.flush(everything=True)
                if now - last_minute >= 60:
                    last_minute = now
                    for conn in self.connections:
                        conn.logged.clear()  # the log limit is per connection, kind and minute
                await self._refresh(now)
            self._backpressure()

    def flush(self, *, everything: bool = False) -> None:
        """Hand queued rows (and, with ``everything``, counters and events) to the writer."""
        if self.rows:
            rows, self.rows = self.rows, []
            self.writer.rows(rows)
        if everything:
            if self.counters:
                counters, self.counters = self.counters, {}
                self.writer.counters(counters)
            if self.events:
                events, self.events = self.events, []
                self.writer.events(events)

    def _sweep(self, now: float) -> None:
        settings = self.settings
        for conn in list(self.connections):
            if now - conn.last_data > settings.idle_timeout:
                conn.drop("idle", f"no data for {settings.idle_timeout:g} s")
            elif conn.decoder.buffered and now - conn.last_frame > settings.frame_timeout:
                conn.drop(
                    "idle",
                    f"{conn.decoder.buffered} bytes of an unfinished frame for "
                    f"{settings.frame_timeout:g} s",
                )
            else:
                conn.reassembler.expire(now)

    async def _refresh(self, now: float) -> None:
        if self._load_registry is None or self._refreshing:
            return
        if now - self._last_refresh < self.settings.registry_refresh:
            return
        self._refreshing = True
        try:
            self.registry = await asyncio.to_thread(self._load_registry)
        except Exception:
            log.exception("hj212: registry refresh failed; keeping the previous one")
        finally:
            self._refreshing = False
            self._last_refresh = time.monotonic()

    def _backpressure(self) -> None:
        # Stop reading sockets while the writer is behind, so memory stays bounded; loggers
        # wait in their TCP buffers instead.
        pending = self.writer.pending_rows + len(self.rows)
        if not self.paused and pending > self.settings.max_pending_rows:
            self.paused = True
            for conn in self.connections:
                conn.transport.pause_reading()
        elif self.paused and pending < self.settings.max_pending_rows // 2:
            self.paused = False
            for conn in self.connections:
                conn.transport.resume_reading()

    # -- counting and logging -------------------------------------------------------------

    def count(self, mn: str, field: str, source_id: int | None, n: int = 1) -> None:
        key = (mn, self.day)
        entry = self.counters.get(key)
        if entry is None:
            entry = self.counters[key] = [source_id, *([0] * len(COUNTER_FIELDS))]
        elif source_id is not None:
            entry[0] = source_id
        entry[_FIELD_INDEX[field]] += n

    def log(self, conn: Connection, kind: str, mn: str, reason: str, data: bytes = b"") -> None:
        seen = conn.logged.get(kind, 0)
        conn.logged[kind] = seen + 1
        if seen >= self.settings.events_per_minute:
            return
        info = self.registry.get(mn) if mn else None
        self.events.append(
            (
                datetime.now(UTC),
                conn.peer,
                mn,
                info.id if info else None,
                kind,
                reason,
                excerpt(data),
            )
        )

    # -- frames ---------------------------------------------------------------------------

    def reject(self, conn: Connection, error: FrameError, data: bytes = b"") -> None:
        """Count and log a frame (or stretch of bytes) the parser refused."""
        found = _MN.search(data) if data else None
        mn = found.group(1).decode() if found else ""
        if mn not in self.registry:
            mn = conn.mn  # unattributable bytes count for the connection's logger
        info = self.registry.get(mn)
        if isinstance(error, DeviationRefused):
            field, kind = "malformed", EventKind.REFUSED
        else:
            field, kind = _ERRORS.get(error.code, ("malformed", EventKind.MALFORMED))
        self.count(mn, field, info.id if info else None)
        self.log(conn, kind, mn, f"{error.code}: {error}", data)

    def frame(self, conn: Connection, frame: bytes) -> None:
        """Handle one complete frame."""
        self.packets += 1
        try:
            packet = self._parse(frame)
        except FrameError as error:
            self.reject(conn, error, frame)
            return
        mn = packet.mn
        info = self.registry.get(mn)
        if info is None and self.lookup_due(mn):
            conn.hold(frame, self.lookup(mn))
            return
        if info is None or not info.active:
            self.count(mn, "unknown_mn", None)
            kind, why = (
                (EventKind.UNKNOWN_MN, "MN not registered")
                if info is None
                else (EventKind.INACTIVE, "source is not active")
            )
            self.log(conn, kind, mn, why, frame)
            return
        pw = packet.pw
        if pw is None or not hmac.compare_digest(pw.encode(), info.password.encode()):
            self.count(mn, "wrong_password", info.id)
            self.log(conn, EventKind.WRONG_PASSWORD, mn, f"PW {pw!r} does not match", frame)
            return
        conn.mn = mn
        if self.by_mn.get(mn) is not conn:
            self.by_mn[mn] = conn  # the newest connection of an MN is where commands go
        if packet.deviations:
            self.count(mn, "deviations", info.id)
            detail = "; ".join(f"{d.kind} {d.field}: {d.detail}" for d in packet.deviations)
            self.log(conn, EventKind.DEVIATION, mn, detail, frame)
        answer = respond(packet)
        if answer is not None:
            conn.outbox.append(answer)
        try:
            whole = conn.reassembler.add(packet)
        except DeviationRefused as error:
            self.reject(conn, error, frame)
            return
        if whole is not None:
            self._accept(conn, whole, info, frame)

    def lookup_due(self, mn: str) -> bool:
        """Whether to look ``mn`` up in the database: it may have been registered since the
        registry loaded. An MN is looked up at most once per ``unknown_retry`` seconds, so a
        flood of unknown MNs cannot turn into a flood of queries."""
        if self._find_source is None or not mn:
            return False
        now = time.monotonic()
        if now - self.unknown.get(mn, -1e9) < self.settings.unknown_retry:
            return False
        if len(self.unknown) > 100_000:
            self.unknown.clear()
        self.unknown[mn] = now
        return True

    async def lookup(self, mn: str) -> None:
        assert self._find_source is not None
        try:
            info = await asyncio.to_thread(self._find_source, mn)
        except Exception:
            log.exception("hj212: looking up MN %s failed", mn)
            return
        if info is not None:
            self.registry[mn] = info

    def _parse(self, frame: bytes) -> Packet:
        return parse(frame, self.settings.rules)

    def _accept(self, conn: Connection, packet: Packet, info: SourceInfo, frame: bytes) -> None:
        mn = packet.mn
        if self.inflight and packet.qn:
            flight = self.inflight.get((mn, packet.qn))
            if flight is not None:
                self._command_reply(conn, flight, packet, info, frame)
                return
        if packet.cn not in STORED_COMMANDS:
            self.count(mn, "frames_ok", info.id)
            return
        qn = packet.qn
        if qn:
            recent = self.recent.get(info.id)
            if recent is None:
                recent = self.recent[info.id] = OrderedDict()
            if qn in recent:
                self.count(mn, "duplicates", info.id)
                return
            recent[qn] = None
            if len(recent) > _RECENT_QNS:
                recent.popitem(last=False)
        try:
            rows, values = record_rows(packet, info.id, datetime.now(UTC))
        except NoDataTime as error:
            self.count(mn, "malformed", info.id)
            self.log(conn, EventKind.MALFORMED, mn, str(error), frame)
            return
        self._store(rows, values, mn, info)

    def _store(self, rows: list[RecordRow], values: int, mn: str, info: SourceInfo) -> None:
        self.rows += rows
        self.count(mn, "frames_ok", info.id)
        self.count(mn, "readings", info.id, values)
        if len(self.rows) >= self.settings.batch_rows:
            self.flush()

    # -- host commands --------------------------------------------------------------------

    def _command_reply(
        self, conn: Connection, flight: Inflight, packet: Packet, info: SourceInfo, frame: bytes
    ) -> None:
        """A packet under the QN of a command in flight: its answer, or data it asked for."""
        mn = packet.mn
        change = flight.answer(packet, time.monotonic(), datetime.now(UTC))
        if packet.cn in STORED_COMMANDS and packet.cn == flight.spec.reply_cn:
            try:
                rows, values = record_rows(packet, info.id, datetime.now(UTC))
            except NoDataTime as error:
                self.count(mn, "malformed", info.id)
                self.log(conn, EventKind.MALFORMED, mn, str(error), frame)
            else:
                self._store(rows, values, mn, info)
        else:
            self.count(mn, "frames_ok", info.id)
        if change is not None:
            self._record(flight, change)
            if change.new_password:
                # The logger's next packets carry the new password (1072).
                self.registry[mn] = SourceInfo(info.id, change.new_password, info.active)

    def _record(self, flight: Inflight, change: Change) -> None:
        self.changes.append(change)
        if change.final:
            self.inflight.pop(flight.key, None)

    def _commands_due(self, now: float) -> None:
        at = datetime.now(UTC)
        for flight in list(self.inflight.values()):
            if flight.conn.transport.is_closing():
                self._lost(flight, at, "连接已断开")
                continue
            change = flight.due(now, at)
            if change is not None:
                self._record(flight, change)

    def _lost(self, flight: Inflight, at: datetime, why: str) -> None:
        flight.state = CommandStatus.NOT_CONNECTED
        change = Change(
            flight.claimed.id, CommandStatus.NOT_CONNECTED, at, why, qn_rtn=flight.qn_rtn,
            returned=flight.returned, final=True,
        )  # fmt: skip
        self._record(flight, change)

    def _start_sync(self) -> None:
        if self._syncing is None or self._syncing.done():
            self._syncing = asyncio.get_running_loop().create_task(self._sync())

    async def _sync(self) -> None:
        """Write the changes, claim the commands of the MNs held here, send them."""
        assert self.commands is not None
        changes, self.changes = self.changes, []
        held = [mn for mn, conn in self.by_mn.items() if not conn.transport.is_closing()]
        waiting = [flight.claimed.id for flight in self.inflight.values()]
        loop = asyncio.get_running_loop()
        try:
            claimed = await loop.run_in_executor(
                self._command_thread, self.commands.sync, changes, held, waiting
            )
        except Exception:
            log.exception("hj212: command sync failed; retrying at the next tick")
            self.changes[:0] = changes  # changes are idempotent: written again next time
            return
        for command in claimed:
            self._send(command)

    def _send(self, command: Claimed) -> None:
        conn = self.by_mn.get(command.mn)
        flight = Inflight(command, conn, time.monotonic() + command.timeout)
        if conn is None or conn.transport.is_closing():
            self._lost(flight, datetime.now(UTC), "发送前连接已断开")
            return
        self.inflight[flight.key] = flight
        conn.transport.write(command.frame)

    async def _stop_commands(self) -> None:
        """Commands still in flight end as not connected; the last changes are written."""
        if self.commands is None or self._command_thread is None:
            return
        if self._syncing is not None:
            await asyncio.gather(self._syncing, return_exceptions=True)
        at = datetime.now(UTC)
        for flight in list(self.inflight.values()):
            self._lost(flight, at, "接收服务已停止")
        changes, self.changes = self.changes, []
        loop = asyncio.get_running_loop()
        for _attempt in range(10):  # a busy database delays the last writes a little
            try:
                await loop.run_in_executor(self._command_thread, self.commands.sync, changes, [])
            except Exception:
                log.exception("hj212: writing the last command changes failed")
                break
            changes = []
            if not getattr(self.commands, "unwritten", None):
                break
            await asyncio.sleep(0.2)
        await loop.run_in_executor(self._command_thread, self.commands.close)
        self._command_thread.shutdown()


class Connection(asyncio.Protocol):
    """One data logger's TCP connection."""

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver
        settings = receiver.settings
        self.decoder = StreamDecoder(max_buffer=settings.max_buffer)
        self.reassembler = Reassembler(
            max_pending=64, max_parts=2048, timeout=settings.frame_timeout * 5,
            rules=settings.rules, on_evict=self._evicted,
        )  # fmt: skip
        self.mn = ""
        self.peer = "?"
        self.logged: dict[str, int] = {}
        self.outbox: list[bytes] = []
        self.held: list[tuple[bytes | FrameError, bytes]] | None = None
        self.last_data = self.last_frame = time.monotonic()
        self.transport: asyncio.Transport

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self.transport = cast(asyncio.Transport, transport)
        peer = transport.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if peer else "?"
        self.receiver.connections.add(self)
        if self.receiver.paused:
            self.transport.pause_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        receiver = self.receiver
        receiver.connections.discard(self)
        if receiver.by_mn.get(self.mn) is self:
            del receiver.by_mn[self.mn]

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        self.last_data = now
        items = self.decoder.feed(data)
        if any(isinstance(item, bytes) for item in items):
            self.last_frame = now
        self.handle([(item, data) for item in items])

    def handle(self, items: list[tuple[bytes | FrameError, bytes]]) -> None:
        """Frames and errors in stream order; while an MN is looked up they wait in ``held``."""
        receiver = self.receiver
        for at, (item, data) in enumerate(items):
            if self.held is not None:
                self.held.extend(items[at:])
                break
            if isinstance(item, bytes):
                receiver.frame(self, item)
            else:
                receiver.reject(self, item, data if item.code != "garbage" else data[:120])
        if self.outbox:
            # One send for all the answers this read produced: a syscall costs more than an
            # answer's bytes.
            self.transport.write(b"".join(self.outbox))
            self.outbox.clear()

    def hold(self, frame: bytes, lookup: Coroutine[Any, Any, None]) -> None:
        """Stop handling this connection's frames until ``lookup`` is done, then handle
        ``frame`` and what arrived meanwhile, in order."""
        self.held = [(frame, frame)]
        self.transport.pause_reading()

        async def resume() -> None:
            await lookup
            held, self.held = self.held or [], None
            if self.transport.is_closing():
                return
            self.handle(held)
            if self.held is None and not self.receiver.paused:
                self.transport.resume_reading()

        task = asyncio.get_running_loop().create_task(resume())
        self.receiver.tasks.add(task)
        task.add_done_callback(self.receiver.tasks.discard)

    def eof_received(self) -> bool:
        return False  # half-closed peers are closed; answers to them could not be read anyway

    def drop(self, kind: str, reason: str) -> None:
        receiver = self.receiver
        info = receiver.registry.get(self.mn)
        receiver.count(self.mn, "timeouts", info.id if info else None)
        receiver.log(self, kind, self.mn, reason)
        self.transport.abort()

    def _evicted(self, key: tuple[str, str | None], reason: str) -> None:
        receiver = self.receiver
        mn = key[0]
        info = receiver.registry.get(mn)
        receiver.count(mn, "malformed", info.id if info else None)
        receiver.log(self, EventKind.SPLIT, mn, f"split packet QN={key[1]} dropped: {reason}")


def event_loop_factory(name: str = "auto") -> Callable[[], asyncio.AbstractEventLoop]:
    """The event loop to run the receiver (or the simulated loggers) on: ``uvloop`` (libuv;
    it roughly halves the loop's own cost per packet), ``asyncio`` (the standard loop), or
    ``auto``: uvloop where it is installed (a dependency on Linux and macOS)."""
    if name == "asyncio":
        return asyncio.new_event_loop
    try:
        import uvloop
    except ImportError:
        if name == "uvloop":
            raise
        return asyncio.new_event_loop
    return uvloop.new_event_loop


async def serve(
    host: str,
    port: int,
    *,
    settings: Settings | None = None,
    reuse_port: bool = False,
    ready: Callable[[int], None] | None = None,
    stop: asyncio.Event | None = None,
) -> Receiver:
    """Run a receiver until ``stop`` is set; flush and return it (for its statistics)."""
    from .command_store import CommandStore
    from .store import find_source_off_loop, load_registry_off_loop

    writer = Writer()
    registry = await asyncio.to_thread(load_registry_off_loop)
    writer.start()
    receiver = Receiver(
        registry,
        writer,
        settings,
        load_registry=load_registry_off_loop,
        find_source=find_source_off_loop,
        commands=CommandStore(),
    )
    bound = await receiver.start(host, port, reuse_port=reuse_port)
    if ready is not None:
        ready(bound)
    stop = stop or asyncio.Event()
    await stop.wait()
    await receiver.stop()
    await asyncio.to_thread(writer.stop)
    return receiver
