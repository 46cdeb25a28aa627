"""The only writers of obligations: each step is checked, audited and atomic.

``at`` lets the demo and tests record steps on the plan's own dates; pages and the API leave it
to now.
"""

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plantrack.accounts.access import scope_of
from plantrack.plans.models import Target

from .access import can_review, is_owner
from .models import Change, Document, Event, Kind, Obligation, PlanTargetRow, State

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
EDITABLE = (State.PENDING, State.RETURNED)
DEMO = "demo"


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return str(value)


def record(
    obligation: Obligation,
    user: User | None,
    field: str,
    old: object,
    new: object,
    reason: str,
    channel: str,
    at: dt.datetime,
) -> Change | None:
    """Write one audit row when ``old`` and ``new`` differ."""
    if _text(old) == _text(new):
        return None
    return Change.objects.create(
        obligation=obligation,
        user=user,
        at=at,
        field=field,
        old=_text(old),
        new=_text(new),
        reason=reason[:500],
        channel=channel,
    )


def _locked(obligation: Obligation) -> Obligation:
    return (
        Obligation.objects.select_for_update(of=("self",))
        .select_related("region", "department", "plan", "target")
        .get(pk=obligation.pk)
    )


def _check_owner(user: User | None, obligation: Obligation, channel: str) -> None:
    # The demo generator acts for every holder (user None, channel "demo"); nothing else may.
    system = user is None and channel == DEMO
    if not system and (user is None or not is_owner(scope_of(user), obligation)):
        raise PermissionDenied(_("只有承担单位可以填报"))
    if obligation.status not in EDITABLE:
        raise ValidationError(_("已提交或已通过的任务不能修改，退回后才能重新填报"))


def _set_status(
    obligation: Obligation,
    user: User | None,
    status: str,
    reason: str,
    channel: str,
    at: dt.datetime,
    **fields: object,
) -> None:
    changed = ["status"]
    record(obligation, user, "status", obligation.status, status, reason, channel, at)
    obligation.status = status
    for name, value in fields.items():
        record(obligation, user, name, getattr(obligation, name), value, reason, channel, at)
        setattr(obligation, name, value)
        changed.append(name)
    obligation.save(update_fields=changed)


@transaction.atomic
def upload_document(
    user: User | None,
    obligation: Obligation,
    upload: UploadedFile | ContentFile,
    *,
    name: str = "",
    channel: str = "form",
    at: dt.datetime | None = None,
) -> Document:
    obligation = _locked(obligation)
    _check_owner(user, obligation, channel)
    at = at or timezone.now()
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": _("文件为空")})
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": _("文件超过 20 MB")})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    filename = (name or upload.name or "document").rsplit("/", 1)[-1][:200]
    document = Document(
        obligation=obligation,
        name=filename,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
        uploaded_at=at,
    )
    document.file.save(filename, upload, save=False)
    document.save()
    record(
        obligation,
        user,
        "document",
        "",
        f"{filename} ({digest.hexdigest()[:12]})",
        _("上传文件"),
        channel,
        at,
    )
    Event.objects.create(
        obligation=obligation, user=user, at=at, action=Event.Action.UPLOADED, note=filename
    )
    return document


@dataclass(frozen=True)
class RowInput:
    """A checked row of the structured targets: the target, the value, the measures."""

    target: Target
    value: Decimal
    assigned: Decimal | None
    measures: str


@transaction.atomic
def replace_target_rows(
    user: User | None,
    obligation: Obligation,
    rows: Sequence[RowInput],
    reason: str,
    *,
    channel: str = "excel",
    at: dt.datetime | None = None,
) -> int:
    """Make the annual plan's structured targets exactly ``rows``, auditing each difference."""
    obligation = _locked(obligation)
    _check_owner(user, obligation, channel)
    if obligation.kind != Kind.ANNUAL_PLAN:
        raise ValidationError(_("只有年度实施计划包含分解目标"))
    at = at or timezone.now()
    existing = {r.target_id: r for r in obligation.target_rows.select_related("target")}
    wanted = {row.target.pk: row for row in rows}
    for target_id, old in existing.items():
        if target_id not in wanted:
            record(
                obligation, user, f"target:{old.target.code}", old.value, None, reason, channel, at
            )
            old.delete()
    for target_id, row in wanted.items():
        current = existing.get(target_id)
        field = f"target:{row.target.code}"
        if current is None:
            record(obligation, user, field, None, row.value, reason, channel, at)
            PlanTargetRow.objects.create(
                obligation=obligation,
                target=row.target,
                value=row.value,
                assigned=row.assigned,
                measures=row.measures,
            )
            continue
        record(obligation, user, field, current.value, row.value, reason, channel, at)
        record(
            obligation,
            user,
            f"{field}.measures",
            current.measures,
            row.measures,
            reason,
            channel,
            at,
        )
        current.value, current.assigned, current.measures = row.value, row.assigned, row.measures
        current.save(update_fields=["value", "assigned", "measures"])
    Event.objects.create(
        obligation=obligation,
        user=user,
        at=at,
        action=Event.Action.IMPORTED,
        note=_("%(n)d 项目标") % {"n": len(rows)},
    )
    return len(rows)


@transaction.atomic
def submit(
    user: User | None,
    obligation: Obligation,
    *,
    channel: str = "form",
    at: dt.datetime | None = None,
) -> Obligation:
    obligation = _locked(obligation)
    _check_owner(user, obligation, channel)
    if not obligation.documents.exists():
        raise ValidationError(_("请先上传文件再提交"))
    if obligation.kind == Kind.ANNUAL_PLAN and not obligation.target_rows.exists():
        raise ValidationError(_("年度实施计划须同时导入分解目标"))
    at = at or timezone.now()
    _set_status(obligation, user, State.SUBMITTED, _("提交"), channel, at, submitted_at=at)
    Event.objects.create(obligation=obligation, user=user, at=at, action=Event.Action.SUBMITTED)
    return obligation


@transaction.atomic
def review(
    user: User | None,
    obligation: Obligation,
    *,
    accept: bool,
    reason: str = "",
    channel: str = "form",
    at: dt.datetime | None = None,
) -> Obligation:
    """Accept the submission, or return it to the owner with a reason."""
    obligation = _locked(obligation)
    system = user is None and channel == DEMO
    if not system and (user is None or not can_review(scope_of(user), obligation)):
        raise PermissionDenied(_("只有省级管理员可以审核"))
    if obligation.status != State.SUBMITTED:
        raise ValidationError(_("只有已提交的任务可以审核"))
    reason = reason.strip()
    if not accept and not reason:
        raise ValidationError({"reason": _("退回时请说明原因")})
    at = at or timezone.now()
    if accept:
        _set_status(
            obligation,
            user,
            State.ACCEPTED,
            reason or _("审核通过"),
            channel,
            at,
            accepted_at=at,
            accepted_by=user,
        )
        action = Event.Action.ACCEPTED
    else:
        _set_status(obligation, user, State.RETURNED, reason, channel, at, return_reason=reason)
        action = Event.Action.RETURNED
    Event.objects.create(obligation=obligation, user=user, at=at, action=action, note=reason)
    return obligation
