"""The only writers of projects: each change is validated, audited and atomic."""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plantrack.accounts.access import scope_of

from .access import can_approve, can_update
from .models import Contribution, Evidence, Milestone, Project, ProjectChange, Status, Update
from .models import UpdateState as State

# Fields an owner's update may change, besides contributions and milestones.
UPDATE_FIELDS = ("status", "actual_investment", "started_on", "completed_on")
CONTRIBUTION = "contribution:"
MILESTONE = "milestone:"


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def record(
    project: Project,
    user: User | None,
    field: str,
    old: object,
    new: object,
    reason: str,
    channel: str,
) -> ProjectChange | None:
    """Write one audit row when ``old`` and ``new`` differ."""
    if _text(old) == _text(new):
        return None
    return ProjectChange.objects.create(
        project=project,
        user=user,
        field=field,
        old=_text(old),
        new=_text(new),
        reason=reason,
        channel=channel,
    )


def parse_decimal(raw: object, field: str) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationError({field: _("不是有效的数字")}) from None
    if not value.is_finite() or value < 0:
        raise ValidationError({field: _("必须是不小于 0 的数字")})
    return value


def parse_date(raw: object, field: str) -> dt.date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ValidationError({field: _("日期格式应为 YYYY-MM-DD")}) from None


def clean_changes(project: Project, raw: Mapping[str, object]) -> dict[str, str]:
    """Check an update's proposed changes; keep them as text for the JSON record."""
    changes: dict[str, str] = {}
    contributions = {c.code for c in project.contributions.all()}
    milestones = {str(m.pk) for m in project.milestones.all()}
    for key, value in raw.items():
        if value in (None, ""):
            continue
        if key == "status":
            if value not in Status.values:
                raise ValidationError({key: _("未知的项目状态")})
            changes[key] = str(value)
        elif key == "actual_investment":
            changes[key] = _text(parse_decimal(value, key))
        elif key in ("started_on", "completed_on"):
            changes[key] = _text(parse_date(value, key))
        elif key.startswith(CONTRIBUTION) and key[len(CONTRIBUTION) :] in contributions:
            changes[key] = _text(parse_decimal(value, key))
        elif key.startswith(MILESTONE) and key[len(MILESTONE) :] in milestones:
            changes[key] = _text(parse_date(value, key))
        else:
            raise ValidationError({key: _("不能通过进展更新修改此项")})
    if changes.get("status") == Status.COMPLETED and not (
        changes.get("completed_on") or project.completed_on
    ):
        raise ValidationError({"completed_on": _("项目完成时必须填写竣工日期")})
    return changes


@transaction.atomic
def create_update(
    user: User,
    project: Project,
    note: str,
    raw: Mapping[str, object],
    files: Iterable[UploadedFile] = (),
    submit: bool = False,
) -> Update:
    if not can_update(scope_of(user), project):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"note": _("请填写进展说明")})
    update = Update.objects.create(
        project=project, author=user, note=note.strip(), changes=clean_changes(project, raw)
    )
    for upload in files:
        Evidence.objects.create(update=update, file=upload, name=upload.name or "")
    if submit:
        submit_update(user, update)
    return update


@transaction.atomic
def submit_update(user: User, update: Update) -> Update:
    if not can_update(scope_of(user), update.project):
        raise PermissionDenied
    if update.state not in (State.DRAFT, State.RETURNED):
        raise ValidationError(_("只有草稿或被退回的进展可以提交"))
    update.state = State.SUBMITTED
    update.submitted_at = timezone.now()
    update.save(update_fields=["state", "submitted_at"])
    return update


@transaction.atomic
def review_update(user: User, update: Update, approve: bool, note: str = "") -> Update:
    """The department approves (the changes are applied and audited) or returns the update."""
    update = Update.objects.select_for_update().select_related("project").get(pk=update.pk)
    project = update.project
    if not can_approve(scope_of(user), project):
        raise PermissionDenied
    if update.state != State.SUBMITTED:
        raise ValidationError(_("只有已提交的进展可以审核"))
    if not approve and not note.strip():
        raise ValidationError({"review_note": _("退回时请说明原因")})
    update.state = State.APPROVED if approve else State.RETURNED
    update.reviewer = user
    update.reviewed_at = timezone.now()
    update.review_note = note.strip()
    update.save(update_fields=["state", "reviewer", "reviewed_at", "review_note"])
    if approve:
        reason = _("进展审核通过：%(note)s") % {"note": update.note[:200]}
        apply_changes(user, project, update.changes, reason, "approval")
    return update


def apply_changes(
    user: User | None,
    project: Project,
    changes: Mapping[str, str],
    reason: str,
    channel: str,
) -> None:
    fields = []
    for key, value in changes.items():
        if key in UPDATE_FIELDS:
            new = _typed(key, value)
            record(project, user, key, getattr(project, key), new, reason, channel)
            setattr(project, key, new)
            fields.append(key)
        elif key.startswith(CONTRIBUTION):
            contribution = project.contributions.get(code=key[len(CONTRIBUTION) :])
            new_decimal = parse_decimal(value, key)
            record(project, user, key, contribution.actual, new_decimal, reason, channel)
            contribution.actual = new_decimal
            contribution.save(update_fields=["actual"])
        elif key.startswith(MILESTONE):
            milestone = project.milestones.get(pk=int(key[len(MILESTONE) :]))
            new_date = parse_date(value, key)
            label = f"{MILESTONE}{milestone.name}"
            record(project, user, label, milestone.actual_on, new_date, reason, channel)
            milestone.actual_on = new_date
            milestone.save(update_fields=["actual_on"])
    if fields:
        project.save(update_fields=[*fields, "updated"])


def _typed(key: str, value: str) -> object:
    if key == "actual_investment":
        return parse_decimal(value, key)
    if key in ("started_on", "completed_on"):
        return parse_date(value, key)
    return value


PROJECT_FIELDS = (
    "name",
    "project_type",
    "owner_unit",
    "region",
    "status",
    "planned_investment",
    "actual_investment",
    "started_on",
    "completed_on",
)


def save_project(
    user: User | None,
    project: Project,
    values: Mapping[str, object],
    contributions: Mapping[str, tuple[Decimal | None, Decimal | None]],
    milestones: Mapping[str, tuple[dt.date | None, dt.date | None]],
    reason: str,
    channel: str,
) -> Project:
    """Overwrite a saved project from an import row, auditing each field that changes.

    ``contributions`` maps a declared code to (expected, actual); ``milestones`` a name to
    (planned, actual). Must run inside the caller's transaction.
    """
    changed = []
    for field in PROJECT_FIELDS:
        if field in values:
            if record(
                project, user, field, getattr(project, field), values[field], reason, channel
            ):
                setattr(project, field, values[field])
                changed.append(field)
    if changed:
        project.save(update_fields=[*changed, "updated"])
    for code, (expected, actual) in contributions.items():
        row = project.contributions.filter(code=code).first()
        if row is None:
            continue
        record(
            project, user, f"{CONTRIBUTION}{code}.expected", row.expected, expected, reason, channel
        )
        record(project, user, f"{CONTRIBUTION}{code}", row.actual, actual, reason, channel)
        row.expected, row.actual = expected, actual
        row.save(update_fields=["expected", "actual"])
    for order, (name, (planned, done_on)) in enumerate(milestones.items()):
        if planned is None:
            continue
        milestone, _new = Milestone.objects.get_or_create(
            project=project, name=name, defaults={"planned_on": planned, "order": order}
        )
        label = f"{MILESTONE}{name}"
        record(project, user, f"{label}.planned", milestone.planned_on, planned, reason, channel)
        record(project, user, label, milestone.actual_on, done_on, reason, channel)
        milestone.planned_on, milestone.actual_on = planned, done_on
        milestone.save(update_fields=["planned_on", "actual_on"])
    return project


def ensure_contributions(
    project: Project, declared: Iterable[tuple[str, str, str, int | None]]
) -> None:
    """Give the project a row for each contribution its list declares (code, name, unit, element)."""
    existing = set(project.contributions.values_list("code", flat=True))
    Contribution.objects.bulk_create(
        Contribution(project=project, code=code, name=name, unit=unit, element_id=element)
        for code, name, unit, element in declared
        if code not in existing
    )
