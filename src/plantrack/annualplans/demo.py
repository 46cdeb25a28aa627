"""Generated 2011 obligations for the embedded demo (演示数据).

Most annual plans arrive before 25 August and are accepted within days; a few arrive late, one
is returned for more concrete measures and resubmitted, two are never sent (overdue). Cities'
year-end reports to the province mostly arrive by 31 December, some in January; about half are
accepted. Structured targets are the assigned values, a few slightly above, one city below.
Each document is a small .docx marked 演示数据. Seeded; an obligation that has left "pending"
or already holds a document is left alone, so running it twice changes nothing.
"""

import datetime as dt
import io
import random
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from docx import Document as Docx

from plantrack.plans.models import Plan

from . import actions
from .models import Kind, Obligation, State
from .obligations import open_year
from .targets import assigned_targets

YEAR = 2011
CHANNEL = actions.DEMO
# Holders whose annual plan is never sent, arrives late, or is returned once.
NEVER_SENT = {"331100", "hyj"}
LATE = {"330300": 6, "330800": 12, "lyt": 3}
RETURNED = "330400"
SHORT_CITY = "330900"  # its plan sets one target below the assigned value


@dataclass
class DemoSummary:
    opened: int = 0
    submitted: int = 0
    accepted: int = 0


def generate(plan: Plan, seed: int = YEAR) -> DemoSummary:
    summary = DemoSummary(opened=open_year(plan, YEAR, demo=True))
    obligations = (
        Obligation.objects.filter(plan=plan, year=YEAR)
        .select_related("region", "department", "plan", "target")
        .order_by("kind", "region__code", "department__code")
    )
    for obligation in obligations:
        if obligation.status != State.PENDING or obligation.documents.exists():
            continue
        key = obligation.region.code if obligation.region else obligation.department.code  # type: ignore[union-attr]
        # Seeded per obligation, so a second run decides exactly as the first did.
        rng = random.Random(f"{seed}/{obligation.kind}/{key}")
        if obligation.kind == Kind.ANNUAL_PLAN:
            _annual(obligation, key, rng, summary)
        else:
            _report(obligation, key, rng, summary)
    return summary


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime(
        day.year,
        day.month,
        day.day,
        rng.randint(9, 17),
        rng.randint(0, 59),
        tzinfo=dt.timezone(dt.timedelta(hours=8)),
    )


def _docx(title: str, lines: list[str]) -> ContentFile:
    document = Docx()
    document.add_heading(f"{title}（演示数据）", level=1)
    for line in lines:
        document.add_paragraph(line)
    document.add_paragraph("本文件由 PlanTrack 生成，仅为演示数据，不是官方文件。")
    out = io.BytesIO()
    document.save(out)
    return ContentFile(out.getvalue(), name=f"{title}.docx")


def _annual(obligation: Obligation, key: str, rng: random.Random, summary: DemoSummary) -> None:
    if key in NEVER_SENT:
        return
    due = obligation.due
    sent = (
        due + dt.timedelta(days=LATE[key])
        if key in LATE
        else due - dt.timedelta(days=rng.randint(1, 15))
    )
    title = f"{obligation.holder_name}{obligation.year}年度实施计划"
    rows: list[actions.RowInput] = []
    for assigned in assigned_targets(obligation):
        value = assigned.target.value if assigned.value is None else assigned.value
        if value is None:
            continue
        if key == SHORT_CITY and not rows:
            value = value * Decimal("0.9")
        elif rng.random() < 0.2:
            value = value * Decimal("1.05")
        rows.append(
            actions.RowInput(
                assigned.target,
                value.quantize(Decimal("0.01")),
                assigned.value,
                "演示数据：分解落实到县（市、区）和重点企业",
            )
        )
    lines = [f"{a.target.code} {a.target.statement}：{a.value}" for a in rows[:30]]
    actions.upload_document(
        None, obligation, _docx(title, lines), channel=CHANNEL, at=_at(sent, rng)
    )
    actions.replace_target_rows(
        None, obligation, rows, "演示数据", channel=CHANNEL, at=_at(sent, rng)
    )
    actions.submit(None, obligation, channel=CHANNEL, at=_at(sent, rng))
    summary.submitted += 1
    reviewed = sent + dt.timedelta(days=rng.randint(2, 6))
    if key == RETURNED:
        actions.review(
            None,
            obligation,
            accept=False,
            reason="演示数据：措施不够具体，请补充",
            channel=CHANNEL,
            at=_at(reviewed, rng),
        )
        resent = reviewed + dt.timedelta(days=3)
        actions.submit(None, obligation, channel=CHANNEL, at=_at(resent, rng))
        return
    if rng.random() < 0.8:
        actions.review(None, obligation, accept=True, channel=CHANNEL, at=_at(reviewed, rng))
        summary.accepted += 1


def _report(obligation: Obligation, key: str, rng: random.Random, summary: DemoSummary) -> None:
    congress = obligation.kind == Kind.REPORT_CONGRESS
    if congress and rng.random() < 0.5:
        return  # half the cities have not yet reported to their congress
    sent = obligation.due + dt.timedelta(days=rng.randint(-12, 8))
    to = "本级人大常委会" if congress else "省政府"
    title = f"{obligation.holder_name}{obligation.year}年目标责任履行情况报告（报{to}）"
    document = _docx(
        title,
        [
            f"{obligation.holder_name}人民政府关于{obligation.year}年资源节约与环境保护目标责任履行情况的报告。"
        ],
    )
    actions.upload_document(None, obligation, document, channel=CHANNEL, at=_at(sent, rng))
    actions.submit(None, obligation, channel=CHANNEL, at=_at(sent, rng))
    summary.submitted += 1
    if not congress and rng.random() < 0.5:
        reviewed = sent + dt.timedelta(days=rng.randint(3, 10))
        actions.review(None, obligation, accept=True, channel=CHANNEL, at=_at(reviewed, rng))
        summary.accepted += 1
