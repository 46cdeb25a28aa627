"""The figures a report prints, read from PlanTrack and put into words.

Every number comes from :func:`plantrack.progress.services.compute` (progress and warnings)
or :func:`plantrack.assessment.services.assess`; this module only chooses, groups and
formats. A figure that was not reported prints as 暂无数据, never as 0.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from plantrack.accounts.access import Scope
from plantrack.assessment.models import Round
from plantrack.assessment.services import CityResult, assess
from plantrack.core.generic import round_half_up
from plantrack.core.nodata import NoData
from plantrack.core.periods import Period
from plantrack.dashboard.overview import headline_targets
from plantrack.plans.models import Plan, Target
from plantrack.progress.labels import SEVERITY, STATUS
from plantrack.progress.services import TargetProgress, compute, default_month, load
from plantrack.regions.models import Region

from .blocks import Grid

MET = {"achieved", "on_track", "done"}
BEHIND = {"lagging", "seriously_lagging", "deteriorating", "overdue"}
CHANGES = {"change", "pp_change"}
SEVERITIES = ("red", "orange", "yellow")


def no_data() -> str:
    return _("暂无数据")


def report_month(plan: Plan, year: int, month: Period | None = None) -> Period:
    """The month a report of ``year`` reads: the one asked for, else the latest month whose
    reports are complete (a year-end report is written before December's figures are in),
    never past December of the year."""
    if month is not None:
        if month.year != year or month.frequency != "month":
            raise ValueError(
                _("月份 %(month)s 不在 %(year)s 年内") % {"month": month, "year": year}
            )
        return month
    latest = default_month(plan, timezone.localdate())
    if latest.year == year:
        return latest
    return Period(year, month=12) if latest.year > year else Period(year, month=1)


def months_text(month: Period) -> str:
    """ "2011年1—9月", or "2011年1月" in January (GB/T 15834: a range takes the 一字线)."""
    assert month.month is not None
    if month.month == 1:
        return _("%(year)s年1月") % {"year": month.year}
    return _("%(year)s年1—%(month)s月") % {"year": month.year, "month": month.month}


def as_of_text(month: Period) -> str:
    """ "2011年9月底": the end of the month a report reads."""
    return _("%(year)s年%(month)s月底") % {"year": month.year, "month": month.month}


def number(value: Decimal | NoData | None, unit: str = "") -> str:
    if not isinstance(value, Decimal) or not value.is_finite():
        return no_data()
    shown = round_half_up(value, 2).normalize()
    return f"{shown:f}{unit}"


def signed(row: TargetProgress, value: Decimal | NoData | None) -> str:
    """A change in words (下降3.68%, 上升0.14%), any other figure with its unit."""
    target = row.target
    if not isinstance(value, Decimal):
        return no_data()
    indicator = target.indicator
    if indicator is not None and indicator.kind in CHANGES:
        word = _("下降") if value < 0 else _("上升") if value > 0 else _("持平")
        return word + (number(abs(value), target.unit) if value else "")
    return number(value, target.unit)


def target_value(target: Target) -> str:
    if target.kind == Target.Kind.MILESTONE:
        return _("%(date)s前完成") % {"date": target.due.isoformat()} if target.due else "—"
    return f"{target.value_text or number(target.value)}{target.unit}"


def status(row: TargetProgress) -> str:
    return str(STATUS[row.progress.status.value])


def warning(row: TargetProgress) -> str:
    worst = row.worst
    if worst is None or worst.severity is None:
        return "—"
    return _("%(level)s预警") % {"level": SEVERITY[worst.severity.value]}


def severity(row: TargetProgress) -> str:
    worst = row.worst
    return worst.severity.value if worst and worst.severity else ""


def standing(row: TargetProgress) -> str:
    """met, behind or open (no data, not due yet): how the charts and counts group a row."""
    value = row.progress.status.value
    return "met" if value in MET else "behind" if value in BEHIND else "open"


def standing_labels() -> dict[str, str]:
    return {"met": _("已完成或进度正常"), "behind": _("进度滞后"), "open": _("暂无数据或未到期")}


@dataclass
class Tally:
    """How a set of target rows stands: counts by standing, by status and by warning."""

    total: int
    met: int
    behind: int
    no_data: int
    open: int
    warnings: Counter[str]

    @classmethod
    def of(cls, rows: list[TargetProgress]) -> Tally:
        standings = Counter(standing(r) for r in rows)
        return cls(
            total=len(rows),
            met=standings["met"],
            behind=standings["behind"],
            no_data=sum(r.progress.status.value == "no_data" for r in rows),
            open=standings["open"],
            warnings=Counter(severity(r) for r in rows if severity(r)),
        )

    def sentence(self) -> str:
        text = _(
            "%(total)s项目标中，已完成或进度正常%(met)s项，进度滞后%(behind)s项，"
            "暂无数据%(no_data)s项"
        ) % {"total": self.total, "met": self.met, "behind": self.behind, "no_data": self.no_data}
        others = self.open - self.no_data
        if others:
            text += _("，尚未到期%(count)s项") % {"count": others}
        warned = [
            _("%(level)s预警%(count)s项") % {"level": SEVERITY[s], "count": self.warnings[s]}
            for s in SEVERITIES
            if self.warnings[s]
        ]
        return text + ("；" + "、".join(warned) if warned else "") + "。"


@dataclass
class Scene:
    """What one report is about: the plan, a region, the month read, and its rows."""

    plan: Plan
    region: Region
    month: Period
    rows: list[TargetProgress]

    @property
    def quantitative(self) -> list[TargetProgress]:
        return [r for r in self.rows if r.target.kind == Target.Kind.QUANTITATIVE]

    def by_domain(self, rows: list[TargetProgress] | None = None) -> list[tuple[str, list]]:
        """Rows grouped by the plan's domains in the plan's order; targets of no domain last."""
        groups: dict[tuple[int, str], list[TargetProgress]] = {}
        for row in self.rows if rows is None else rows:
            domain = row.target.domain
            key = (domain.order, domain.name) if domain else (999, str(_("综合目标")))
            groups.setdefault(key, []).append(row)
        return [(name, found) for (_order, name), found in sorted(groups.items())]


def scene(plan: Plan, region: Region, month: Period) -> Scene:
    rows = compute(plan, month, regions=[region.code], loaded=load(plan, month))
    return Scene(plan, region, month, rows)


def target_table(rows: list[TargetProgress], month: Period, caption: str = "") -> Grid:
    """The targets with their level, target value, figure to date, value due, status and
    warning: the table every report carries."""
    headers = [_("序号"), _("目标"), _("层级"), _("目标值"), _("完成值"), _("应完成"), _("状态"),
               _("预警")]  # fmt: skip
    body = [
        [
            str(n),
            row.target.statement,
            row.target.get_level_display(),
            target_value(row.target),
            signed(row, row.progress.value) if row.target.indicator else _("见进展说明"),
            signed(row, row.progress.required) if row.progress.required is not None else "—",
            status(row),
            warning(row),
        ]  # fmt: skip
        for n, row in enumerate(rows, start=1)
    ]
    note = _(
        "完成值为%(months)s累计或最新一期数据（按最新核定数、修订数）；“暂无数据”指尚无审核通过的填报数据。"
    )
    return Grid(headers, body, caption=caption, widths=[0.5, 2.5, 0.8, 1.1, 1.4, 1.3, 1.0, 0.9],
                note=note % {"months": months_text(month)})  # fmt: skip


def trend_series(plan: Plan, region: Region, month: Period, targets: list[Target]) -> list[dict]:
    """Each headline indicator month by month at the region, with the value due at each
    level: what the trend charts draw. Indicators with nothing reported are left out."""
    loaded = load(plan, month)
    charts: dict[str, dict] = {}
    assert month.month is not None
    for number_ in range(1, month.month + 1):
        current = Period(month.year, month=number_)
        for row in compute(plan, current, targets=targets, regions=[region.code], loaded=loaded):
            indicator = row.target.indicator
            if indicator is None:
                continue
            chart = charts.setdefault(indicator.code, {
                "title": indicator.name, "unit": row.target.unit, "months": [], "values": [],
                "lines": {},
            })  # fmt: skip
            if f"{number_}月" not in chart["months"]:
                chart["months"].append(f"{number_}月")
                chart["values"].append(_float(row.progress.value))
            label = f"{row.target.get_level_display()}{target_value(row.target)}"
            chart["lines"].setdefault(label, []).append(_float(row.progress.required))
    return [c for c in charts.values() if any(v is not None for v in c["values"])]


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, Decimal) and value.is_finite() else None


def headline(plan: Plan) -> list[Target]:
    return headline_targets(plan)


def assessment_visible(plan: Plan, year: int, scope: Scope) -> bool:
    """The assessment is shown as its own page shows it: to province roles always, to a city
    once the round is published."""
    if scope.sees_everything:
        return True
    return Round.objects.filter(plan=plan, year=year, published_at__isnull=False).exists()


def assessment(plan: Plan, year: int) -> list[CityResult]:
    return assess(plan, year)


def today() -> dt.date:
    return timezone.localdate()
