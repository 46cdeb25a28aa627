"""The receiver's database side of host commands, run in one thread of the receiver.

Each tick the receiver hands over what happened to its commands (:class:`~.dispatch.Change`)
and the MNs whose connections it holds, and gets back the queued commands it claimed. Several
receiver processes may share a port (SO_REUSEPORT); a command is claimed by a guarded update
(``UPDATE … WHERE status = 'queued'``), so exactly one of the processes holding that MN's
connection sends it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Collection

from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from plantrack.core.hj212.build import request

from .commands import expire_overdue
from .dispatch import Change, Claimed
from .models import CommandEvent, CommandStatus, LoggerCommand, MonitoredSource, SourceChange

log = logging.getLogger(__name__)

# Queued commands looked at per tick; more wait for the next tick.
CLAIM_BATCH = 200


def worker_name() -> str:
    """Which receiver process did something: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


class CommandStore:
    """What a receiver calls (from its command thread) to write changes and claim commands."""

    def __init__(self, worker: str | None = None) -> None:
        self.worker = worker or worker_name()
        self.unwritten: list[Change] = []

    def sync(
        self, changes: list[Change], held: Collection[str], waiting: Collection[int] = ()
    ) -> list[Claimed]:
        """Write ``changes``, confirm the ``waiting`` commands (ids) this process still has in
        flight, claim queued commands for ``held`` MNs, and end overdue ones.

        A database that is busy (a locked SQLite file, a dropped PostgreSQL connection) only
        delays this: the changes not written are kept, in order, for the next call, and
        nothing is claimed meanwhile."""
        self.unwritten = apply_changes([*self.unwritten, *changes], self.worker)
        if self.unwritten:
            return []
        try:
            if waiting:
                LoggerCommand.objects.filter(pk__in=list(waiting), finished_at__isnull=True).update(
                    held_at=timezone.now()
                )
            claimed = claim(held, self.worker) if held else []
            expire_overdue(worker=self.worker)
        except (OperationalError, InterfaceError) as error:
            log.warning("hj212 commands: database busy (%s); retrying at the next tick", error)
            connection.close()
            return []
        return claimed

    def close(self) -> None:
        connection.close()


def apply_changes(changes: list[Change], worker: str) -> list[Change]:
    """Write each change with its event, in order; return those not written because the
    database was busy. A finished command is never changed again."""
    for at, change in enumerate(changes):
        try:
            with transaction.atomic():
                _apply(change, worker)
        except (OperationalError, InterfaceError) as error:
            log.warning("hj212 commands: database busy (%s); retrying at the next tick", error)
            connection.close()
            return changes[at:]
    return []


def _apply(change: Change, worker: str) -> None:
    fields: dict[str, object] = {"status": change.status}
    if change.detail:
        fields["detail"] = change.detail[:300]
    for name in ("attempts", "qn_rtn", "exe_rtn", "returned"):
        value = getattr(change, name)
        if value is not None:
            fields[name] = value
    if change.status == CommandStatus.ACKNOWLEDGED or change.qn_rtn is not None:
        fields["answered_at"] = change.at
    if change.final:
        fields["finished_at"] = change.at
    pending = LoggerCommand.objects.filter(pk=change.id, finished_at__isnull=True)
    if not pending.update(**fields):
        return
    CommandEvent.objects.create(
        command_id=change.id, time=change.at, status=change.status, worker=worker,
        detail=change.detail[:300],
    )  # fmt: skip
    if change.new_password and change.status == CommandStatus.EXECUTED:
        _take_password(change.id, change.new_password, change.at)


def _take_password(command_id: int, new: str, at: dt.datetime) -> None:
    """The logger executed 1072 (设置现场机访问密码): its packets now carry the new password,
    so the registry must take it too; audited as a change made by the command's requester."""
    command = LoggerCommand.objects.select_related("source").get(pk=command_id)
    source = command.source
    old = source.password
    MonitoredSource.objects.filter(pk=source.pk).update(password=new)
    SourceChange.objects.create(
        source=source, field="password", old=old, new=new, reason=command.reason,
        changed_by_id=command.requested_by_id, changed_at=at, command=command,
    )  # fmt: skip


def claim(held: Collection[str], worker: str) -> list[Claimed]:
    """Claim the queued commands of ``held`` MNs, oldest first; build their request frames."""
    now = timezone.now()
    queued = (
        LoggerCommand.objects.filter(status=CommandStatus.QUEUED, source__active=True)
        .select_related("source")
        .order_by("id")[:CLAIM_BATCH]
    )
    out = []
    for command in [c for c in queued if c.source.mn in held]:
        try:
            claimed = _claim_one(command, worker, now)
        except Exception:
            # What was claimed so far is returned and sent; the rest waits for the next tick.
            log.exception("hj212: claiming command %s failed", command.pk)
            break
        if claimed is not None:
            out.append(claimed)
    return out


def _claim_one(command: LoggerCommand, worker: str, now: dt.datetime) -> Claimed | None:
    source = command.source
    try:
        frame = request(
            command.cn, st=source.system, mn=source.mn, pw=source.password, qn=command.qn,
            parameters=command.parameters, version="2005" if source.protocol == "2005" else "2017",
        )  # fmt: skip
    except ValueError as error:  # e.g. a password holding a separator: it cannot be sent
        _end(command, CommandStatus.FAILED, now, worker, f"无法组包：{error}")
        return None
    with transaction.atomic():
        taken = LoggerCommand.objects.filter(pk=command.pk, status=CommandStatus.QUEUED).update(
            status=CommandStatus.SENT, worker=worker, sent_at=now, held_at=now, attempts=1
        )
        if not taken:
            return None  # another receiver process claimed it, or it expired
        CommandEvent.objects.create(
            command=command,
            time=now,
            status=CommandStatus.SENT,
            worker=worker,
            detail="第 1 次发送",
        )
    return Claimed(
        id=command.pk,
        mn=source.mn,
        cn=command.cn,
        qn=command.qn,
        frame=frame,
        timeout=float(command.timeout),
        retries=command.retries,
        exec_timeout=float(command.exec_timeout),
        new_password=command.parameters.get("NewPW") if command.cn == "1072" else None,
    )


def _end(command: LoggerCommand, status: str, at: dt.datetime, worker: str, detail: str) -> None:
    with transaction.atomic():
        if LoggerCommand.objects.filter(pk=command.pk, status=CommandStatus.QUEUED).update(
            status=status, finished_at=at, detail=detail[:300], worker=worker
        ):
            CommandEvent.objects.create(
                command=command, time=at, status=status, worker=worker, detail=detail[:300]
            )
