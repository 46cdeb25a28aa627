"""API: 督查整改与联席会议 — campaigns, findings, the rectification ledger and joint meetings.

The same access rules as the pages: every query goes through ``supervision.access``.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Form, Query, Router, Schema, Status

from plantrack.accounts.access import scope_of
from plantrack.plans.models import Plan
from plantrack.supervision import actions
from plantrack.supervision.access import (
    access_campaign,
    access_item,
    access_meeting,
    visible_campaigns,
    visible_findings,
    visible_items,
    visible_meetings,
)
from plantrack.supervision.models import Item
from plantrack.supervision.queries import LedgerFilter, filter_items

router = Router(tags=["supervision"])


class CampaignOut(Schema):
    id: int
    name: str
    kind: str
    decided_by: str
    start: dt.date
    end: dt.date
    status: str
    regions: list[str]
    demo: bool


class FindingOut(Schema):
    id: int
    region: str
    enterprise: str | None
    program: str | None
    description: str
    severity: str
    found_on: dt.date
    item: int


class ItemOut(Schema):
    id: int
    number: str
    source: str
    title: str
    region: str | None
    department: str | None
    program: str | None
    term: str
    deadline: dt.date
    status: str
    escalation: int
    overdue: bool
    follow_up: int | None
    demo: bool


class EventOut(Schema):
    kind: str
    user: str | None
    at: dt.datetime
    note: str


class ItemDetailOut(ItemOut):
    required_evidence: str
    events: list[EventOut]
    evidence: list[dict[str, str]]


class TaskOut(Schema):
    decision: str
    item: ItemOut


class MeetingOut(Schema):
    number: int
    date: dt.date
    place: str
    chair: str
    departments: list[str]
    attendees: str
    agenda: list[str]
    decisions: list[str]
    demo: bool


class FilterIn(Schema):
    source: str = ""
    status: str = ""
    overdue: bool = False
    region: str = ""
    term: str = ""
    escalated: bool = False
    q: str = ""
    limit: int = 500
    offset: int = 0


class NoteIn(Schema):
    note: str


class ErrorOut(Schema):
    detail: str


def _plan(code: str) -> Plan:
    return get_object_or_404(Plan, code=code)


def _item(i: Item) -> dict:
    return {
        "id": i.pk, "number": i.number, "source": i.source, "title": i.title,
        "region": i.region.code if i.region else None,
        "department": i.department.code if i.department else None,
        "program": i.program.code if i.program else None, "term": i.term,
        "deadline": i.deadline, "status": i.status, "escalation": i.escalation,
        "overdue": i.status != "closed" and i.deadline < timezone.localdate(),
        "follow_up": i.follow_up_id, "demo": i.is_demo,
    }  # fmt: skip


@router.get("/{plan}/campaigns", response=list[CampaignOut], summary="督查活动")
def campaigns(request: HttpRequest, plan: str) -> list[dict]:
    rows = visible_campaigns(scope_of(request.user), _plan(plan)).prefetch_related("regions")
    return [
        {"id": c.pk, "name": c.name, "kind": c.kind, "decided_by": c.decided_by,
         "start": c.start, "end": c.end, "status": c.status,
         "regions": [r.code for r in c.regions.all()], "demo": c.is_demo}
        for c in rows
    ]  # fmt: skip


@router.get("/{plan}/campaigns/{pk}/findings", response=list[FindingOut], summary="发现问题")
def findings(request: HttpRequest, plan: str, pk: int) -> list[dict]:
    campaign = access_campaign(request.user, _plan(plan), pk)
    rows = visible_findings(scope_of(request.user), campaign).select_related(
        "region", "enterprise", "program", "item"
    )
    return [
        {"id": f.pk, "region": f.region.code,
         "enterprise": f.enterprise.code if f.enterprise else None,
         "program": f.program.code if f.program else None, "description": f.description,
         "severity": f.severity, "found_on": f.found_on, "item": f.item.pk}
        for f in rows
    ]  # fmt: skip


@router.get("/{plan}/items", response=list[ItemOut], summary="整改台账（可筛选）")
def items(request: HttpRequest, plan: str, filters: Query[FilterIn]) -> list[dict]:
    rows = filter_items(scope_of(request.user), _plan(plan), LedgerFilter.of(filters.dict()))
    limit = max(1, min(filters.limit, 5000))
    return [_item(i) for i in rows[filters.offset : filters.offset + limit]]


@router.get("/{plan}/items/{pk}", response=ItemDetailOut, summary="一个整改事项（一案一档）")
def item(request: HttpRequest, plan: str, pk: int) -> dict:
    found = access_item(request.user, _plan(plan), pk)
    return _item(found) | {
        "required_evidence": found.required_evidence,
        "events": [
            {"kind": e.kind, "user": e.user.get_username() if e.user else None, "at": e.at,
             "note": e.note}
            for e in found.events.select_related("user")
        ],
        "evidence": [{"name": e.name, "sha256": e.sha256} for e in found.evidence.all()],
    }  # fmt: skip


def _run(step, *args) -> Status:  # type: ignore[no-untyped-def]
    try:
        done = step(*args, channel="api")
    except PermissionDenied as error:
        return Status(403, {"detail": str(error) or "无权操作"})
    except ValidationError as error:
        return Status(422, {"detail": "；".join(error.messages)})
    return Status(200, _item(done))


@router.post(
    "/{plan}/items/{pk}/submit",
    response={200: ItemOut, 403: ErrorOut, 422: ErrorOut},
    summary="责任单位提交整改材料（multipart：note 与 files）",
)
def submit(request: HttpRequest, plan: str, pk: int, note: Form[str]) -> Status:
    """Evidence files come as the multipart field ``files`` (read from the request: ninja
    cannot declare an optional file list). The first submission needs at least one; a
    resubmission after a return may add none."""
    found = access_item(request.user, _plan(plan), pk)
    return _run(actions.submit, request.user, found, note, request.FILES.getlist("files"))


@router.post(
    "/{plan}/items/{pk}/verify",
    response={200: ItemOut, 403: ErrorOut, 422: ErrorOut},
    summary="核验销号（非责任单位、有权限者）",
)
def verify(request: HttpRequest, plan: str, pk: int, payload: NoteIn) -> Status:
    found = access_item(request.user, _plan(plan), pk)
    return _run(actions.verify, request.user, found, payload.note)


@router.post(
    "/{plan}/items/{pk}/return",
    response={200: ItemOut, 403: ErrorOut, 422: ErrorOut},
    summary="退回整改",
)
def send_back(request: HttpRequest, plan: str, pk: int, payload: NoteIn) -> Status:
    found = access_item(request.user, _plan(plan), pk)
    return _run(actions.send_back, request.user, found, payload.note)


@router.get("/{plan}/meetings", response=list[MeetingOut], summary="联席会议")
def meetings(request: HttpRequest, plan: str) -> list[dict]:
    rows = visible_meetings(scope_of(request.user), _plan(plan)).prefetch_related(
        "departments", "decisions"
    )
    return [
        {"number": m.number, "date": m.date, "place": m.place, "chair": m.chair,
         "departments": [d.code for d in m.departments.all()], "attendees": m.attendees,
         "agenda": m.agenda_items, "decisions": [d.text for d in m.decisions.all()],
         "demo": m.is_demo}
        for m in rows
    ]  # fmt: skip


@router.get("/{plan}/meetings/{number}/tasks", response=list[TaskOut], summary="会议任务")
def tasks(request: HttpRequest, plan: str, number: int) -> list[dict]:
    plan_obj = _plan(plan)
    meeting = access_meeting(request.user, plan_obj, number)
    rows = (
        visible_items(scope_of(request.user), plan_obj)
        .filter(decision__meeting=meeting)
        .select_related("decision", "region", "department", "program")
    )
    return [{"decision": i.decision.text, "item": _item(i)} for i in rows]  # type: ignore[union-attr]
