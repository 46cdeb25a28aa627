"""The tables of the quality pages, built from the named reads for what a user may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext as _

from plantrack.core.hj212 import BEIJING
from plantrack.plans.models import Plan

from . import access
from .models import CityAirDay, ExceedanceRecord, SectionMonth, StationDay
from .queries import city_figures, rate_rows, rates_of, samples_of
from .services import Month
from .tables import Cell, Table, percent

User = AbstractBaseUser | AnonymousUser

LEVELS = ("factor", "enterprise", "county", "city")


def cities_table(user: User, plan: Plan, month: Month) -> Table:
    figures = city_figures(
        access.cities_for(user), access.sources_for(user), access.samples_for(user), month
    )
    table = Table(
        "cities",
        _("各设区市监测指标"),
        [
            _("设区市"), _("应传输小时数"), _("实际传输小时数"), _("有效小时数"), _("数据传输率"),
            _("数据有效率"), _("数据传输有效率"), _("监督性监测次数"), _("达标次数"),
            _("监督性监测达标率"), _("有效监测天数"), _("达标天数"), _("达标天数比例"),
            _("功能区断面数"), _("达标断面数"), _("断面达标率"),
        ],
    )  # fmt: skip
    for f in figures:
        r = f.online_rates
        table.add(
            Cell(f.region.name, css="name"), f.online.owed, f.online.received, f.online.valid,
            percent(r.transmission), percent(r.validity), percent(r.transmission_validity),
            f.supervisory.occasions, f.supervisory.occasions_compliant,
            percent(f.supervisory.rate), f.air_days, f.good_days, percent(f.good_day_share),
            f.sections, f.sections_compliant, percent(f.section_share),
        )  # fmt: skip
        table.demo = table.demo or f.is_demo
    return table


def rates_table(user: User, plan: Plan, month: Month, level: str) -> Table:
    monthly = list(rates_of(access.sources_for(user), month))
    rows = rate_rows(monthly, level)
    names = {"factor": _("监测点及因子"), "enterprise": _("企业"), "county": _("县（市、区）"),
             "city": _("设区市")}  # fmt: skip
    table = Table(
        f"rates-{level}",
        _("数据传输有效率"),
        [names[level], _("所在地区"), _("应传输小时数"), _("实际传输小时数"), _("有效小时数"),
         _("停产（停运）小时数"), _("数据传输率"), _("数据有效率"), _("数据传输有效率"),
         _("超标小时数")],
    )  # fmt: skip
    for row in rows:
        name = Cell(row.name)
        if level == "factor":
            mn, pollutant = row.key.split(":")
            href = reverse("quality-hours", args=[plan.code, mn, pollutant]) + f"?month={month}"
            name = Cell(row.name, href)
        r = row.rates
        table.add(
            name, row.region, row.counts.owed, row.counts.received, row.counts.valid,
            row.counts.excluded, percent(r.transmission), percent(r.validity),
            percent(r.transmission_validity), row.exceedances,
        )  # fmt: skip
        table.demo = table.demo or row.is_demo
    return table


def exceedances_table(user: User, plan: Plan, month: Month) -> Table:
    rows = (
        ExceedanceRecord.objects.filter(source__in=access.sources_for(user), month=str(month))
        .select_related("source", "source__region", "source__enterprise")
        .order_by("hour", "source__mn", "pollutant")
    )
    table = Table(
        "exceedances",
        _("超标记录（小时均值）"),
        [_("数据时间"), _("企业"), _("监测点"), _("所在地区"), _("污染物编码"), _("数据类型"),
         _("小时均值"), _("排放限值"), _("超标倍数"), _("备注")],
    )  # fmt: skip
    for e in rows:
        table.add(
            f"{e.hour.astimezone(BEIJING):%Y-%m-%d %H:%M}",
            e.source.enterprise.name if e.source.enterprise else "—", e.source.name,
            e.source.region.name, e.pollutant, e.kind, _num(e.value), _num(e.limit),
            _num(e.multiple), _("超测上限") if e.above_range else "",
        )  # fmt: skip
        table.demo = table.demo or e.source.is_demo
    return table


def samples_table(user: User, plan: Plan, month: Month) -> Table:
    table = Table(
        "supervisory",
        _("监督性监测结果"),
        [_("监测日期"), _("企业"), _("排放口编号"), _("监测项目"), _("监测值"), _("标准限值"),
         _("标准下限"), _("单位"), _("执行标准"), _("达标"), _("监测单位"), _("报告编号")],
    )  # fmt: skip
    for s in samples_of(access.samples_for(user), month).order_by("sampled_on", "enterprise"):
        verdict = {True: _("达标"), False: _("超标"), None: _("未评价")}[s.compliant]
        table.add(
            f"{s.sampled_on:%Y-%m-%d}", s.enterprise.name, s.outlet_code or "—", s.pollutant,
            _num(s.value), _num(s.limit), _num(s.lower_limit), s.unit, s.standard,
            Cell(verdict, css="bad" if s.compliant is False else ""), s.monitored_by,
            s.report_no,
        )  # fmt: skip
        table.demo = table.demo or s.is_demo
    return table


def city_air_table(user: User, plan: Plan, month: Month) -> Table:
    cities = access.cities_for(user)
    rows = CityAirDay.objects.filter(
        region__in=cities, day__gte=month.start.date(), day__lt=month.end.date()
    ).select_related("region")
    table = Table("air-cities", _("城市空气质量日报"), _air_headers(_("设区市")))
    for d in rows.order_by("region__code", "day"):
        table.add(d.region.name, *_air_cells(d.day, d.concentrations, d.aqi, d.primary, d.valid))
    table.demo = _any_demo_station(user)
    return table


def station_air_table(user: User, plan: Plan, month: Month) -> Table:
    rows = StationDay.objects.filter(
        source__in=access.sources_for(user),
        day__gte=month.start.date(),
        day__lt=month.end.date(),
    ).select_related("source")
    table = Table("air-stations", _("站点空气质量日报"), _air_headers(_("监测站")))
    for d in rows.order_by("source__mn", "day"):
        table.add(d.source.name, *_air_cells(d.day, d.concentrations, d.aqi, d.primary, d.valid))
        table.demo = table.demo or d.source.is_demo
    return table


def _air_headers(first: str) -> list[str]:
    return [first, _("日期"), "SO₂", "NO₂", "PM10", "PM2.5", "CO", "O₃-1h", "O₃-8h", "AQI",
            _("首要污染物"), _("有效监测日")]  # fmt: skip


def _air_cells(day, concentrations, aqi, primary, valid):  # type: ignore[no-untyped-def]
    c = concentrations
    return [
        f"{day:%Y-%m-%d}", *(_round(c.get(p), p) for p in
                             ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3_1h", "O3_8h")),
        aqi, primary or "—", _("是") if valid else _("否"),
    ]  # fmt: skip


def _any_demo_station(user: User) -> bool:
    return access.sources_for(user).filter(system="22", is_demo=True).exists()


def sections_table(user: User, plan: Plan, month: Month) -> Table:
    rows = SectionMonth.objects.filter(
        source__in=access.sources_for(user), month=str(month)
    ).select_related("source", "source__region")
    table = Table(
        "water",
        _("断面水质（月）"),
        [_("断面"), _("所在地区"), _("高锰酸盐指数"), _("氨氮"), _("总磷"), _("溶解氧"),
         _("水质类别"), _("目标类别"), _("达标"), _("超标项目")],
    )  # fmt: skip
    for s in rows.order_by("source__region__code", "source__mn"):
        m = s.means
        verdict = {True: _("达标"), False: _("不达标"), None: _("未评价")}[s.compliant]
        table.add(
            s.source.name, s.source.region.name, m.get("CODMn"), m.get("NH3_N"), m.get("TP"),
            m.get("DO"), s.water_class or "—", s.target_class,
            Cell(verdict, css="bad" if s.compliant is False else ""), s.exceeding or "—",
        )  # fmt: skip
        table.demo = table.demo or s.source.is_demo
    return table


def _num(value: object) -> str | None:
    if value is None:
        return None
    return f"{value.normalize():f}"  # type: ignore[attr-defined]


def _round(text: str | None, pollutant: str) -> str | None:
    # HJ 633 tables: µg/m³ as integers, CO (mg/m³) with one decimal.
    if text is None:
        return None
    value = float(text)
    return f"{value:.1f}" if pollutant == "CO" else f"{value:.0f}"


def latest_month(user: User) -> Month | None:
    """The newest month with computed results the user can see."""
    from .models import MonthlyRate

    text = (
        MonthlyRate.objects.filter(source__in=access.sources_for(user))
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    return Month.parse(text) if text else None
