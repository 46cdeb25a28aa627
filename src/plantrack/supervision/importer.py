"""Importing a campaign's findings: every row checked first, then all saved or none; each
finding becomes a rectification item. Errors name the sheet, row, column, header and problem."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from plantrack.enterprises.models import Enterprise
from plantrack.plans.models import Program
from plantrack.regions.models import Region

from .excel import SEVERITY_LABELS, TERM_LABELS, Error, UploadRow
from .models import Campaign, Finding
from .sources import add_finding

_SEVERITY = {label: code for code, label in SEVERITY_LABELS.items()} | {
    c: c for c in SEVERITY_LABELS
}
_TERM = {label: code for code, label in TERM_LABELS.items()} | {c: c for c in TERM_LABELS}


@dataclass
class Outcome:
    created: int = 0
    errors: list[Error] = field(default_factory=list)


def _err(row: UploadRow, code: str, message: str) -> Error:
    return Error(
        row.sheet, row.row, row.letters.get(code, ""), row.headers.get(code, code), message
    )


def _text(row: UploadRow, code: str) -> str:
    return str(row.cells.get(code) or "").strip().removesuffix(".0")


def _date(row: UploadRow, code: str, problems: list[Error]) -> dt.date | None:
    raw = row.cells.get(code)
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        problems.append(_err(row, code, f"“{raw}”不是日期（YYYY-MM-DD）"))
        return None


class _Lookups:
    def __init__(self, campaign: Campaign) -> None:
        self.regions = {r.code: r for r in Region.objects.filter(level__in=["city", "county"])}
        self.programs = {p.code: p for p in Program.objects.filter(plan=campaign.plan)}
        self.scope = set(campaign.regions.values_list("code", flat=True))


def _clean(row: UploadRow, campaign: Campaign, seen: _Lookups, problems: list[Error]) -> dict:
    values: dict[str, Any] = {}
    if row.campaign != str(campaign.pk):
        problems.append(Error(row.sheet, row.row, "", "", "该工作表属于另一个督查活动的模板"))
        return values
    region = seen.regions.get(_text(row, "region"))
    if region is None:
        problems.append(_err(row, "region", f"未知的市县行政区划代码“{_text(row, 'region')}”"))
    elif seen.scope and not {region.code, region.parent.code if region.parent else ""} & seen.scope:
        problems.append(_err(row, "region", "该地区不在本次督查范围内"))
    values["region"] = region
    if code := _text(row, "enterprise"):
        values["enterprise"] = Enterprise.objects.filter(code=code).first()
        if values["enterprise"] is None:
            problems.append(_err(row, "enterprise", f"未登记的企业“{code}”"))
    if code := _text(row, "program"):
        values["program"] = seen.programs.get(code)
        if values["program"] is None:
            problems.append(_err(row, "program", f"计划中没有工程“{code}”"))
    values["description"] = _text(row, "description")
    if not values["description"]:
        problems.append(_err(row, "description", "必填"))
    for code, choices, labels in (
        ("severity", _SEVERITY, SEVERITY_LABELS),
        ("term", _TERM, TERM_LABELS),
    ):
        values[code] = choices.get(_text(row, code))
        if values[code] is None:
            problems.append(_err(row, code, f"应为{'、'.join(labels.values())}之一"))
    if row.cells.get("found_on") in (None, ""):
        problems.append(_err(row, "found_on", "必填"))
    values["found_on"] = _date(row, "found_on", problems)
    values["deadline"] = _date(row, "deadline", problems)
    if values["deadline"] and values["found_on"] and values["deadline"] < values["found_on"]:
        problems.append(_err(row, "deadline", "整改期限早于发现日期"))
    values["required_evidence"] = _text(row, "required_evidence")
    return values


def import_findings(
    user: User, campaign: Campaign, rows: Sequence[UploadRow], channel: str = "excel"
) -> Outcome:
    if not rows:
        return Outcome(errors=[Error("", None, "", "", "文件中没有填写任何问题")])
    lookups = _Lookups(campaign)
    outcome = Outcome()
    clean = []
    for row in rows:
        problems: list[Error] = []
        values = _clean(row, campaign, lookups, problems)
        outcome.errors.extend(problems)
        clean.append(values)
    if outcome.errors:
        return outcome
    with transaction.atomic():
        for values in clean:
            finding = Finding(
                campaign=campaign, region=values["region"], enterprise=values.get("enterprise"),
                program=values.get("program"), description=values["description"],
                severity=values["severity"], found_on=values["found_on"],
            )  # fmt: skip
            add_finding(
                user, finding, term=values["term"], deadline=values["deadline"],
                required_evidence=values["required_evidence"], channel=channel,
            )  # fmt: skip
            outcome.created += 1
    return outcome
