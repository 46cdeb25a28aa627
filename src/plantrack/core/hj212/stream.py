"""Reading HJ 212 from a byte stream, and putting split packets back together.

:class:`StreamDecoder` cuts frames out of TCP data however it arrives, resynchronising at the
next ``##`` after garbage, with a hard cap on what it buffers. :class:`Reassembler` joins the
parts of a split packet (Flag D bit, PNUM/PNO; HJ 212-2017 表3) with bounds on what it keeps.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Final

from plantrack.core.hj212.packet import (
    DEFAULT_RULES,
    MAX_FRAME,
    MAX_SEGMENT,
    CpData,
    Deviation,
    DeviationKind,
    DeviationRefused,
    FrameError,
    Packet,
    Reading,
    Rules,
)

__all__ = ["Reassembler", "StreamDecoder"]

_START: Final = b"##"


class StreamDecoder:
    """Cut complete frames out of a byte stream.

    ``feed(data)`` returns, in stream order, each complete frame (``bytes``, still to be given
    to :func:`~plantrack.core.hj212.parse`) and a :class:`FrameError` for each stretch of bytes
    it had to drop: ``garbage`` before a ``##``, a ``length`` field that is not 4 digits, an
    ``oversize`` length (refused as soon as the length is read, without waiting for the body),
    and ``crlf`` when the bytes at the declared end are not CR LF, or ``length`` as soon as a
    CR LF arrives before the declared end (a wrong length would otherwise hold back the frames
    behind it until a whole maximal frame had arrived). After an error it looks for
    the next ``##`` after the dropped start, so a truncated frame does not swallow the next.
    The buffer never holds more than ``max_buffer`` bytes (at least one maximal frame).
    """

    def __init__(self, *, max_buffer: int = 4 * MAX_FRAME) -> None:
        if max_buffer < MAX_FRAME:
            raise ValueError(f"max_buffer must hold a maximal frame ({MAX_FRAME} bytes)")
        self.max_buffer = max_buffer
        self._buffer = bytearray()

    @property
    def buffered(self) -> int:
        """How many bytes are held waiting for the rest of a frame."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[bytes | FrameError]:
        """Take the next bytes of the stream; return the frames and errors they complete."""
        out: list[bytes | FrameError] = []
        view = memoryview(data)
        while view:
            room = self.max_buffer - len(self._buffer)
            self._buffer += view[:room]
            view = view[room:]
            self._drain(out)
        return out

    def _drain(self, out: list[bytes | FrameError]) -> None:
        buf = self._buffer
        while buf:
            start = _frame_start(buf)
            if start != 0:
                # Keep a trailing '#': it may be the first half of the next '##'.
                if start < 0:
                    drop = len(buf) - 1 if buf.endswith(b"#") else len(buf)
                else:
                    drop = start
                if drop:
                    out.append(FrameError("garbage", f"skipped {drop} bytes before '##'"))
                    del buf[:drop]
                if start < 0:
                    return
            if len(buf) < 6:
                return
            digits = bytes(buf[2:6])
            if not digits.isdigit():
                out.append(FrameError("length", f"length field {digits!r} is not 4 digits"))
                _skip_start(buf)
                continue
            size = int(digits)
            if size > MAX_SEGMENT:  # HJ 212-2017 表2: 0 ≤ n ≤ 1024
                out.append(FrameError("oversize", f"length {size} exceeds {MAX_SEGMENT}"))
                _skip_start(buf)
                continue
            end = size + 12
            if len(buf) < end:
                # A data segment is printable text (§6.3), so a CR LF before the declared end
                # means the length is wrong: say so now rather than wait for bytes that belong
                # to the next frames.
                early = buf.find(b"\r\n", 6)
                if early < 0:
                    return
                out.append(
                    FrameError("length", f"CR LF at byte {early + 2}, length {size} says {end}")
                )
                _skip_start(buf)
                continue
            if buf[end - 2 : end] != b"\r\n":
                out.append(FrameError("crlf", f"no CR LF where length {size} puts the end"))
                _skip_start(buf)
                continue
            out.append(bytes(buf[:end]))
            del buf[:end]


def _frame_start(buf: bytearray) -> int:
    """Where the next '##' starts (the last two of a run like '###'), or -1."""
    start = buf.find(_START)
    if start >= 0:
        while buf[start + 2 : start + 3] == b"#":
            start += 1
    return start


def _skip_start(buf: bytearray) -> None:
    """Drop a frame start found bad, up to the next '##' (a run like '###' counts from its last
    two); the dropped bytes belong to the error just reported, not to a new 'garbage' one."""
    following = buf.find(_START, 1)
    if following < 0:
        following = len(buf) - 1 if buf.endswith(b"#") else len(buf)
    del buf[:following]


Key = tuple[str, str | None]


@dataclass
class _Pending:
    pnum: int
    started: float
    parts: dict[int, Packet] = field(default_factory=dict)


class Reassembler:
    """Join the parts of split packets, keyed by (MN, QN).

    ``add(packet)`` returns a whole packet: an unsplit packet at once, a split one when its
    last missing part arrives (parts in any order; a repeated PNO is ignored and counted in
    ``duplicates``). Each part holds a self-contained CP; the whole packet's readings and
    fields are the union of the parts', in PNO order. At most ``max_pending`` packets wait, for
    at most ``timeout`` seconds each; the oldest is evicted first. ``on_evict(key, reason)`` is
    called for every eviction (reason ``"timeout"``, ``"capacity"`` or ``"pnum"`` when a part
    disagrees on PNUM), and ``evicted`` counts them. PNUM is at most 9999 (N4) and each part at
    most 1024 bytes, so one pending packet holds at most ~10 MB of frames; ``max_parts`` caps
    the total number of parts held.
    """

    def __init__(
        self,
        *,
        max_pending: int = 1000,
        max_parts: int = 10_000,
        timeout: float = 600.0,
        rules: Rules = DEFAULT_RULES,
        clock: Callable[[], float] = time.monotonic,
        on_evict: Callable[[Key, str], None] | None = None,
    ) -> None:
        self.max_pending = max_pending
        self.max_parts = max_parts
        self.timeout = timeout
        self.rules = rules
        self.clock = clock
        self.on_evict = on_evict
        self.evicted = 0
        self.duplicates = 0
        self._pending: OrderedDict[Key, _Pending] = OrderedDict()
        self._parts = 0

    @property
    def pending(self) -> int:
        """How many split packets are waiting for parts."""
        return len(self._pending)

    @property
    def parts(self) -> int:
        """How many parts are held."""
        return self._parts

    def add(self, packet: Packet) -> Packet | None:
        """Add a packet; return the whole packet when it is complete, else None."""
        if packet.pno is None or packet.pnum is None:
            return packet
        now = self.clock()
        self.expire(now)
        key = (packet.mn, packet.qn)
        entry = self._pending.get(key)
        if entry is not None and entry.pnum != packet.pnum:
            self._evict(key, "pnum")
            entry = None
        if entry is None:
            entry = self._pending[key] = _Pending(packet.pnum, now)
        if packet.pno in entry.parts:
            self.duplicates += 1
            return None
        entry.parts[packet.pno] = packet
        self._parts += 1
        if len(entry.parts) == entry.pnum:
            del self._pending[key]
            self._parts -= entry.pnum
            return self._join([entry.parts[n] for n in sorted(entry.parts)])
        while len(self._pending) > self.max_pending or self._parts > self.max_parts:
            self._evict(next(iter(self._pending)), "capacity")
        return None

    def expire(self, now: float | None = None) -> None:
        """Evict the split packets that have waited longer than ``timeout``."""
        now = self.clock() if now is None else now
        while self._pending:
            key, entry = next(iter(self._pending.items()))
            if now - entry.started <= self.timeout:
                return
            self._evict(key, "timeout")

    def _evict(self, key: Key, reason: str) -> None:
        entry = self._pending.pop(key)
        self._parts -= len(entry.parts)
        self.evicted += 1
        if self.on_evict is not None:
            self.on_evict(key, reason)

    def _join(self, parts: list[Packet]) -> Packet:
        first = parts[0]
        readings: dict[str, Reading] = {}
        fields: dict[str, str] = {}
        deviations: list[Deviation] = []
        for part in parts:
            deviations.extend(part.deviations)
            if part.cp.data_time != first.cp.data_time:
                self._deviate(
                    deviations, "split_fields", "DataTime", f"part {part.pno} has another DataTime"
                )
            for name, value in part.cp.fields.items():
                if name in fields and fields[name] != value:
                    self._deviate(
                        deviations, "duplicate_field", name, f"part {part.pno} gives another value"
                    )
                fields.setdefault(name, value)
            for code, reading in part.cp.readings.items():
                if code in readings:
                    self._deviate(
                        deviations, "duplicate_field", code, f"again in part {part.pno}; first kept"
                    )
                    continue
                readings[code] = reading
        cp = CpData(first.cp.data_time, readings, fields)
        return replace(first, pno=None, cp=cp, deviations=tuple(deviations))

    def _deviate(
        self, deviations: list[Deviation], kind: DeviationKind, name: str, detail: str
    ) -> None:
        deviation = Deviation(kind, name, detail)
        if self.rules.action(kind) == "refuse":
            raise DeviationRefused(deviation)
        deviations.append(deviation)
