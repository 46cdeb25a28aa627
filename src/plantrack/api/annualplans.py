"""API: 年度实施计划与责任报告 — obligations, their structured targets, submit and review.

The same access rules as the pages: every query goes through ``annualplans.access`` and every
change through ``annualplans.actions`` (channel ``api``).
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from plantrack.accounts.access import scope_of
from plantrack.annualplans import actions, queries, summary
from plantrack.annualplans.access import access_obligation
from plantrack.annualplans.models import Obligation
from plantrack.plans.models import Plan

router = Router(tags=["annualplans"])


class ObligationOut(Schema):
    id: int
    year: int
    kind: str
    region: str | None
    department: str | None
    holder: str
    target: str
    due: dt.date
    status: str
    submitted_at: dt.datetime | None
    accepted_at: dt.datetime | None
    late_days: int | None
    overdue_days: int | None
    return_reason: str
    demo: bool


class DocumentOut(Schema):
    id: int
    name: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class TargetRowOut(Schema):
    target: str
    value: Decimal
    assigned: Decimal | None
    measures: str


class ObligationDetailOut(ObligationOut):
    documents: list[DocumentOut]
    targets: list[TargetRowOut]


class FilterIn(Schema):
    year: str = ""
    kind: str = ""
    status: str = ""
    holder: str = ""


class ReviewIn(Schema):
    accept: bool
    reason: str = ""


class CountsOut(Schema):
    open: int
    overdue: int
    closed: int


class ErrorOut(Schema):
    detail: str


def _out(o: Obligation, today: dt.date) -> dict:
    return {
        "id": o.pk,
        "year": o.year,
        "kind": o.kind,
        "region": o.region.code if o.region else None,
        "department": o.department.code if o.department else None,
        "holder": o.holder_name,
        "target": o.target.code,
        "due": o.due,
        "status": o.status,
        "submitted_at": o.submitted_at,
        "accepted_at": o.accepted_at,
        "late_days": o.late_days(),
        "overdue_days": o.overdue_days(today),
        "return_reason": o.return_reason,
        "demo": o.is_demo,
    }


def _plan(code: str) -> Plan:
    return get_object_or_404(Plan, code=code)


@router.get("/{plan}/obligations", response=list[ObligationOut], summary="可见的报送任务")
def list_obligations(request: HttpRequest, plan: str, filters: Query[FilterIn]) -> list[dict]:
    today = timezone.localdate()
    f = queries.ObligationFilter.of(filters.dict())
    rows = queries.filter_obligations(scope_of(request.user), _plan(plan), f, today)
    return [_out(o, today) for o in rows]


@router.get("/{plan}/counts", response=CountsOut, summary="未办结、已逾期、已办结的报送任务数")
def counts(request: HttpRequest, plan: str) -> dict[str, int]:
    return summary.counts(request.user, _plan(plan))


@router.get("/{plan}/obligations/{pk}", response=ObligationDetailOut, summary="一项报送任务")
def get_obligation(request: HttpRequest, plan: str, pk: int) -> dict:
    o = access_obligation(request.user, _plan(plan), pk)
    return _out(o, timezone.localdate()) | {
        "documents": [
            {
                "id": d.pk,
                "name": d.name,
                "size": d.size,
                "sha256": d.sha256,
                "uploaded_at": d.uploaded_at,
            }
            for d in o.documents.all()
        ],
        "targets": [
            {
                "target": r.target.code,
                "value": r.value,
                "assigned": r.assigned,
                "measures": r.measures,
            }
            for r in o.target_rows.select_related("target")
        ],
    }


def _act(request: HttpRequest, plan: str, pk: int, step) -> Status:  # type: ignore[no-untyped-def]
    o = access_obligation(request.user, _plan(plan), pk)
    try:
        step(o)
    except PermissionDenied as error:
        return Status(403, {"detail": str(error) or "无权办理此报送任务"})
    except ValidationError as error:
        return Status(422, {"detail": "；".join(error.messages)})
    o.refresh_from_db()
    return Status(200, _out(o, timezone.localdate()))


@router.post(
    "/{plan}/obligations/{pk}/submit",
    response={200: ObligationOut, 403: ErrorOut, 422: ErrorOut},
    summary="承担单位提交（须已上传文件；年度实施计划须已导入分解目标）",
)
def submit(request: HttpRequest, plan: str, pk: int) -> Status:
    return _act(
        request,
        plan,
        pk,
        lambda o: actions.submit(request.user, o, channel="api"),  # type: ignore[arg-type]
    )


@router.post(
    "/{plan}/obligations/{pk}/review",
    response={200: ObligationOut, 403: ErrorOut, 422: ErrorOut},
    summary="省级管理员审核：通过或退回（退回须说明原因）",
)
def review(request: HttpRequest, plan: str, pk: int, payload: ReviewIn) -> Status:
    return _act(
        request,
        plan,
        pk,
        lambda o: actions.review(
            request.user,  # type: ignore[arg-type]
            o,
            accept=payload.accept,
            reason=payload.reason,
            channel="api",
        ),
    )
