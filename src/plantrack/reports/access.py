"""Who may generate which report. Pages, API and nothing else ask these functions.

A city user drafts the reports of its own city (its responsibility report, its bulletin, its
workbook); the province roles (administrator, leader, departments) draft every city's and the
province's; the province's report to the People's Congress is for province roles only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from plantrack.accounts.access import Scope, can_see_region
from plantrack.accounts.models import Role
from plantrack.core.periods import Period, end_date
from plantrack.regions.models import Region


def _region(code: str, month: Period) -> Region:
    region = (
        Region.objects.valid_on(end_date(month)).select_related("parent").filter(code=code).first()
    )
    if region is None:
        raise Http404(_("行政区划 %(code)s 不存在或在该期间无效") % {"code": code})
    return region


def city_report_region(scope: Scope, code: str, year: int) -> Region:
    """The city whose year-end report ``scope`` asks for, if it may draft it."""
    region = _region(code, Period(year, month=12))
    if region.level != "city":
        raise Http404(_("%(name)s不是设区市，没有市政府目标责任报告") % {"name": region.name})
    if not (scope.sees_everything or (scope.role == Role.CITY and scope.region_code == code)):
        raise PermissionDenied(_("只能生成本市的目标责任报告"))
    return region


def check_province_report(scope: Scope) -> None:
    if not scope.sees_everything:
        raise PermissionDenied(_("省政府报告只能由省级用户生成"))


def bulletin_region(scope: Scope, code: str, month: Period) -> Region:
    """The province or a city whose bulletin ``scope`` asks for."""
    region = _region(code, month)
    if region.level not in ("province", "city"):
        raise Http404(_("进展通报按全省或设区市生成"))
    if region.level == "province" and not scope.sees_everything:
        raise PermissionDenied(_("全省进展通报只能由省级用户生成"))
    _visible(scope, region)
    return region


def workbook_region(scope: Scope, code: str, month: Period) -> Region:
    region = _region(code, month)
    if region.level == "province" and not scope.sees_everything:
        raise PermissionDenied(_("全省报表只能由省级用户导出"))
    _visible(scope, region)
    return region


def _visible(scope: Scope, region: Region) -> None:
    parent = region.parent.code if region.parent else None
    if not can_see_region(scope, region.code, parent):
        raise PermissionDenied(_("无权查看%(name)s的数据") % {"name": region.name})


def city_choices(scope: Scope, month: Period) -> list[Region]:
    """The cities whose responsibility report ``scope`` may draft."""
    cities = Region.objects.valid_on(end_date(month)).filter(level="city").order_by("code")
    if scope.sees_everything:
        return list(cities)
    if scope.role == Role.CITY:
        return list(cities.filter(code=scope.region_code))
    return []


def region_choices(scope: Scope, month: Period) -> list[Region]:
    """The regions whose bulletin and workbook ``scope`` may draft: the province first."""
    found = city_choices(scope, month)
    if scope.sees_everything:
        province = Region.objects.valid_on(end_date(month)).filter(level="province")
        return [*province, *found]
    return found
