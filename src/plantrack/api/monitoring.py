"""API: 在线监测（HJ 212）: registered sources, their readings and the receiver's counters;
the enterprises' 环境统计 emission figures.

Mounted at ``/api/monitoring``. Every endpoint reads through ``monitoring.access``: a city user
sees only its city's sources (404 for another's). Commands to a source's logger (HJ 212-2017
表9 上位机→现场机) are queued through ``monitoring.commands.queue_command``, which checks who
may send them (403 otherwise) and the parameters (422 naming the parameter). Emission figures
are read through ``loads.access_enterprise_by_code`` (404 out of reach) and written by
``loads.save_figure``, as on the enterprise page: 403 without the right to enter them, 422 with
each field's errors (the page's ``EmissionForm`` checks both).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from plantrack.api.errors import FieldErrorsOut
from plantrack.enterprises.models import EmissionChannel, Enterprise
from plantrack.monitoring import loads
from plantrack.monitoring.access import access_source_by_mn, sources_for
from plantrack.monitoring.commands import (
    CommandForbidden,
    CommandRefused,
    access_command,
    command_as_dict,
    commands_for,
    expire_overdue,
    queue_command,
)
from plantrack.monitoring.forms import EmissionForm
from plantrack.monitoring.models import COUNTER_FIELDS
from plantrack.monitoring.queries import daily_counters, readings_between

router = Router(tags=["monitoring"])

MAX_READINGS = 10_000


class PollutantOut(Schema):
    code: str
    limit: str | None
    limit_unit: str
    limit_standard: str
    limit_kind: str
    rtd_interval: int | None
    minute_interval: int | None
    reports_hourly: bool
    reports_daily: bool


class SourceOut(Schema):
    mn: str
    name: str
    enterprise: str | None
    enterprise_name: str | None
    outlet_code: str
    region: str
    region_name: str
    system: str
    protocol: str
    water_class: int | None
    active: bool
    is_demo: bool
    pollutants: list[PollutantOut]


class ReadingOut(Schema):
    pollutant: str
    time: dt.datetime
    cn: str
    kind: str
    value: str
    flag: str
    qn: str


class ReadingQuery(Schema):
    pollutant: str | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    cn: str | None = None
    kind: str | None = None
    limit: int = 1000


class CounterOut(Schema):
    day: dt.date
    frames_ok: int
    malformed: int
    bad_crc: int
    bad_length: int
    oversized: int
    unknown_mn: int
    wrong_password: int
    duplicates: int
    deviations: int
    timeouts: int
    readings: int


def _source_out(source) -> dict:  # type: ignore[no-untyped-def]
    return {
        "mn": source.mn,
        "name": source.name,
        "enterprise": source.enterprise.code if source.enterprise else None,
        "enterprise_name": source.enterprise.name if source.enterprise else None,
        "outlet_code": source.outlet_code,
        "region": source.region.code,
        "region_name": source.region.name,
        "system": source.system,
        "protocol": source.protocol,
        "water_class": source.water_class,
        "active": source.active,
        "is_demo": source.is_demo,
        "pollutants": [
            {
                "code": p.code,
                "limit": None if p.limit is None else f"{p.limit.normalize():f}",
                "limit_unit": p.limit_unit,
                "limit_standard": p.limit_standard,
                "limit_kind": p.limit_kind,
                "rtd_interval": p.rtd_interval,
                "minute_interval": p.minute_interval,
                "reports_hourly": p.reports_hourly,
                "reports_daily": p.reports_daily,
            }
            for p in source.pollutants.all()
        ],
    }


@router.get("/sources", response=list[SourceOut], summary="登记的监测点（本用户可见范围）")
def list_sources(request: HttpRequest, region: str | None = None) -> list[dict]:
    sources = sources_for(request.user).prefetch_related("pollutants").order_by("mn")
    if region:
        sources = sources.filter(region__code=region) | sources.filter(region__parent__code=region)
    return [_source_out(s) for s in sources]


@router.get("/sources/{mn}", response=SourceOut, summary="一个监测点")
def get_source(request: HttpRequest, mn: str) -> dict:
    return _source_out(access_source_by_mn(request.user, mn))


@router.get("/sources/{mn}/readings", response=list[ReadingOut], summary="监测数据（按数据时间）")
def list_readings(request: HttpRequest, mn: str, query: Query[ReadingQuery]) -> list[dict]:
    source = access_source_by_mn(request.user, mn)
    if not 1 <= query.limit <= MAX_READINGS:
        raise HttpError(422, f"limit：应在 1 到 {MAX_READINGS} 之间，收到 {query.limit}")
    if query.start and query.end and query.start >= query.end:
        raise HttpError(422, "start 应早于 end")
    values = readings_between(
        source,
        pollutant=query.pollutant,
        start=query.start,
        end=query.end,
        cn=query.cn,
        kind=query.kind,
        limit=query.limit,
    )
    return [
        {
            "pollutant": v.pollutant,
            "time": v.time,
            "cn": v.cn,
            "kind": v.kind,
            "value": v.text,
            "flag": v.flag,
            "qn": v.qn,
        }
        for v in values
    ]


@router.get("/sources/{mn}/counters", response=list[CounterOut], summary="接收计数（按日）")
def list_counters(request: HttpRequest, mn: str, days: int = 31) -> list[dict]:
    source = access_source_by_mn(request.user, mn)
    return [
        {"day": row.day, **{name: getattr(row, name) for name in COUNTER_FIELDS}}
        for row in daily_counters(source, max(1, min(days, 366)))
    ]


class CommandIn(Schema):
    cn: str
    parameters: dict[str, str] = {}
    reason: str
    timeout: int = 10
    retries: int = 3
    exec_timeout: int = 120
    connect_wait: int = 60


class CommandOut(Schema):
    id: int
    mn: str
    cn: str
    parameters: dict[str, str]
    qn: str
    status: str
    reason: str
    requested_by: str
    attempts: int
    qn_rtn: int | None
    exe_rtn: int | None
    returned: list[dict[str, str]]
    detail: str
    queued_at: dt.datetime
    finished_at: dt.datetime | None


@router.get("/sources/{mn}/commands", response=list[CommandOut], summary="下发给数采仪的命令")
def list_commands(request: HttpRequest, mn: str, limit: int = 100) -> list[dict]:
    source = access_source_by_mn(request.user, mn)
    expire_overdue()  # so a command does not wait for ever when no receiver runs
    rows = commands_for(request.user, source).select_related("source")[: max(1, min(limit, 1000))]
    return [command_as_dict(c) for c in rows]


@router.get("/sources/{mn}/commands/{pk}", response=CommandOut, summary="一条命令及其结果")
def get_command(request: HttpRequest, mn: str, pk: int) -> dict:
    source = access_source_by_mn(request.user, mn)
    expire_overdue()
    command = access_command(request.user, source, pk)
    if command is None:
        raise HttpError(404, "命令不存在")
    return command_as_dict(command)


@router.post(
    "/sources/{mn}/commands",
    response={201: CommandOut},
    summary="向数采仪下发命令（排队，由持有该 MN 连接的接收进程发送）",
)
def create_command(request: HttpRequest, mn: str, payload: CommandIn) -> Status:
    source = access_source_by_mn(request.user, mn)
    try:
        command = queue_command(
            request.user,  # type: ignore[arg-type]
            source,
            payload.cn,
            payload.parameters,
            payload.reason,
            timeout=payload.timeout,
            retries=payload.retries,
            exec_timeout=payload.exec_timeout,
            connect_wait=payload.connect_wait,
        )
    except CommandForbidden as error:
        raise HttpError(403, str(error)) from None
    except CommandRefused as error:
        raise HttpError(422, str(error)) from None
    return Status(201, command_as_dict(command))


class FigureOut(Schema):
    year: int
    pollutant: str
    amount: str
    source: str
    is_demo: bool
    updated_at: dt.datetime


class EmissionChangeOut(Schema):
    year: int
    pollutant: str
    old: str | None
    new: str | None
    reason: str
    channel: str
    changed_by: str
    changed_at: dt.datetime


class EmissionsOut(Schema):
    enterprise: str
    name: str
    region: str
    region_name: str
    can_enter: bool
    figures: list[FigureOut]
    changes: list[EmissionChangeOut]


class EmissionSavedOut(EmissionsOut):
    changed: bool


class EmissionIn(Schema):
    year: int
    pollutant: str
    amount: Decimal
    reason: str


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def _emissions_out(request: HttpRequest, enterprise: Enterprise) -> dict:
    return {
        "enterprise": enterprise.code,
        "name": enterprise.name,
        "region": enterprise.region.code,
        "region_name": enterprise.region.name,
        "can_enter": loads.can_enter_loads(request.user, enterprise),
        "figures": [
            {"year": f.year, "pollutant": f.pollutant, "amount": _amount(f.amount),
             "source": f.source, "is_demo": f.is_demo, "updated_at": f.updated_at}
            for f in loads.figures_of(enterprise)
        ],
        "changes": [
            {"year": c.year, "pollutant": c.pollutant, "old": _amount(c.old),
             "new": _amount(c.new), "reason": c.reason, "channel": c.channel,
             "changed_by": c.changed_by.get_username(), "changed_at": c.changed_at}
            for c in loads.changes_of(enterprise)
        ],
    }  # fmt: skip


@router.get(
    "/enterprises/{code}/emissions",
    response=EmissionsOut,
    summary="企业的环境统计排放量及其变更记录",
)
def get_emissions(request: HttpRequest, code: str) -> dict:
    return _emissions_out(request, loads.access_enterprise_by_code(request.user, code))


@router.put(
    "/enterprises/{code}/emissions",
    response={200: EmissionSavedOut, 422: FieldErrorsOut},
    summary="填写或更正企业一个年份一种污染物的排放量（数值未变则不记变更）",
)
def put_emission(request: HttpRequest, code: str, payload: EmissionIn) -> Status:
    enterprise = loads.access_enterprise_by_code(request.user, code)
    if not loads.can_enter_loads(request.user, enterprise):
        raise HttpError(403, "无权修改该企业的排放量")
    form = EmissionForm(payload.model_dump())
    if not form.is_valid():
        fields = {name: [str(m) for m in errors] for name, errors in form.errors.items()}
        detail = "；".join(f"{name}：{messages[0]}" for name, messages in fields.items())
        return Status(422, {"detail": detail, "fields": fields})
    user, reason = request.user, form.cleaned_data["reason"]
    try:
        changed = loads.save_figure(user, form.figure(enterprise), reason, EmissionChannel.API)  # type: ignore[arg-type]
    except loads.LoadsRefused as refused:
        return Status(422, {"detail": str(refused)})
    return Status(200, {**_emissions_out(request, enterprise), "changed": changed})
