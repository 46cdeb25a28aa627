"""Host commands to data loggers (上位机 → 现场机): who may send them, queueing, waiting.

``queue_command`` is the only way a command is created (CLI, API and page call it): access,
reason and parameters are checked (:func:`~plantrack.core.hj212.build.request_parameters`,
HJ 212-2017 表4), a QN is assigned, and the command and its first event are written in one
transaction. The receiver process holding the logger's connection sends it
(:mod:`~plantrack.monitoring.command_store`).

Who may send: a province administrator, a user of a department that owns a data set the
monitoring figures are published into (省环保厅 in the 2011 plan), and a city user for the
sources of its city. Counties, enterprises and leaders may not: a command changes how a
logger reports, which is the environmental authority's decision.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.models import User as Account
from django.db import OperationalError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from plantrack.accounts.access import Scope, scope_of
from plantrack.accounts.models import Role
from plantrack.core.hj212.build import RequestError, request_parameters, request_qn

from .access import sources_for, visible_filter
from .models import CommandEvent, CommandStatus, LoggerCommand, MonitoredSource

User = AbstractBaseUser | AnonymousUser

# Limits of the settings a requester may give (表4: OverTime and ReCount are N2, 0 < n ≤ 99).
MAX_TIMEOUT = 99
MAX_RETRIES = 99
MAX_EXEC_TIMEOUT = 3600
MAX_CONNECT_WAIT = 7 * 24 * 3600
# A receiver confirms the commands it waits on every second (Settings.command_poll); one
# silent this long has lost its process. Long enough for a database locked by a long write.
ABANDONED_AFTER = dt.timedelta(minutes=5)


class CommandRefused(Exception):
    """The command is not queued; the message says why (and ``field`` which input)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class CommandForbidden(CommandRefused):
    """The user may not send commands to this source."""


def environmental_reach(scope: Scope) -> str:
    """Where ``scope`` may act on monitored sources and their enterprises (commands to
    loggers, emission figures): "all" for the province administrator and the environmental
    department, "city" for a city's own, "" for everyone else."""
    if scope.is_admin:
        return "all"
    if scope.role == Role.DEPARTMENT and scope.department_code:
        return "all" if is_environmental_department(scope.department_code) else ""
    return "city" if scope.role == Role.CITY else ""


def can_command(user: User, source: MonitoredSource) -> bool:
    """Whether ``user`` may send commands to ``source``'s logger."""
    scope = scope_of(user)
    reach = environmental_reach(scope)
    if reach != "city":
        return reach == "all"
    return MonitoredSource.objects.filter(visible_filter(scope), pk=source.pk).exists()


def is_environmental_department(department: str) -> bool:
    # Imported here: quality builds on monitoring, not the other way round.
    from plantrack.quality.publish import PUBLISHED_ELEMENTS
    from plantrack.reporting.models import DataSet

    return DataSet.objects.filter(
        owner__code=department, fields__element__code__in=list(PUBLISHED_ELEMENTS)
    ).exists()


def commands_for(user: User, source: MonitoredSource) -> QuerySet[LoggerCommand]:
    """The command history of a source the user may see (reading follows ``access``)."""
    if not sources_for(user).filter(pk=source.pk).exists():
        return LoggerCommand.objects.none()
    return LoggerCommand.objects.filter(source=source).select_related("requested_by")


def access_command(user: User, source: MonitoredSource, pk: int) -> LoggerCommand | None:
    return commands_for(user, source).filter(pk=pk).first()


@transaction.atomic
def queue_command(
    user: Account,
    source: MonitoredSource,
    cn: str,
    parameters: Mapping[str, str],
    reason: str,
    *,
    timeout: int = 10,
    retries: int = 3,
    exec_timeout: int = 120,
    connect_wait: int = 60,
    now: dt.datetime | None = None,
) -> LoggerCommand:
    """Queue request ``cn`` for ``source``'s logger; raise :class:`CommandRefused`."""
    if not user.is_authenticated or not can_command(user, source):
        raise CommandForbidden("无权向该监测点的数采仪下发命令")
    if not reason.strip():
        raise CommandRefused("下发命令必须说明理由", "reason")
    if not source.active:
        raise CommandRefused("监测点已停用，不能下发命令")
    try:
        checked = request_parameters(cn, parameters)
    except RequestError as error:
        raise CommandRefused(str(error), error.field) from None
    _check_range("timeout", timeout, 1, MAX_TIMEOUT)
    _check_range("retries", retries, 0, MAX_RETRIES)
    _check_range("exec_timeout", exec_timeout, 1, MAX_EXEC_TIMEOUT)
    _check_range("connect_wait", connect_wait, 1, MAX_CONNECT_WAIT)
    now = now or timezone.now()
    command = LoggerCommand.objects.create(
        source=source,
        cn=cn,
        parameters=checked,
        qn=_free_qn(source, now),
        reason=reason.strip()[:300],
        requested_by=user,
        timeout=timeout,
        retries=retries,
        exec_timeout=exec_timeout,
        connect_by=now + dt.timedelta(seconds=connect_wait),
        queued_at=now,
    )
    CommandEvent.objects.create(
        command=command, time=now, status=CommandStatus.QUEUED, user=user, detail=command.reason
    )
    return command


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise CommandRefused(f"{name}：应在 {low} 到 {high} 之间，收到 {value}", name)


def _free_qn(source: MonitoredSource, now: dt.datetime) -> str:
    """A QN (表3: the request time to the millisecond) not yet used for this source."""
    taken = set(
        LoggerCommand.objects.filter(
            source=source, queued_at__gte=now - dt.timedelta(seconds=1)
        ).values_list("qn", flat=True)
    )
    moment = now
    while (qn := request_qn(moment)) in taken:
        moment += dt.timedelta(milliseconds=1)
    return qn


def expire_overdue(now: dt.datetime | None = None, worker: str = "") -> int:
    """End the commands nobody will finish any more; return how many.

    Run by every receiver on its tick, and by readers (CLI, pages), so that a command does not
    wait for ever when no receiver runs at all:

    - queued ones whose wait for a connection is over (no receiver holds the MN): not connected;
    - sent or acknowledged ones whose receiver process stopped confirming them (it was killed
      or its host went down, so the logger's answer has nobody to reach): timed out.

    Each is ended by an update guarded on its state, so a receiver claiming or finishing it
    at the same moment wins or loses cleanly.
    """
    now = now or timezone.now()
    unclaimed = LoggerCommand.objects.filter(status=CommandStatus.QUEUED, connect_by__lt=now)
    ended = _end_each(
        unclaimed, CommandStatus.NOT_CONNECTED, now, worker,
        lambda _command: "等待期内数采仪未连接接收服务",
    )  # fmt: skip
    silent = now - ABANDONED_AFTER
    abandoned = LoggerCommand.objects.filter(
        Q(held_at__lt=silent) | Q(held_at__isnull=True, sent_at__lt=silent),
        status__in=[CommandStatus.SENT, CommandStatus.ACKNOWLEDGED],
        finished_at__isnull=True,
    )
    minutes = int(ABANDONED_AFTER.total_seconds() // 60)
    return ended + _end_each(
        abandoned, CommandStatus.TIMED_OUT, now, worker,
        lambda command: f"接收进程 {command.worker} 已 {minutes} 分钟未确认此命令（进程可能已退出）",
    )  # fmt: skip


def _end_each(
    overdue: QuerySet[LoggerCommand],
    status: str,
    now: dt.datetime,
    worker: str,
    why: Callable[[LoggerCommand], str],
) -> int:
    ended = 0
    for command in overdue.only("pk", "worker")[:500]:
        detail = why(command)[:300]
        with transaction.atomic():
            # Still overdue: the filter again, now for this one row.
            done = overdue.filter(pk=command.pk).update(
                status=status, finished_at=now, detail=detail
            )
            if done:
                CommandEvent.objects.create(
                    command_id=command.pk, time=now, status=status, worker=worker, detail=detail
                )
                ended += 1
    return ended


def wait_for(command: LoggerCommand, seconds: float, poll: float = 0.2) -> LoggerCommand:
    """Re-read ``command`` until it is finished or ``seconds`` have passed. A busy database
    (the receiver writing) is read again at the next poll."""
    end = time.monotonic() + seconds
    while True:
        try:
            command.refresh_from_db()
            if command.status == CommandStatus.QUEUED:
                expire_overdue()
        except OperationalError:
            pass
        if command.finished or time.monotonic() >= end:
            return command
        time.sleep(poll)


def command_as_dict(command: LoggerCommand) -> dict[str, Any]:
    """A command as the CLI and the API give it."""
    return {
        "id": command.pk,
        "mn": command.source.mn,
        "cn": command.cn,
        "parameters": command.parameters,
        "qn": command.qn,
        "status": command.status,
        "reason": command.reason,
        "requested_by": command.requested_by.username,
        "attempts": command.attempts,
        "qn_rtn": command.qn_rtn,
        "exe_rtn": command.exe_rtn,
        "returned": command.returned,
        "detail": command.detail,
        "queued_at": command.queued_at.isoformat(),
        "finished_at": command.finished_at.isoformat() if command.finished_at else None,
    }
