"""The reports PlanTrack drafts: the year-end responsibility report of a city to the province
(市政府关于…目标责任完成情况的报告), the province's report to the People's Congress
(省政府关于…情况的报告) and the monthly progress bulletin (进展通报).

The plan asks for both reports: "各市政府要在年终向省政府报告目标责任的履行情况，各市、县
（市、区）政府要向本级人大或人大常委会报告目标完成情况" (zhejiang-2011 正文 三（二）).
Each builder returns a :class:`~.blocks.Document`; :mod:`.gbt9704` writes it as Word and
:mod:`.pdf` as PDF. Figures, statuses and warnings come from progress, the assessment from
the assessment app; the sentences around them are a draft the office edits.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext as _

from plantrack.accounts.access import Scope, scope_of
from plantrack.accounts.models import Role
from plantrack.assessment.services import CityResult
from plantrack.core.periods import Period, end_date
from plantrack.plans.models import Plan
from plantrack.progress.labels import localized
from plantrack.progress.services import TargetProgress, compute, load
from plantrack.regions.models import Region

from . import charts, gbt9704, pdf
from .blocks import Attachment, Block, Document, Figure, Grid, Heading, Para
from .figures import (
    SEVERITIES,
    Scene,
    Tally,
    as_of_text,
    assessment,
    assessment_visible,
    headline,
    months_text,
    no_data,
    number,
    report_month,
    scene,
    severity,
    signed,
    standing,
    standing_labels,
    status,
    target_table,
    today,
    trend_series,
    warning,
)

# None is the command line, which runs with the province's full view.
User = AbstractBaseUser | AnonymousUser | None


def _scope(user: User) -> Scope:
    return Scope(Role.PROVINCE_ADMIN) if user is None else scope_of(user)


def demo_label() -> str:
    if not settings.PLANTRACK_DEMO:
        return ""
    return _("演示数据：本文件中的数字由系统生成，不是官方统计数据")


def city_responsibility_report(
    plan: Plan, region: Region, year: int, user: User, month: Period | None = None
) -> bytes:
    """The city's year-end report to the province as a Word file (a draft to edit).

    Access is the caller's to check (:func:`plantrack.reports.access.city_report_region`);
    ``user`` decides only whether the assessment, unpublished, may be shown (``None``: the
    command line, which may). ``month`` defaults to the latest month with complete reports.
    """
    return gbt9704.render(city_document(plan, region, year, user, month))


def province_report(plan: Plan, year: int, user: User, month: Period | None = None) -> bytes:
    """The province's report to the People's Congress standing committee, as Word."""
    return gbt9704.render(province_document(plan, year, user, month))


def bulletin(plan: Plan, region: Region, month: Period, fmt: str = "docx") -> bytes:
    """The monthly progress bulletin of a region (the province or a city), Word or PDF."""
    document = bulletin_document(plan, region, month)
    return pdf.render(document) if fmt == "pdf" else gbt9704.render(document)


# --- the city's report ---------------------------------------------------------------------


def city_document(
    plan: Plan, region: Region, year: int, user: User, month: Period | None = None
) -> Document:
    seen = scene(plan, region, report_month(plan, year, month))
    name = region.name
    blocks: list[Block] = [
        Para(
            _("现将%(city)s%(year)s年度落实《%(plan)s》目标责任的情况报告如下。")
            % {"city": name, "year": year, "plan": plan.name}
        ),  # fmt: skip
        Heading(1, _("目标完成总体情况")),
        Para(
            _("截至%(date)s，全市承担的") % {"date": as_of_text(seen.month)}
            + Tally.of(seen.rows).sentence()
        ),
        *_standing_chart(seen, _("%(region)s各领域目标完成情况（项）") % {"region": name}),
        Heading(1, _("各领域目标完成情况")),
        *_domains(seen),
        Heading(1, _("年度考核情况")),
        *_city_assessment(plan, year, region, user),
        Heading(1, _("存在的主要问题")),
        *_problems(seen),
        Heading(1, _("下一步工作安排")),
        *_next_steps(seen, _("全市")),
    ]
    return Document(
        title=_("%(city)s人民政府关于%(year)s年度资源节约与环境保护目标责任完成情况的报告")
        % {"city": name, "year": year},
        addressee=plan.issuer,
        sender=_("%(city)s人民政府") % {"city": name},
        date=today(),
        blocks=blocks,
        attachments=[
            Attachment(
                _("%(city)s%(year)s年度资源节约与环境保护目标完成情况表")
                % {"city": name, "year": year},
                [target_table(seen.rows, seen.month)],
            ),  # fmt: skip
            Attachment(_("%(city)s主要指标月度走势图") % {"city": name}, _trends(seen)),
        ],
        demo_label=demo_label(),
        subject=plan.name,
    )


def _standing_chart(seen: Scene, title: str) -> list[Block]:
    groups = seen.by_domain()
    counts = [dict(_counter(rows)) for _name, rows in groups]
    try:
        png = charts.standing(title, [n for n, _rows in groups], counts, standing_labels())
    except charts.NoChineseFont as error:
        return [Para(str(error))]
    return [Figure(png, title)]


def _counter(rows: list[TargetProgress]) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in rows:
        found[standing(row)] = found.get(standing(row), 0) + 1
    return found


def _domains(seen: Scene) -> list[Block]:
    blocks: list[Block] = []
    for name, rows in seen.by_domain(seen.quantitative):
        blocks += [
            Heading(2, name),
            Para(_("本领域") + Tally.of(rows).sentence()),
            target_table(
                rows, seen.month, caption=_("%(domain)s主要目标完成情况") % {"domain": name}
            ),
        ]
    return blocks


def _city_assessment(plan: Plan, year: int, region: Region, user: User) -> list[Block]:
    if not assessment_visible(plan, year, _scope(user)):
        return [Para(_("%(year)s年度考核结果尚未公布。") % {"year": year})]
    result = next((r for r in assessment(plan, year) if r.region.code == region.code), None)
    if result is None:
        return [Para(_("本年度未对本地区开展考核。"))]
    return [Para(_assessment_sentence(result, year)), _assessment_items(result)]


def _assessment_sentence(result: CityResult, year: int) -> str:
    r = result.result
    if r.grade is None:
        text = _("%(year)s年度考核尚有%(count)s项未评分或暂无数据，总分和等级待评定。")
        return text % {"year": year, "count": len(r.missing)}
    text = _("%(region)s年度考核总分%(total)s分，等级为“%(grade)s”，在各设区市中列第%(rank)s位。")
    found = text % {"region": result.region.name, "total": number(r.total), "grade": r.grade,
                    "rank": result.rank or "—"}  # fmt: skip
    if r.veto:
        found += _("否决事项：") + "；".join(r.veto) + "。"
    return found


def _assessment_items(result: CityResult) -> Grid:
    rows = []
    for item in [*result.result.quantitative, *result.result.measures]:
        rows.append([item.name, number(item.points), number(item.awarded)])
    return Grid([_("考核项"), _("分值"), _("得分")], rows, caption=_("年度考核得分"),
                widths=[4, 1, 1])  # fmt: skip


def _problems(seen: Scene, listed: int = 6) -> list[Block]:
    """The targets behind, by domain, the most severe warnings first; past ``listed`` in a
    domain the rest are counted and left to the attachment's table."""
    blocks: list[Block] = []
    for name, rows in seen.by_domain():
        behind = sorted(_distinct(r for r in rows if standing(r) == "behind"), key=_urgency)
        if not behind:
            continue
        blocks.append(Heading(2, name))
        blocks += [Heading(3, _problem(row)) for row in behind[:listed]]
        if len(behind) > listed:
            text = _("另有%(count)s项目标进度滞后，详见附件1。")
            blocks.append(Para(text % {"count": len(behind) - listed}))
    if not blocks:
        text = _("截至%(date)s，未发现进度滞后的目标。")
        blocks.append(Para(text % {"date": as_of_text(seen.month)}))
    missing = _distinct(r for r in seen.rows if r.progress.status.value == "no_data")
    if missing:
        names = "；".join(f"{r.target.statement}（{r.target.get_level_display()}）"
                         for r in missing[:listed])  # fmt: skip
        text = _("另有%(count)s项目标暂无数据，如%(names)s等，相关数据待报送和审核后补充。")
        blocks.append(Para(text % {"count": len(missing), "names": names}))
    return blocks


def _distinct(rows: Iterable[TargetProgress]) -> list[TargetProgress]:
    """One row per wording and level: the plan states some targets twice (body and annex)."""
    seen: set[tuple[str, str]] = set()
    found = []
    for row in rows:
        key = (row.target.statement, row.target.level)
        if key not in seen:
            seen.add(key)
            found.append(row)
    return found


def _urgency(row: TargetProgress) -> int:
    order = ["red", "orange", "yellow", "green", ""]
    return order.index(severity(row))


def _problem(row: TargetProgress) -> str:
    text = _("%(target)s（%(level)s）：%(status)s，完成值%(value)s，应完成%(due)s") % {
        "target": row.target.statement, "level": row.target.get_level_display(),
        "status": status(row), "value": signed(row, row.progress.value),
        "due": signed(row, row.progress.required),
    }  # fmt: skip
    if severity(row):
        text += _("，%(warning)s") % {"warning": warning(row)}
    return text + "。"


def _next_steps(seen: Scene, who: str) -> list[Block]:
    """A draft of the next steps, one per domain with targets behind, for the office to edit."""
    blocks: list[Block] = []
    for name, rows in seen.by_domain():
        behind = _distinct(r for r in rows if standing(r) == "behind")
        if not behind:
            continue
        targets = "、".join(r.target.statement for r in behind[:3])
        blocks += [
            Heading(2, name),
            Para(
                _(
                    "针对%(targets)s等目标进度滞后的问题，%(who)s将逐项分析原因，落实责任单位和"
                    "整改措施，加强月度调度和督查，确保年度目标按期完成。"
                )
                % {"targets": targets, "who": who}
            ),  # fmt: skip
        ]
    blocks.append(Para(_("（本部分为系统依据进度数据生成的草稿，请结合实际修改完善。）")))
    return blocks


def _trends(seen: Scene) -> list[Block]:
    blocks: list[Block] = []
    series = trend_series(seen.plan, seen.region, seen.month, headline(seen.plan))
    for chart in series:
        try:
            png = charts.trend(chart["title"], chart["months"], chart["values"], chart["lines"],
                               chart["unit"])  # fmt: skip
        except charts.NoChineseFont as error:
            return [Para(str(error))]
        blocks.append(Figure(png, f"{seen.region.name}{chart['title']}"))
    return blocks or [Para(_("主要指标暂无数据。"))]


# --- the province's report ---------------------------------------------------------------


def province_document(plan: Plan, year: int, user: User, month: Period | None = None) -> Document:
    province = plan.region
    seen = scene(plan, province, report_month(plan, year, month))
    mine = [r for r in seen.rows if r.target.region_id == province.pk]
    main = [r for r in mine if r.target in set(headline(plan))]
    blocks: list[Block] = [
        Para(
            _(
                "根据《%(plan)s》的要求，现将%(year)s年度资源节约与环境保护目标完成情况报告如下，"
                "请予审议。"
            )
            % {"plan": plan.name, "year": year}
        ),  # fmt: skip
        Heading(1, _("总体目标完成情况")),
        Para(
            _("截至%(date)s，全省") % {"date": as_of_text(seen.month)} + Tally.of(mine).sentence()
        ),
        target_table(main, seen.month, caption=_("总体目标完成情况")),
        *_standing_chart(seen, _("全省各领域目标完成情况（项）")),
        Heading(1, _("各领域目标完成情况")),
        *_domains(Scene(plan, province, seen.month, mine)),
        Heading(1, _("各设区市目标责任落实情况")),
        *_cities(plan, seen.month),
        *_province_assessment(plan, year, user),
        Heading(1, _("存在的主要问题")),
        *_problems(Scene(plan, province, seen.month, mine)),
        Heading(1, _("下一步工作安排")),
        *_next_steps(Scene(plan, province, seen.month, mine), _("省政府")),
    ]
    return Document(
        title=_("%(issuer)s关于%(year)s年度资源节约与环境保护目标完成情况的报告")
        % {"issuer": plan.issuer, "year": year},
        addressee=_("%(province)s人民代表大会常务委员会") % {"province": province.name},
        sender=plan.issuer,
        date=today(),
        blocks=blocks,
        attachments=[
            Attachment(
                _("%(year)s年度省级目标完成情况表") % {"year": year},
                [target_table(mine, seen.month)],
            ),
            Attachment(_("各设区市主要指标完成情况表"), [_city_matrix(plan, seen.month)]),
            Attachment(_("全省主要指标月度走势图"), _trends(seen)),
        ],
        demo_label=demo_label(),
        subject=plan.name,
    )


def _cities(plan: Plan, month: Period) -> list[Block]:
    cities = _city_regions(month)
    rows = _rows_of(plan, month, cities)
    body = []
    for city in cities:
        tally = Tally.of([r for r in rows if r.region.code == city.code])
        body.append([city.name, str(tally.total), str(tally.met), str(tally.behind),
                     str(tally.no_data), *(str(tally.warnings[s]) for s in SEVERITIES)])  # fmt: skip
    headers = [_("设区市"), _("目标数"), _("完成或正常"), _("滞后"), _("暂无数据"), _("红色预警"),
               _("橙色预警"), _("黄色预警")]  # fmt: skip
    blocks: list[Block] = [
        Para(_("截至%(date)s，各设区市目标进展如下表。") % {"date": as_of_text(month)}),
        Grid(
            headers, body, caption=_("各设区市目标进展情况"), widths=[1.4, 1, 1.2, 1, 1.1, 1, 1, 1]
        ),
    ]
    return blocks + _comparison(plan, month, cities, rows)


def _city_regions(month: Period) -> list[Region]:
    return list(Region.objects.valid_on(end_date(month)).filter(level="city").order_by("code"))


def _rows_of(plan: Plan, month: Period, regions: list[Region]) -> list[TargetProgress]:
    return compute(plan, month, regions=[r.code for r in regions], loaded=load(plan, month))


def _comparison(
    plan: Plan, month: Period, cities: list[Region], rows: list[TargetProgress]
) -> list[Block]:
    """The first headline indicator with figures, city by city, against the value due."""
    for target in headline(plan):
        mine = {r.region.code: r for r in rows if r.target.pk == target.pk}
        values = [_value(mine.get(c.code)) for c in cities]
        if not any(v is not None for v in values):
            continue
        due = next((_required(r) for r in mine.values() if _required(r) is not None), None)
        title = _("各设区市%(indicator)s") % {"indicator": target.statement}
        try:
            png = charts.comparison(title, [c.name for c in cities], values, due, target.unit)
        except charts.NoChineseFont as error:
            return [Para(str(error))]
        return [Figure(png, title)]
    return []


def _value(row: TargetProgress | None) -> float | None:
    value = row.progress.value if row else None
    return float(value) if isinstance(value, Decimal) else None


def _required(row: TargetProgress) -> float | None:
    value = row.progress.required
    return float(value) if isinstance(value, Decimal) else None


def _city_matrix(plan: Plan, month: Period) -> Grid:
    """Cities down, headline targets across: the figure to date of each, 暂无数据 if none."""
    cities = _city_regions(month)
    targets = headline(plan)
    rows = _rows_of(plan, month, cities)
    found = {(r.region.code, r.target.pk): r for r in rows}
    body = []
    for city in cities:
        cells = []
        for target in targets:
            row = found.get((city.code, target.pk))
            cells.append(f"{signed(row, row.progress.value)}\n{status(row)}" if row else "—")
        body.append([city.name, *cells])
    return Grid([_("设区市"), *(t.statement for t in targets)], body,
                widths=[1.2] + [1.0] * len(targets))  # fmt: skip


def _province_assessment(plan: Plan, year: int, user: User) -> list[Block]:
    if not assessment_visible(plan, year, _scope(user)):
        return []
    results = sorted(assessment(plan, year), key=lambda r: (r.rank is None, r.rank or 0))
    body = [
        [
            str(r.rank or "—"),
            r.region.name,
            number(r.result.total),
            r.result.grade or no_data(),
            "；".join(r.result.veto) or "—",
        ]  # fmt: skip
        for r in results
    ]
    return [
        Heading(2, _("年度考核情况")),
        Para(
            _(
                "按考核办法对各设区市%(year)s年度目标责任进行考核，结果如下（未评分或暂无数据的，"
                "总分和等级待评定）。"
            )
            % {"year": year}
        ),  # fmt: skip
        Grid(
            [_("名次"), _("设区市"), _("总分"), _("等级"), _("否决事项")],
            body,
            caption=_("各设区市年度考核结果"),
            widths=[0.7, 1.2, 1, 1.2, 3],
        ),  # fmt: skip
    ]


# --- the monthly bulletin ----------------------------------------------------------------


def bulletin_document(plan: Plan, region: Region, month: Period) -> Document:
    seen = scene(plan, region, month)
    period = months_text(month)
    province = region.level == "province"
    main = [r for r in seen.rows if r.target in set(headline(plan))]
    blocks: list[Block] = [
        Para(
            _("现将%(period)s%(region)s资源节约与环境保护目标进展情况通报如下。")
            % {"period": period, "region": region.name}
        ),  # fmt: skip
        Heading(1, _("总体进展")),
        Para(
            _("截至%(date)s，") % {"date": as_of_text(month)}
            + region.name
            + Tally.of(seen.rows).sentence()
        ),  # fmt: skip
        target_table(main, seen.month, caption=_("主要目标进展情况")),
    ]
    if province:
        blocks += [Heading(1, _("各地进展")), *_cities(plan, month)]
    else:
        blocks += [Heading(1, _("各领域进展")), *_domains(seen)]
    blocks += [Heading(1, _("预警情况")), *_warnings(seen)]
    blocks += [
        Heading(1, _("有关要求")),
        Para(
            _(
                "各地、各有关部门要对照预警事项，认真分析原因，落实整改措施，按时报送统计数据；"
                "暂无数据的目标，请于下月报送期内补报。"
            )
        ),  # fmt: skip
    ]
    sender = (
        plan.issuer + _("办公厅")
        if province
        else _("%(city)s人民政府办公室") % {"city": region.name}
    )
    return Document(
        title=_("关于%(period)s资源节约与环境保护目标进展情况的通报") % {"period": period},
        addressee=_("各市人民政府，省级有关部门")
        if province
        else _("各县（市、区）人民政府，市级有关部门"),
        sender=sender,
        date=today(),
        blocks=blocks,
        demo_label=demo_label(),
        subject=plan.name,
    )


def _warnings(seen: Scene) -> list[Block]:
    """Red and orange warnings as one table, the most severe first, with the reason the
    warning scheme gives."""
    warned = sorted(_distinct(r for r in seen.rows if severity(r) in ("red", "orange")),
                    key=_urgency)  # fmt: skip
    if not warned:
        return [Para(_("本期无红色、橙色预警。"))]
    reasons = [localized(row.worst.reason) if row.worst else "" for row in warned]
    body = [
        [str(n), row.target.statement, warning(row), status(row), signed(row, row.progress.value),
         signed(row, row.progress.required) if row.progress.required is not None else "—"]
        + ([reason] if any(reasons) else [])
        for n, (row, reason) in enumerate(zip(warned, reasons, strict=True), start=1)
    ]  # fmt: skip
    headers = [_("序号"), _("目标"), _("预警"), _("状态"), _("完成值"), _("应完成")]
    widths = [0.5, 2.6, 0.9, 0.9, 1.2, 1.2]
    if any(reasons):  # the schemes give no reason for some warnings: no empty column then
        headers, widths = [*headers, _("原因")], [*widths, 2.2]
    return [
        Para(_("本期红色、橙色预警%(count)s项：") % {"count": len(warned)}),
        Grid(headers, body, caption=_("红色、橙色预警"), widths=widths),
    ]
