"""Each report as a file with its name: what the pages, the API and the command hand out."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from plantrack.accounts.access import Scope
from plantrack.core.periods import Period
from plantrack.plans.models import Plan
from plantrack.regions.models import Region

from . import documents
from .figures import report_month
from .workbook import workbook

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

User = AbstractBaseUser | AnonymousUser | None


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    filename: str
    content_type: str

    def response(self) -> HttpResponse:
        """The file as a download; the Chinese name travels as RFC 6266 ``filename*``."""
        response = HttpResponse(self.content, content_type=self.content_type)
        response["Content-Disposition"] = content_disposition_header(True, self.filename) or ""
        return response


def city_report(
    plan: Plan, region: Region, year: int, user: User, month: Period | None = None
) -> ReportFile:
    content = documents.city_responsibility_report(plan, region, year, user, month)
    name = _("%(city)s%(year)s年度目标责任完成情况报告") % {"city": region.name, "year": year}
    return ReportFile(content, f"{name}.docx", DOCX)


def province_report(plan: Plan, year: int, user: User, month: Period | None = None) -> ReportFile:
    content = documents.province_report(plan, year, user, month)
    name = _("%(province)s%(year)s年度目标完成情况报告") % {
        "province": plan.region.name, "year": year,
    }  # fmt: skip
    return ReportFile(content, f"{name}.docx", DOCX)


def bulletin(plan: Plan, region: Region, month: Period, fmt: str) -> ReportFile:
    content = documents.bulletin(plan, region, month, fmt)
    name = _("%(region)s%(month)s进展通报") % {"region": region.name, "month": month}
    return ReportFile(content, f"{name}.{fmt}", PDF if fmt == "pdf" else DOCX)


def region_workbook(plan: Plan, region: Region, month: Period, scope: Scope) -> ReportFile:
    content = workbook(plan, region, month, scope)
    name = _("%(region)s%(month)s目标与填报数值") % {"region": region.name, "month": month}
    return ReportFile(content, f"{name}.xlsx", XLSX)


def default_month(plan: Plan, year: int) -> Period:
    return report_month(plan, year)
