"""The only writers of the ledger: each step validated, logged as an event, audited, atomic."""

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plantrack.accounts.access import scope_of
from plantrack.departments.models import Department
from plantrack.progress.models import FollowUp
from plantrack.regions.models import Region

from .access import can_submit, can_verify
from .constants import level_for, level_label
from .models import EventKind, Evidence, Item, ItemChange, ItemEvent, ItemStatus, RecordChange

# The largest evidence file accepted (a scanned report with photographs).
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


def _text(value: object) -> str:
    """How a value is written in the audit: people by user name, times in local time."""
    if value is None:
        return ""
    if isinstance(value, AbstractBaseUser):
        return value.get_username()
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def record(
    item: Item, user: User | None, field: str, old: object, new: object, reason: str, channel: str
) -> ItemChange | None:
    """One audit row when ``old`` and ``new`` differ."""
    if _text(old) == _text(new):
        return None
    return ItemChange.objects.create(
        item=item, user=user, field=field, old=_text(old), new=_text(new),
        reason=reason[:500], channel=channel,
    )  # fmt: skip


def _label(record: models.Model) -> str:
    return f"{record._meta.model_name}:{record.pk}"


def audit_created(
    user: User | None, record: models.Model, values: Mapping[str, object], reason: str, channel: str
) -> None:
    """One row per field set on a new record, so its history starts complete."""
    RecordChange.objects.bulk_create(
        RecordChange(record=_label(record), user=user, field=field, old="", new=_display(value),
                     reason=reason[:500], channel=channel)
        for field, value in values.items()
        if _display(value)
    )  # fmt: skip


def _display(value: object) -> str:
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return "、".join(_display(v) for v in value)
    if isinstance(value, Region | Department):
        return value.code
    return _text(value)


def _event(item: Item, kind: str, user: User | None, note: str = "", on: dt.date | None = None):
    return ItemEvent.objects.create(
        item=item, kind=kind, user=user, note=note, on=on or timezone.localdate()
    )


def _set(item: Item, user: User | None, values: dict, reason: str, channel: str) -> None:
    for field, new in values.items():
        record(item, user, field, getattr(item, field), new, reason, channel)
        setattr(item, field, new)
    item.save(update_fields=[*values, "updated"])


def open_item(item: Item, user: User | None, channel: str, note: str = "") -> Item:
    """Save a new item and its first event and audit row (inside the caller's transaction)."""
    item.save()
    _event(item, EventKind.CREATED, user, note or item.get_source_display())
    record(item, user, "created", "", item.title, note or _("立项"), channel)
    return item


def _locked(item: Item) -> Item:
    return Item.objects.select_for_update().get(pk=item.pk)


def store_evidence(item: Item, user: User, upload: File) -> Evidence:
    if upload.size is not None and upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"files": _("文件超过 20 MB")})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Evidence.objects.create(
        item=item, file=upload, name=(upload.name or "")[:200], sha256=digest.hexdigest(),
        size=upload.size or 0, uploaded_by=user,
    )  # fmt: skip


@transaction.atomic
def submit(
    user: User, item: Item, note: str, files: Iterable[File] = (), channel: str = "form"
) -> Item:
    """The owner says the item is rectified, with a note and (usually) evidence."""
    if not can_submit(scope_of(user), item):
        raise PermissionDenied(_("只有责任单位可以提交整改材料"))
    item = _locked(item)
    if item.status != ItemStatus.OPEN:
        raise ValidationError(_("只有整改中的事项可以提交"))
    if not note.strip():
        raise ValidationError({"note": _("请填写整改情况说明")})
    stored = [store_evidence(item, user, f) for f in files]
    if not stored and not item.evidence.exists():
        raise ValidationError({"files": _("请上传整改佐证材料")})
    names = "、".join(e.name for e in stored)
    _event(item, EventKind.SUBMITTED, user, note.strip() + (f"（{names}）" if names else ""))
    _set(
        item, user,
        {"status": ItemStatus.SUBMITTED, "submitted_at": timezone.now(), "submitted_by": user},
        note.strip(), channel,
    )  # fmt: skip
    return item


@transaction.atomic
def verify(user: User, item: Item, note: str, channel: str = "form") -> Item:
    """Verification by someone with authority who is not the owner: 销号. A follow-up's item
    closes the follow-up too, so both say the same thing."""
    item = _locked(item)
    if not can_verify(scope_of(user), user, item):
        raise PermissionDenied(_("无权核验此事项（责任单位和提交人不能核验本单位事项）"))
    if item.status != ItemStatus.SUBMITTED:
        raise ValidationError(_("只有待核验的事项可以销号"))
    if not note.strip():
        raise ValidationError({"note": _("请填写核验意见")})
    now = timezone.now()
    _event(item, EventKind.CLOSED, user, note.strip())
    _set(item, user, {"status": ItemStatus.CLOSED, "closed_at": now, "closed_by": user},
         note.strip(), channel)  # fmt: skip
    if item.follow_up_id is not None:
        FollowUp.objects.filter(pk=item.follow_up_id).update(
            status=FollowUp.Status.CLOSED, closed_at=now, closed_by=user, closing_note=note.strip()
        )
    return item


@transaction.atomic
def send_back(user: User, item: Item, reason: str, channel: str = "form") -> Item:
    """The verifier returns a submitted item to the owner with the reason (退回)."""
    item = _locked(item)
    if not can_verify(scope_of(user), user, item):
        raise PermissionDenied(_("无权核验此事项（责任单位和提交人不能核验本单位事项）"))
    if item.status != ItemStatus.SUBMITTED:
        raise ValidationError(_("只有待核验的事项可以退回"))
    if not reason.strip():
        raise ValidationError({"note": _("退回时请说明原因")})
    _event(item, EventKind.RETURNED, user, reason.strip())
    _set(item, user, {"status": ItemStatus.OPEN}, reason.strip(), channel)
    return item


@transaction.atomic
def escalate(today: dt.date, plan_id: int | None = None) -> list[Item]:
    """Raise the escalation level of open items past their deadline to what the rule says.

    Idempotent: an item already at its level is untouched, so a second run the same day (or a
    later run with nothing new) changes nothing.
    """
    items = Item.objects.select_for_update().filter(status=ItemStatus.OPEN, deadline__lt=today)
    if plan_id is not None:
        items = items.filter(plan_id=plan_id)
    raised = []
    for item in items:
        level = level_for((today - item.deadline).days)
        if level <= item.escalation:
            continue
        why = _("逾期 %(days)s 天，升级为%(label)s") % {
            "days": (today - item.deadline).days,
            "label": level_label(level),
        }
        _event(item, EventKind.ESCALATED, None, why, on=today)
        _set(item, None, {"escalation": level}, why, "system")
        raised.append(item)
    return raised
