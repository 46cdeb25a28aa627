"""Every change to reported data goes through these functions, each in one transaction.

They check versions (no lost update), validate with ``plantrack.core.validation`` before
writing anything, and record who changed what, when, from what, to what and why.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from plantrack.core import validation
from plantrack.core.periods import Period, deadline, end_date
from plantrack.departments.models import Department
from plantrack.enterprises.models import Enterprise
from plantrack.regions.models import Region

from .models import (
    DataSet,
    Status,
    Submission,
    SubmissionEvent,
    Value,
    ValueChange,
    Vintage,
)
from .signals import submission_approved


class Conflict(Exception):
    """Someone saved the submission after this editor loaded it."""

    def __init__(self, submission: Submission):
        self.submission = submission
        super().__init__(
            f"该表已于 {timezone.localtime(submission.updated_at):%Y-%m-%d %H:%M:%S} 被他人修改，"
            "请刷新后重新填写，以免覆盖他人数据"
        )


class Invalid(Exception):
    """The values do not pass validation; nothing was saved."""

    def __init__(self, problems: list[validation.Problem]):
        self.problems = problems
        super().__init__("；".join(p.message for p in problems))


class WorkflowError(Exception):
    """The action does not fit the submission's current status."""


@dataclass
class SaveResult:
    submission: Submission
    changed: list[str] = field(default_factory=list)


def field_specs(data_set: DataSet) -> list[validation.FieldSpec]:
    return [
        validation.FieldSpec(
            code=f.element.code,
            name=f.element.name,
            unit=f.element.unit,
            value_type=f.element.value_type,
            required=f.required,
            min_value=f.min_value,
            max_value=f.max_value,
        )
        for f in data_set.fields.select_related("element")
    ]


def values_of(submission: Submission, vintage: str = Vintage.REPORTED) -> dict[str, Decimal | None]:
    rows = submission.values.filter(vintage=vintage).select_related("element")
    return {v.element.code: v.value for v in rows}


def best_values(submission: Submission) -> dict[str, Decimal | None]:
    """The latest vintage of each value: revised over verified over self-reported."""
    best: dict[str, Decimal | None] = {}
    for vintage in (Vintage.REPORTED, Vintage.VERIFIED, Vintage.REVISED):
        best.update({k: v for k, v in values_of(submission, vintage).items() if v is not None})
    return best


def previous_submission(submission: Submission) -> Submission | None:
    previous = str(Period.parse(submission.period).shift(-1))
    return Submission.objects.filter(
        data_set=submission.data_set, unit_key=submission.unit_key, period=previous
    ).first()


def parse_values(
    specs: list[validation.FieldSpec], raw: Mapping[str, object]
) -> tuple[dict[str, Decimal | None], list[validation.Problem]]:
    """Read raw inputs for the fields present in ``raw``; unknown keys are problems too."""
    known = {s.code: s for s in specs}
    values: dict[str, Decimal | None] = {}
    problems = [validation.Problem(k, f"报表中没有字段“{k}”") for k in raw if k not in known]
    for code, text in raw.items():
        if code in known:
            value, problem = validation.parse_number(text, known[code])
            values[code] = value
            if problem:
                problems.append(problem)
    return values, problems


def check_submission(
    submission: Submission,
    values: Mapping[str, Decimal | None],
    explanations: Mapping[str, str],
    *,
    for_submission: bool,
) -> list[validation.Problem]:
    previous = previous_submission(submission)
    threshold = submission.data_set.change_threshold
    return validation.check_values(
        field_specs(submission.data_set),
        values,
        rules=rules_of(submission.data_set),
        previous=best_values(previous) if previous else None,
        change_threshold=threshold,
        explanations=explanations,
        for_submission=for_submission,
    )


def rules_of(data_set: DataSet) -> list[validation.Rule]:
    from .rules import compile_rules

    return compile_rules(data_set)


@transaction.atomic
def save_values(
    submission: Submission,
    user: User,
    raw: Mapping[str, object],
    *,
    version: int,
    explanations: Mapping[str, str] | None = None,
    reason: str = "",
    channel: str = "form",
    submit: bool = False,
) -> SaveResult:
    """Save the reported values of an editable submission, and submit it if asked."""
    locked = Submission.objects.select_for_update().select_related("data_set").get(pk=submission.pk)
    if locked.version != version:
        raise Conflict(locked)
    if locked.status not in (Status.DRAFT, Status.RETURNED):
        raise WorkflowError(f"{locked.get_status_display()}的填报不能修改，请先申请退回或重新打开")
    explanations = explanations or {}
    specs = field_specs(locked.data_set)
    parsed, problems = parse_values(specs, raw)
    merged = {**values_of(locked), **parsed}
    problems += check_submission(locked, merged, explanations, for_submission=submit)
    if problems:
        raise Invalid(problems)
    changed = _write(locked, user, parsed, Vintage.REPORTED, reason or _REASONS[channel], channel)
    for code, text in explanations.items():
        Value.objects.filter(
            submission=locked, element__code=code, vintage=Vintage.REPORTED
        ).update(explanation=text)
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    if submit:
        _transition(locked, user, "submit", Status.SUBMITTED, "")
    return SaveResult(locked, changed)


_REASONS = {"form": "网页填报", "excel": "Excel 导入", "csv": "CSV 导入", "api": "接口报送"}


def _write(
    submission: Submission,
    user: User,
    values: Mapping[str, Decimal | None],
    vintage: str,
    reason: str,
    channel: str,
) -> list[str]:
    elements = {
        f.element.code: f.element for f in submission.data_set.fields.select_related("element")
    }
    existing = {
        v.element.code: v
        for v in submission.values.filter(vintage=vintage).select_related("element")
    }
    changed = []
    for code, new in values.items():
        row = existing.get(code)
        old = row.value if row else None
        if row is not None and old == new:
            continue
        if row is None:
            row = Value.objects.create(
                submission=submission, element=elements[code], vintage=vintage, value=new
            )
        else:
            row.value = new
            row.save(update_fields=["value", "updated_at"])
        ValueChange.objects.create(
            value=row, changed_by=user, old=old, new=new, reason=reason, channel=channel
        )
        changed.append(code)
    return changed


def _transition(submission: Submission, user: User, action: str, status: str, note: str) -> None:
    before = submission.status
    submission.status = status
    fields = ["status", "updated_at", "version", "approvals"]
    if action == "submit":
        submission.submitted_at = timezone.now()
        submission.approvals = 0
        fields.append("submitted_at")
        if not submission.data_set.approval_levels:
            submission.status = Status.APPROVED
            transaction.on_commit(
                lambda: submission_approved.send(Submission, submission=submission)
            )
    if action == "return":
        submission.returned_reason = note
        submission.approvals = 0
        fields.append("returned_reason")
    submission.version += 1
    submission.save(update_fields=fields)
    SubmissionEvent.objects.create(
        submission=submission,
        by=user,
        action=action,
        from_status=before,
        to_status=submission.status,
        note=note,
    )


@transaction.atomic
def submit(
    submission: Submission,
    user: User,
    *,
    version: int,
    explanations: Mapping[str, str] | None = None,
) -> Submission:
    return save_values(
        submission, user, {}, version=version, explanations=explanations, submit=True
    ).submission


@transaction.atomic
def approve(submission: Submission, user: User, note: str = "") -> Submission:
    locked = Submission.objects.select_for_update().select_related("data_set").get(pk=submission.pk)
    if locked.status != Status.SUBMITTED:
        raise WorkflowError("只有已报送的填报才能审核")
    locked.approvals += 1
    done = locked.approvals >= len(locked.data_set.approval_levels)
    _transition(locked, user, "approve", Status.APPROVED if done else Status.SUBMITTED, note)
    if done:
        transaction.on_commit(lambda: submission_approved.send(Submission, submission=locked))
    return locked


@transaction.atomic
def return_submission(submission: Submission, user: User, reason: str) -> Submission:
    if not reason.strip():
        raise WorkflowError("退回必须说明原因")
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.status != Status.SUBMITTED:
        raise WorkflowError("只有已报送的填报才能退回")
    _transition(locked, user, "return", Status.RETURNED, reason)
    return locked


@transaction.atomic
def reopen(submission: Submission, user: User, reason: str) -> Submission:
    """Unlock an approved submission for correction; the reason is kept in the workflow log."""
    if not reason.strip():
        raise WorkflowError("重新打开必须说明原因")
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.status != Status.APPROVED:
        raise WorkflowError("只有已审核的填报才能重新打开")
    _transition(locked, user, "reopen", Status.RETURNED, reason)
    return locked


@transaction.atomic
def record_vintage(
    submission: Submission,
    user: User,
    vintage: str,
    raw: Mapping[str, object],
    reason: str,
    channel: str | None = None,
) -> SaveResult:
    """Record verified (核定) or revised (修订) figures beside the self-reported ones.

    Progress reads the latest vintage, so changed figures are announced like an approval.
    ``channel`` names the route in the audit (by default the vintage itself).
    """
    if vintage not in (Vintage.VERIFIED, Vintage.REVISED):
        raise WorkflowError(f"未知的口径 {vintage}")
    if not reason.strip():
        raise WorkflowError("核定或修订必须说明依据")
    locked = Submission.objects.select_for_update().select_related("data_set").get(pk=submission.pk)
    if locked.status != Status.APPROVED:
        raise WorkflowError("只有已审核的填报才能核定或修订")
    parsed, problems = parse_values(field_specs(locked.data_set), raw)
    merged = {**best_values(locked), **parsed}
    problems += check_submission(locked, merged, {}, for_submission=False)
    if problems:
        raise Invalid(problems)
    changed = _write(locked, user, parsed, vintage, reason, channel=channel or vintage)
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    if changed:
        transaction.on_commit(lambda: submission_approved.send(Submission, submission=locked))
    return SaveResult(locked, changed)


# --- Obligations ---------------------------------------------------------------------------


def expected_units(data_set: DataSet, period: Period) -> list[tuple[str, dict]]:
    """The units that owe a report for the period: (unit_key, fields of Submission)."""
    if data_set.reporter_kind == "region":
        regions: Iterable[Region] = Region.objects.valid_on(end_date(period)).filter(
            level=data_set.reporter_level
        )
        return [(f"region:{r.code}", {"region": r}) for r in regions]
    if data_set.reporter_kind == "department":
        departments: Iterable[Department] = data_set.reporter_departments.all()
        return [(f"department:{d.code}", {"department": d}) for d in departments]
    enterprises: Iterable[Enterprise] = Enterprise.objects.all()
    return [(f"enterprise:{e.code}", {"enterprise": e}) for e in enterprises]


def open_period(data_set: DataSet, period: Period) -> QuerySet[Submission]:
    """Create the period's submissions (as drafts) for every expected unit; idempotent."""
    due = deadline(
        period, data_set.deadline_day, data_set.deadline_months_after, data_set.deadline_month
    )
    existing = set(
        Submission.objects.filter(data_set=data_set, period=str(period)).values_list(
            "unit_key", flat=True
        )
    )
    Submission.objects.bulk_create(
        [
            Submission(data_set=data_set, unit_key=key, period=str(period), due=due, **fields)
            for key, fields in expected_units(data_set, period)
            if key not in existing
        ],
        ignore_conflicts=True,
    )
    return Submission.objects.filter(data_set=data_set, period=str(period))
