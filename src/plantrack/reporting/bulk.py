"""Saving many submissions at once (Excel and CSV imports), all or nothing.

``actions.save_values`` costs some twenty queries per submission; an import of thousands of rows
needs the same guarantees in a few dozen queries. So ``save_many`` keeps them in batches:
submissions locked and their versions checked, values read with ``actions.parse_values`` and
checked with ``validation.check_values`` (the functions behind the web form, with the same
stored values, rules, previous-period figures and threshold), every changed value audited with
a ``ValueChange``, and nothing written unless every row passes.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from django.contrib.auth.models import User
from django.db import connection, models, transaction
from django.utils import timezone

from plantrack.core import validation
from plantrack.core.periods import Period
from plantrack.plans.models import DataElement

from . import actions
from .models import DataSet, Status, Submission, SubmissionEvent, Value, ValueChange, Vintage

# Stay under the bound-parameter limits of every database (SQLite's used to be 999).
_CHUNK = 900
_OPEN = (Status.DRAFT, Status.RETURNED)
_T = TypeVar("_T")


@dataclass(frozen=True)
class Entry:
    """The values to save into one submission, and the version the editor loaded."""

    submission: Submission
    version: int
    raw: Mapping[str, object]
    explanations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EntryProblem:
    """A problem of the entry at ``index``; kinds are validation's plus conflict and workflow."""

    index: int
    problem: validation.Problem


@dataclass
class BulkResult:
    problems: list[EntryProblem]
    saved: int = 0  # submissions written (changed or submitted)
    changed: int = 0  # values changed


@dataclass(frozen=True)
class _Form:
    specs: list[validation.FieldSpec]
    rules: list[validation.Rule]
    elements: dict[str, DataElement]


def save_many(
    entries: Sequence[Entry],
    user: User,
    *,
    channel: str,
    reason: str,
    submit: bool = False,
    check_only: bool = False,
) -> BulkResult:
    """Validate every entry, then save all of them in one transaction, or none.

    The caller checks access (as views do before ``save_values``). With ``check_only`` (the
    caller found other errors in the file) every entry is still checked, so the user sees all
    problems at once, and nothing is written.
    """
    with transaction.atomic():
        locked = _lock(e.submission.pk for e in entries)
        stored = _reported(locked)
        previous = previous_best_values(locked.values())
        forms: dict[int, _Form] = {}
        problems: list[EntryProblem] = []
        parsed: list[tuple[Submission, dict[str, Decimal | None], Mapping[str, str]]] = []
        seen: set[int] = set()
        for index, entry in enumerate(entries):
            submission = locked[entry.submission.pk]
            if submission.pk in seen:
                message = "同一单位同一期的填报在文件中出现了不止一次，请只保留一行"
                problems.append(EntryProblem(index, validation.Problem("", message, "duplicate")))
                continue
            seen.add(submission.pk)
            if submission.version != entry.version:
                problems.append(EntryProblem(index, _conflict(submission)))
                continue
            if submission.status not in _OPEN:
                message = (
                    f"该填报{submission.get_status_display()}，不能修改，请先申请退回或重新打开"
                )
                problems.append(EntryProblem(index, validation.Problem("", message, "workflow")))
                continue
            form = forms.get(submission.data_set_id) or _form(submission.data_set)
            forms[submission.data_set_id] = form
            values, found = actions.parse_values(form.specs, entry.raw)
            merged = {code: v.value for code, v in stored[submission.pk].items()} | values
            found += validation.check_values(
                form.specs,
                merged,
                rules=form.rules,
                previous=previous.get(submission.pk),
                change_threshold=submission.data_set.change_threshold,
                explanations=entry.explanations,
                for_submission=submit,
            )
            problems += [EntryProblem(index, p) for p in found]
            parsed.append((submission, values, entry.explanations))
        if problems or check_only:
            return BulkResult(problems)
        return _write(parsed, stored, forms, user, channel=channel, reason=reason, submit=submit)


def previous_best_values(
    submissions: Iterable[Submission],
) -> dict[int, dict[str, Decimal | None]]:
    """For each submission, ``actions.best_values`` of its previous period, in two queries."""
    wanted: dict[tuple[int, str, str], int] = {}
    for s in submissions:
        previous = str(Period.parse(s.period).shift(-1))
        wanted[(s.data_set_id, s.unit_key, previous)] = s.pk
    found: dict[int, int] = {}  # previous submission -> submission
    for chunk in _chunks(list(wanted)):
        rows = Submission.objects.filter(
            data_set_id__in={k[0] for k in chunk},
            unit_key__in={k[1] for k in chunk},
            period__in={k[2] for k in chunk},
        ).values_list("pk", "data_set_id", "unit_key", "period")
        for pk, data_set_id, unit_key, period in rows:
            if (data_set_id, unit_key, period) in wanted:
                found[pk] = wanted[(data_set_id, unit_key, period)]
    # best_values: revised over verified over reported, blanks never hide an older figure
    rank: dict[str, int] = {Vintage.REPORTED: 0, Vintage.VERIFIED: 1, Vintage.REVISED: 2}
    best: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
    ranks: dict[tuple[int, str], int] = {}
    for pks in _chunks(list(found)):
        values = Value.objects.filter(submission_id__in=pks, value__isnull=False).values_list(
            "submission_id", "element__code", "vintage", "value"
        )
        for previous_pk, code, vintage, value in values:
            pk = found[previous_pk]
            if rank[vintage] >= ranks.get((pk, code), -1):
                ranks[(pk, code)] = rank[vintage]
                best[pk][code] = value
    return dict(best)


def _lock(pks: Iterable[int]) -> dict[int, Submission]:
    # In primary-key order, so two imports of overlapping rows cannot deadlock each other.
    locked: dict[int, Submission] = {}
    for chunk in _chunks(sorted(set(pks))):
        query = Submission.objects.select_for_update().select_related("data_set")
        locked.update((s.pk, s) for s in query.filter(pk__in=chunk).order_by("pk"))
    return locked


def _reported(locked: Mapping[int, Submission]) -> dict[int, dict[str, Value]]:
    stored: dict[int, dict[str, Value]] = {pk: {} for pk in locked}
    for chunk in _chunks(list(locked)):
        rows = Value.objects.filter(submission_id__in=chunk, vintage=Vintage.REPORTED)
        for value in rows.select_related("element"):
            stored[value.submission_id][value.element.code] = value
    return stored


def _form(data_set: DataSet) -> _Form:
    links = data_set.fields.select_related("element")
    return _Form(
        actions.field_specs(data_set),
        actions.rules_of(data_set),
        {f.element.code: f.element for f in links},
    )


def _conflict(submission: Submission) -> validation.Problem:
    at = timezone.localtime(submission.updated_at)
    return validation.Problem(
        "",
        f"该填报已于 {at:%Y-%m-%d %H:%M:%S} 被修改（在您下载模板之后），"
        "为免覆盖他人数据未予保存；请重新下载模板后再填写",
        "conflict",
    )


def _write(
    parsed: Sequence[tuple[Submission, dict[str, Decimal | None], Mapping[str, str]]],
    stored: Mapping[int, dict[str, Value]],
    forms: Mapping[int, _Form],
    user: User,
    *,
    channel: str,
    reason: str,
    submit: bool,
) -> BulkResult:
    now = timezone.now()
    created: list[Value] = []
    updated: dict[int, Value] = {}
    changes: list[tuple[Value, Decimal | None, Decimal | None]] = []
    touched: list[Submission] = []
    for submission, values, explanations in parsed:
        existing = stored[submission.pk]
        elements = forms[submission.data_set_id].elements
        dirty = False
        for code, new in values.items():
            row = existing.get(code)
            if row is None:
                if new is None:
                    continue  # a blank cell where nothing was ever stored is not a change
                row = Value(
                    submission=submission,
                    element=elements[code],
                    vintage=Vintage.REPORTED,
                    value=new,
                )
                existing[code] = row
                created.append(row)
                changes.append((row, None, new))
                dirty = True
            elif row.value != new:
                changes.append((row, row.value, new))
                row.value, row.updated_at = new, now
                updated[id(row)] = row
                dirty = True
        for code, text in explanations.items():
            row = existing.get(code)
            if row is not None and row.explanation != text:
                row.explanation, row.updated_at = text, now
                if row.pk:
                    updated[id(row)] = row
                dirty = True
        if dirty or submit:
            touched.append(submission)
    Value.objects.bulk_create(created, batch_size=500)
    _update(Value, ["value", "explanation", "updated_at"], list(updated.values()))
    ValueChange.objects.bulk_create(
        [
            ValueChange(
                value=row, changed_by=user, old=old, new=new, reason=reason, channel=channel
            )
            for row, old, new in changes
        ],
        batch_size=500,
    )
    _bump(touched, user, now, submit=submit)
    return BulkResult([], saved=len(touched), changed=len(changes))


def _bump(submissions: Sequence[Submission], user: User, now: dt.datetime, *, submit: bool) -> None:
    """New versions for the written submissions, and the submit step when asked.

    The submit step does what ``actions._transition(..., "submit", ...)`` does for one
    submission (status, time, approvals reset, a workflow event; straight to approved when the
    data set has no approval levels), in two queries for all of them.
    """
    fields = ["version", "updated_at"]
    events = []
    for submission in submissions:
        submission.version += 1
        submission.updated_at = now
        if submit:
            before = submission.status
            submission.status = (
                Status.SUBMITTED if submission.data_set.approval_levels else Status.APPROVED
            )
            submission.submitted_at = now
            submission.approvals = 0
            submission.version += 1
            events.append(
                SubmissionEvent(
                    submission=submission,
                    by=user,
                    action="submit",
                    from_status=before,
                    to_status=submission.status,
                    note="",
                )
            )
    if submit:
        fields += ["status", "submitted_at", "approvals"]
    _update(Submission, fields, submissions)
    SubmissionEvent.objects.bulk_create(events, batch_size=500)


def _update(model: type[models.Model], names: list[str], rows: Sequence[models.Model]) -> None:
    """``UPDATE ... WHERE pk = %s`` for each row, sent with one ``executemany``.

    Django's ``bulk_update`` builds a ``CASE WHEN pk = ...`` per field over the whole batch and
    spends about a millisecond per row compiling it; this is some fifty times faster, and
    ``get_db_prep_save`` converts the values exactly as ``save()`` would.
    """
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in names]
    concrete = [f for f in fields if isinstance(f, models.Field)]
    assert len(concrete) == len(fields), "only concrete fields can be updated"
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in concrete)
    pk = model._meta.pk
    assert pk is not None
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s"
    params = [
        [f.get_db_prep_save(getattr(row, f.attname), connection) for f in concrete] + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _chunks(items: list[_T]) -> Iterator[list[_T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]
