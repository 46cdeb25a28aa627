"""What the overview shows for one region: headline targets, the regions below it coloured by
warning level, trends, programs, overdue reports and follow-ups. Each part is a plain value or
a :class:`~plantrack.dashboard.tables.Table`, so the page and its Excel exports agree.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from plantrack.accounts.access import Scope, region_filter
from plantrack.annualplans.access import visible_obligations
from plantrack.annualplans.queries import counts as obligation_counts
from plantrack.core.periods import Period
from plantrack.plans.models import Plan, Target
from plantrack.progress.labels import SEVERITY, STATUS, localized
from plantrack.progress.models import FollowUp
from plantrack.progress.services import TargetProgress
from plantrack.projects.access import visible_projects
from plantrack.projects.rollup import counts as project_counts
from plantrack.regions.models import Region
from plantrack.reporting.access import visible_submissions
from plantrack.reporting.models import Status
from plantrack.supervision import summary as supervision_summary
from plantrack.supervision.models import Source

from . import progress
from .tables import Cell, Table

# Severity on one scale, "" for a row no scheme could rate (never shown as green).
LEVELS = ["", "green", "yellow", "orange", "red"]
COLOURS = {
    "": "#c8ccd2",
    "green": "#12b76a",
    "yellow": "#fdb022",
    "orange": "#f79009",
    "red": "#d92d20",
}
MET = {"achieved", "on_track", "done"}
BEHIND = {"lagging", "seriously_lagging", "deteriorating", "overdue"}


def severity(row: TargetProgress) -> str:
    worst = row.worst
    return worst.severity.value if worst and worst.severity else ""


def level_name(level: str) -> str:
    return str(SEVERITY[level]) if level else _("未评级")


def headline_targets(plan: Plan) -> list[Target]:
    """The plan's main targets (总体目标): quantitative, set for the plan's own region, part of
    no program and stated in the body of the plan (正文) rather than an annex; all program-less
    quantitative targets of the plan's region when the plan marks none that way."""
    base = plan.targets.filter(
        kind=Target.Kind.QUANTITATIVE, program__isnull=True, region=plan.region
    ).select_related("indicator", "region", "domain", "program", "plan")
    main = list(base.filter(clause__startswith="正文").order_by("order"))
    return main or list(base.order_by("order"))


def children_of(region: Region, month: Period) -> list[Region]:
    return list(
        Region.objects.valid_on(dt.date(month.year, month.month or 12, 1))
        .filter(parent=region)
        .order_by("code")
    )


@dataclass
class RegionLevel:
    """A region below the focus, with the worst warning of the headline targets there."""

    region: Region
    level: str
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def colour(self) -> str:
        return COLOURS[self.level]

    @property
    def rank(self) -> int:
        return LEVELS.index(self.level)


@dataclass
class Overview:
    plan: Plan
    month: Period
    region: Region
    headline: list[TargetProgress]
    children: list[RegionLevel]
    trends: list[dict]
    programs: list[dict]
    tables: dict[str, Table]
    follow_ups: dict[str, int]
    # The supervision ledger by source: (source, label, {"open", "overdue", "closed"}).
    ledger: list[tuple[str, str, dict[str, int]]] = field(default_factory=list)
    # Other duties tracked to completion (annual plans and reports, key projects), same shape.
    duties: list[tuple[str, str, dict[str, int]]] = field(default_factory=list)


def build(plan: Plan, month: Period, region: Region, scope: Scope, state: tuple) -> Overview:
    targets = headline_targets(plan)
    headline = progress.region_rows(plan, month, state, region, targets)
    children = _children(plan, month, state, region, targets)
    url = _links(plan, month)
    programs = _programs(plan, month, state, region)
    follow_ups = _follow_ups(plan, region, scope)
    tables = {
        "headline": _headline_table(headline, url),
        "regions": _children_table(children, region, url),
        "programs": _programs_table(programs),
        "overdue": _overdue_table(plan, region, scope, url),
        "followups": _follow_ups_table(follow_ups),
    }
    return Overview(
        plan, month, region, headline, children,
        _trends(plan, month, state, region, targets), programs, tables, follow_ups["counts"],
        _ledger(plan, region, scope), _duties(plan, region, scope),
    )  # fmt: skip


def _children(
    plan: Plan, month: Period, state: tuple, region: Region, targets: list[Target]
) -> list[RegionLevel]:
    below = children_of(region, month)
    if not below:
        return []
    if region.level == "city":
        rows = progress.county_rows(plan, month, state, below, targets)
    else:
        codes = {c.code for c in below}
        wanted = {t.pk for t in targets}
        rows = [
            r
            for r in progress.plan_rows(plan, month, state)
            if r.region.code in codes and r.target.pk in wanted
        ]
    found = {c.code: RegionLevel(c, "") for c in below}
    for row in rows:
        item = found[row.region.code]
        level = severity(row)
        item.counts[level] += 1
        if LEVELS.index(level) > item.rank:
            item.level = level
    return list(found.values())


class _links:
    """URLs of the pages a table links to, for one plan and month."""

    def __init__(self, plan: Plan, month: Period) -> None:
        self.plan, self.query = plan, f"?period={month}"

    def target(self, target: Target) -> str:
        return reverse("target", args=[self.plan.code, target.code]) + self.query

    def scorecard(self, region: Region) -> str:
        return reverse("scorecard", args=[self.plan.code, region.code]) + self.query

    def drill(self, region: Region) -> str:
        return reverse("dashboard", args=[self.plan.code]) + f"{self.query}&region={region.code}"


def _headline_table(rows: list[TargetProgress], url: _links) -> Table:
    table = Table(
        "headline",
        _("主要目标"),
        [_("目标"), _("层级"), _("统计期"), _("当前值"), _("口径"), _("应达到"), _("差距"),
         _("状态"), _("预警")],
    )  # fmt: skip
    for row in rows:
        p, level = row.progress, severity(row)
        warning = f"{level_name(level)} {row.worst.label}" if level and row.worst else ""
        table.rows.append([
            Cell(row.target.statement, href=url.target(row.target), data=row.target.code),
            Cell(row.target.get_level_display()),
            Cell(str(p.period)),
            Cell(p.value if isinstance(p.value, Decimal) else None),
            Cell(p.vintage),
            Cell(p.required if isinstance(p.required, Decimal) else None),
            Cell(p.gap if isinstance(p.gap, Decimal) else None),
            Cell(str(STATUS.get(p.status.value, p.status.value)), css=f"status-{p.status.value}"),
            Cell(warning, css=f"badge sev-{level}" if level else "", data=level),
        ])  # fmt: skip
    return table


def _children_table(children: list[RegionLevel], region: Region, url: _links) -> Table:
    title = _("各县（市、区）预警") if region.level == "city" else _("各设区市预警")
    table = Table(
        "regions", title,
        [_("地区"), _("最高预警等级"), _("红色"), _("橙色"), _("黄色"), _("绿色"), _("未评级"),
         _("记分卡")],
    )  # fmt: skip
    if region.level == "city":
        table.note = _("县（市、区）沿用省级目标值计算，仅供参考；计划未对县级分解目标。")
    for child in children:
        table.rows.append([
            Cell(child.region.name, href=url.drill(child.region), data=child.region.code),
            Cell(level_name(child.level), css=f"badge sev-{child.level}" if child.level else "",
                 data=child.level),
            *(Cell(child.counts.get(level, 0)) for level in ("red", "orange", "yellow", "green")),
            Cell(child.counts.get("", 0)),
            Cell(_("查看"), href=url.scorecard(child.region)),
        ])  # fmt: skip
    return table


def _trends(
    plan: Plan, month: Period, state: tuple, region: Region, targets: list[Target]
) -> list[dict]:
    """One chart per headline indicator: the value month by month and the value due by each
    month at each level (确保, 力争)."""
    points = progress.trend(plan, month, state, region, targets)
    charts: dict[str, dict] = {}
    for current, rows in points:
        for row in rows:
            if row.target.indicator is None:
                continue
            chart = charts.setdefault(
                row.target.indicator.code,
                {"indicator": row.target.indicator.name, "unit": row.target.unit,
                 "code": row.target.indicator.code, "months": [], "value": [], "lines": {}},
            )  # fmt: skip
            if str(current) not in chart["months"]:
                chart["months"].append(str(current))
                chart["value"].append(_number(row.progress.value))
            label = f"{row.target.get_level_display()} {row.target.value_text}{row.target.unit}"
            chart["lines"].setdefault(label, []).append(_number(row.progress.required))
    return [
        {**chart, "lines": [{"name": k, "data": v} for k, v in chart["lines"].items()]}
        for chart in charts.values()
    ]


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, Decimal) and value.is_finite() else None


def _programs(plan: Plan, month: Period, state: tuple, region: Region) -> list[dict]:
    """Each program's targets at the region by where they stand."""
    by_program: dict[int, dict] = {}
    if region.level == "county":
        return []
    for row in progress.plan_rows(plan, month, state):
        program = row.target.program
        if program is None or row.region.code != region.code:
            continue
        item = by_program.setdefault(
            program.pk, {"program": program, "met": 0, "behind": 0, "open": 0}
        )
        status = row.progress.status.value
        item["met" if status in MET else "behind" if status in BEHIND else "open"] += 1
    found = sorted(by_program.values(), key=lambda i: (i["program"].order, i["program"].code))
    for item in found:
        item["total"] = item["met"] + item["behind"] + item["open"]
        item["share"] = round(100 * item["met"] / item["total"]) if item["total"] else 0
    return found


def _programs_table(programs: list[dict]) -> Table:
    table = Table(
        "programs", _("工程进度"),
        [_("工程"), _("目标数"), _("已完成或进度正常"), _("滞后或逾期"), _("未到期或无数据"),
         _("完成或正常比例（%）")],
    )  # fmt: skip
    for item in programs:
        table.rows.append([
            Cell(item["program"].name), Cell(item["total"]), Cell(item["met"]),
            Cell(item["behind"]), Cell(item["open"]), Cell(item["share"]),
        ])  # fmt: skip
    return table


def _within(region: Region, field: str = "region") -> Q:
    if region.level == "province":
        return Q()
    if region.level == "city":
        return Q(**{f"{field}__code": region.code}) | Q(**{f"{field}__parent__code": region.code})
    return Q(**{f"{field}__code": region.code})


def _overdue_table(plan: Plan, region: Region, scope: Scope, url: _links) -> Table:
    """Reports past their deadline and not yet submitted (草稿 or 退回), oldest first."""
    today = timezone.localdate()
    rows = (
        visible_submissions(scope)
        .filter(data_set__plan=plan, status__in=[Status.DRAFT, Status.RETURNED], due__lt=today)
        .filter(_within(region) | _within(region, "enterprise__region"))
        .order_by("due", "data_set__code", "unit_key")
    )
    table = Table(
        "overdue", _("逾期未报"),
        [_("报表"), _("报告期"), _("填报单位"), _("截止日期"), _("状态"), _("逾期天数")],
    )  # fmt: skip
    for submission in rows[:30]:
        table.rows.append([
            Cell(submission.data_set.name, href=reverse("submission", args=[submission.pk])),
            Cell(submission.period), Cell(submission.unit_name),
            Cell(submission.due.isoformat()), Cell(submission.get_status_display()),
            Cell((today - submission.due).days),
        ])  # fmt: skip
    total = rows.count()
    if total > len(table.rows):
        table.note = _("共 %(total)s 份，此处列出最早的 %(shown)s 份。") % {
            "total": total,
            "shown": len(table.rows),
        }
    return table


def _follow_ups(plan: Plan, region: Region, scope: Scope) -> dict:
    items = list(
        FollowUp.objects.filter(region_filter(scope), _within(region), plan=plan)
        .select_related("target", "region")
        .order_by("status", "due", "region__code")
    )
    today = timezone.localdate()
    open_ = [f for f in items if f.status == FollowUp.Status.OPEN]
    return {
        "items": open_,
        "today": today,
        "counts": {
            "open": len(open_),
            "overdue": sum(f.due < today for f in open_),
            "closed": len(items) - len(open_),
        },
    }


def _ledger(plan: Plan, region: Region, scope: Scope) -> list[tuple[str, str, dict[str, int]]]:
    """Open, overdue and closed rectification items by source (督查, 约谈, 联席会议)."""
    counts = supervision_summary.counts_in(scope, plan, _within(region))
    return [(value, str(label), counts[value]) for value, label in Source.choices]


def _duties(plan: Plan, region: Region, scope: Scope) -> list[tuple[str, str, dict[str, int]]]:
    """Annual plans and year-end reports not yet accepted, and key projects not completed
    (overdue: a milestone past its date), within the region and what the user may see."""
    today = timezone.localdate()
    obligations = visible_obligations(scope, plan)
    if region.level != "province":
        obligations = obligations.filter(_within(region))
    projects = visible_projects(scope, plan).filter(_within(region))
    built = project_counts(projects, today)
    return [
        ("annual_plans", str(_("年度实施计划与年终报告")), obligation_counts(obligations, today)),
        (
            "projects",
            str(_("重点项目")),
            {"open": built.open, "overdue": built.overdue, "closed": built.completed},
        ),
    ]


def _follow_ups_table(follow_ups: dict) -> Table:
    table = Table(
        "followups", _("未办结约谈事项"),
        [_("地区"), _("目标"), _("事项"), _("连续红色预警期"), _("办结期限"), _("是否逾期")],
    )  # fmt: skip
    for item in follow_ups["items"]:
        late = item.due < follow_ups["today"]
        table.rows.append([
            Cell(item.region.name), Cell(item.target.statement), Cell(item.name),
            Cell(item.periods), Cell(item.due.isoformat()),
            Cell(_("已逾期") if late else _("未逾期"), css="error" if late else ""),
        ])  # fmt: skip
    return table


def reason_text(row: TargetProgress) -> str:
    return localized(row.worst.reason) if row.worst else ""
