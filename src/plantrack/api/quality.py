"""API: 监测指标 — the month's figures computed from online and supervisory monitoring.

Mounted at ``/api/quality``. Reads go through ``quality.access`` (a city user gets only its
city's sources, stations and samples); amendments (修约) go through ``quality.actions`` with the
same permission and window checks as the pages.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from plantrack.core.hj212 import BEIJING
from plantrack.core.nodata import NoData
from plantrack.plans.models import Plan
from plantrack.quality import access
from plantrack.quality.actions import AmendmentRefused, amend_hours
from plantrack.quality.models import CityAirDay, ExceedanceRecord, SectionMonth
from plantrack.quality.pages import LEVELS
from plantrack.quality.queries import city_figures, rate_rows, rates_of, samples_of
from plantrack.quality.services import Month

router = Router(tags=["quality"])


def _rate(value: Fraction | NoData) -> float | None:
    """A rate as a fraction of 1 rounded to 6 places; null without data."""
    return None if isinstance(value, NoData) else round(float(value), 6)


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as error:
        raise HttpError(422, f"month：{error}") from None


def _plan(code: str) -> Plan:
    return get_object_or_404(Plan, code=code)


class CityOut(Schema):
    region: str
    name: str
    hours_owed: int
    hours_received: int
    hours_valid: int
    transmission_rate: float | None
    validity_rate: float | None
    transmission_validity_rate: float | None
    supervisory_occasions: int
    supervisory_compliant: int
    supervisory_rate: float | None
    air_valid_days: int
    air_good_days: int
    good_day_share: float | None
    sections: int
    sections_compliant: int
    section_share: float | None
    is_demo: bool


class RateOut(Schema):
    key: str
    name: str
    region: str
    hours_owed: int
    hours_received: int
    hours_valid: int
    hours_excluded: int
    transmission_rate: float | None
    validity_rate: float | None
    transmission_validity_rate: float | None
    exceedances: int
    is_demo: bool


class ExceedanceOut(Schema):
    mn: str
    source: str
    pollutant: str
    hour: dt.datetime
    kind: str
    value: str
    limit: str
    multiple: str
    above_range: bool


class SampleOut(Schema):
    enterprise: str
    enterprise_name: str
    outlet_code: str
    sampled_on: dt.date
    pollutant: str
    value: str
    limit: str | None
    lower_limit: str | None
    unit: str
    compliant: bool | None
    is_demo: bool


class AirDayOut(Schema):
    region: str
    name: str
    day: dt.date
    aqi: int | None
    primary: str
    valid: bool
    concentrations: dict[str, str | None]


class SectionOut(Schema):
    mn: str
    name: str
    region: str
    means: dict[str, str | None]
    water_class: str
    target_class: str
    compliant: bool | None
    exceeding: str


class AmendmentIn(Schema):
    mn: str
    pollutants: list[str]
    start: dt.datetime
    end: dt.datetime
    status: str
    reason: str
    evidence: str = ""


class AmendmentOut(Schema):
    month: str
    amended_hours: int


@router.get("/{code}/cities", response=list[CityOut], summary="各设区市的月度监测指标")
def cities(request: HttpRequest, code: str, month: str) -> list[dict]:
    _plan(code)
    figures = city_figures(
        access.cities_for(request.user),
        access.sources_for(request.user),
        access.samples_for(request.user),
        _month(month),
    )
    return [
        {
            "region": f.region.code,
            "name": f.region.name,
            "hours_owed": f.online.owed,
            "hours_received": f.online.received,
            "hours_valid": f.online.valid,
            "transmission_rate": _rate(f.online_rates.transmission),
            "validity_rate": _rate(f.online_rates.validity),
            "transmission_validity_rate": _rate(f.online_rates.transmission_validity),
            "supervisory_occasions": f.supervisory.occasions,
            "supervisory_compliant": f.supervisory.occasions_compliant,
            "supervisory_rate": _rate(f.supervisory.rate),
            "air_valid_days": f.air_days,
            "air_good_days": f.good_days,
            "good_day_share": _rate(f.good_day_share),
            "sections": f.sections,
            "sections_compliant": f.sections_compliant,
            "section_share": _rate(f.section_share),
            "is_demo": f.is_demo,
        }
        for f in figures
    ]


@router.get(
    "/{code}/rates", response=list[RateOut], summary="数据传输有效率（按因子、企业、县、市）"
)
def rates(request: HttpRequest, code: str, month: str, level: str = "factor") -> list[dict]:
    _plan(code)
    if level not in LEVELS:
        raise HttpError(422, f"level：应为 {'、'.join(LEVELS)} 之一，收到 {level}")
    rows = rate_rows(rates_of(access.sources_for(request.user), _month(month)), level)
    return [
        {
            "key": r.key,
            "name": r.name,
            "region": r.region,
            "hours_owed": r.counts.owed,
            "hours_received": r.counts.received,
            "hours_valid": r.counts.valid,
            "hours_excluded": r.counts.excluded,
            "transmission_rate": _rate(r.rates.transmission),
            "validity_rate": _rate(r.rates.validity),
            "transmission_validity_rate": _rate(r.rates.transmission_validity),
            "exceedances": r.exceedances,
            "is_demo": r.is_demo,
        }
        for r in rows
    ]


@router.get("/{code}/exceedances", response=list[ExceedanceOut], summary="超标记录（小时均值）")
def exceedances(request: HttpRequest, code: str, month: str) -> list[dict]:
    _plan(code)
    rows = ExceedanceRecord.objects.filter(
        source__in=access.sources_for(request.user), month=str(_month(month))
    ).select_related("source")
    return [
        {
            "mn": e.source.mn,
            "source": e.source.name,
            "pollutant": e.pollutant,
            "hour": e.hour.astimezone(BEIJING),
            "kind": e.kind,
            "value": f"{e.value.normalize():f}",
            "limit": f"{e.limit.normalize():f}",
            "multiple": f"{e.multiple:f}",
            "above_range": e.above_range,
        }
        for e in rows.order_by("hour", "source__mn")
    ]


def _text(value: object) -> str | None:
    return None if value is None else f"{value.normalize():f}"  # type: ignore[attr-defined]


@router.get("/{code}/supervisory", response=list[SampleOut], summary="监督性监测结果")
def supervisory(request: HttpRequest, code: str, month: str) -> list[dict]:
    _plan(code)
    return [
        {
            "enterprise": s.enterprise.code,
            "enterprise_name": s.enterprise.name,
            "outlet_code": s.outlet_code,
            "sampled_on": s.sampled_on,
            "pollutant": s.pollutant,
            "value": f"{s.value.normalize():f}",
            "limit": _text(s.limit),
            "lower_limit": _text(s.lower_limit),
            "unit": s.unit,
            "compliant": s.compliant,
            "is_demo": s.is_demo,
        }
        for s in samples_of(access.samples_for(request.user), _month(month)).order_by("sampled_on")
    ]


@router.get("/{code}/air", response=list[AirDayOut], summary="城市空气质量日报（AQI）")
def air(request: HttpRequest, code: str, month: str) -> list[dict]:
    _plan(code)
    period = _month(month)
    rows = CityAirDay.objects.filter(
        region__in=access.cities_for(request.user),
        day__gte=period.start.date(),
        day__lt=period.end.date(),
    ).select_related("region")
    return [
        {
            "region": d.region.code,
            "name": d.region.name,
            "day": d.day,
            "aqi": d.aqi,
            "primary": d.primary,
            "valid": d.valid,
            "concentrations": d.concentrations,
        }
        for d in rows.order_by("region__code", "day")
    ]


@router.get("/{code}/water", response=list[SectionOut], summary="断面水质（月）")
def water(request: HttpRequest, code: str, month: str) -> list[dict]:
    _plan(code)
    rows = SectionMonth.objects.filter(
        source__in=access.sources_for(request.user), month=str(_month(month))
    ).select_related("source", "source__region")
    return [
        {
            "mn": s.source.mn,
            "name": s.source.name,
            "region": s.source.region.code,
            "means": s.means,
            "water_class": s.water_class,
            "target_class": s.target_class,
            "compliant": s.compliant,
            "exceeding": s.exceeding,
        }
        for s in rows.order_by("source__mn")
    ]


@router.post("/{code}/amendments", response=AmendmentOut, summary="数据修约（在修约期限内）")
def amend(request: HttpRequest, code: str, payload: AmendmentIn) -> dict:
    plan = _plan(code)
    source = access.access_source_by_mn(request.user, payload.mn)
    try:
        result = amend_hours(
            request.user,  # type: ignore[arg-type]
            plan,
            source,
            payload.pollutants,
            payload.start,
            payload.end,
            payload.status,
            payload.reason,
            evidence=payload.evidence,
        )
    except AmendmentRefused as error:
        status = 403 if "无权" in str(error) else 422
        raise HttpError(status, str(error)) from None
    return {"month": str(result.month), "amended_hours": len(result.amendments)}
