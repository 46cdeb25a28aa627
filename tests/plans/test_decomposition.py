"""Targets decomposed to cities and departments: shares, checks, adjustments, and progress
against a city's own share."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from plantrack.core.periods import Period, periods
from plantrack.plans.decomposition import decompose
from plantrack.plans.models import Plan, TargetAdjustment, TargetShare
from plantrack.progress.services import compute
from plantrack.regions.models import Region

from .. import fixtures_reporting
from ..progress.test_progress import HANGZHOU, fill

pytestmark = pytest.mark.django_db
data_set = fixtures_reporting.data_set  # the small monthly energy form, as a fixture here

PASSWORD = "demo2011"
INTENSITY_URL = "/progress/zhejiang-2011/targets/M-E-01/decomposition/"
AMOUNT_URL = "/progress/zhejiang-2011/targets/M-E-05/decomposition/"  # 节能量 650 万吨标准煤


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def target(code: str):
    plan = Plan.objects.get(code="zhejiang-2011")
    return plan.targets.select_related("indicator", "region", "plan").get(code=code)


def cities() -> list[str]:
    in_2011 = Region.objects.valid_on(dt.date(2011, 12, 31)).filter(level="city")
    return list(in_2011.values_list("code", flat=True))


def test_admin_sets_a_share_with_a_reason_and_the_change_is_recorded(client):
    admin = client_for("admin")
    form = {"holder": f"region:{HANGZHOU}", "value": "4.0", "reason": "省政府与杭州市签订责任书"}
    assert admin.post(INTENSITY_URL, form).status_code == 302
    share = TargetShare.objects.get(target__code="M-E-01", region__code=HANGZHOU)
    assert share.value == Decimal("4.0")
    admin.post(INTENSITY_URL, {**form, "value": "3.8", "reason": "年中调整：杭州市申请"})
    [adjusted, first] = TargetAdjustment.objects.filter(target__code="M-E-01")
    assert (first.old_value, first.new_value) == (None, Decimal("4.0"))
    assert (adjusted.old_value, adjusted.new_value) == (Decimal("4.0"), Decimal("3.8"))
    assert adjusted.changed_by.username == "admin" and "年中调整" in adjusted.reason
    page = admin.get(INTENSITY_URL).content.decode()
    assert f'data-share="{HANGZHOU}"' in page and "年中调整" in page


def test_a_share_needs_a_reason_and_a_province_admin():
    form = {"holder": f"region:{HANGZHOU}", "value": "4.0", "reason": ""}
    page = client_for("admin").post(INTENSITY_URL, form).content.decode()
    assert "必须说明原因" in page
    assert client_for("hangzhou").post(INTENSITY_URL, {**form, "reason": "x"}).status_code == 403
    assert client_for("leader").post(INTENSITY_URL, {**form, "reason": "x"}).status_code == 403
    assert not TargetShare.objects.exists() and not TargetAdjustment.objects.exists()


def test_removing_a_share_is_recorded_too():
    admin = client_for("admin")
    admin.post(INTENSITY_URL, {"holder": f"region:{HANGZHOU}", "value": "4", "reason": "责任书"})
    share = TargetShare.objects.get()
    admin.post(INTENSITY_URL, {"remove": str(share.pk), "reason": "撤销分解"})
    assert not TargetShare.objects.exists()
    latest = TargetAdjustment.objects.first()
    assert latest.old_value == Decimal(4) and latest.new_value is None


def test_city_progress_is_measured_against_its_share(data_set):
    counties = Region.objects.valid_on(dt.date(2011, 12, 31)).filter(
        parent__code__in=[HANGZHOU, "330200"]
    )
    fill(
        data_set, list(counties.values_list("code", flat=True)), [Period(2010, month=1), Period(2011, month=1)],
        lambda code, p: {"energy_consumption": Decimal(100 if p.year == 2010 else 97),
                         "industrial_energy_consumption": Decimal(10), "gdp_constant": Decimal(1000)},
    )  # fmt: skip
    client_for("admin").post(
        INTENSITY_URL, {"holder": f"region:{HANGZHOU}", "value": "4.0", "reason": "责任书"}
    )
    plan = Plan.objects.get(code="zhejiang-2011")
    month = Period.parse("2011-01")
    rows = {r.region.code: r for r in compute(plan, month, targets=[target("M-E-01")])}
    assert rows[HANGZHOU].progress.required == Decimal("-4.0")
    assert rows[HANGZHOU].share == Decimal("4.0") and not rows[HANGZHOU].inherited
    assert rows["330200"].progress.required == Decimal("-3.5") and rows["330200"].inherited
    # Down 3%: Ningbo is 0.5 point short of the province's 3.5% (more than 10% of it),
    # Hangzhou a whole point short of its own 4%.
    assert rows["330200"].progress.status.value == "seriously_lagging"
    assert rows[HANGZHOU].progress.gap == Decimal(1)


def test_amount_shares_must_add_up_to_the_province_target():
    admin = client_for("admin")
    for code, value in [(HANGZHOU, "300"), ("330200", "300")]:
        admin.post(AMOUNT_URL, {"holder": f"region:{code}", "value": value, "reason": "分解"})
    check = decompose(target("M-E-05")).amounts
    assert check.total == 600 and check.surplus == -50 and check.ok is False
    assert 'data-check="amounts" data-ok="False"' in admin.get(AMOUNT_URL).content.decode()
    admin.post(AMOUNT_URL, {"holder": "region:330300", "value": "60", "reason": "补足"})
    assert decompose(target("M-E-05")).amounts.ok is True


def test_department_shares_are_checked_on_their_own():
    admin = client_for("admin")
    admin.post(AMOUNT_URL, {"holder": "department:jxw", "value": "700", "reason": "部门分工"})
    result = decompose(target("M-E-05"))
    assert result.departments.ok is True and result.amounts is None


def test_intensity_shares_imply_the_province_change_weighted_by_base_year_energy(data_set):
    # 2010: Hangzhou used 200 a month, every other city 100; GDP 1000 a month everywhere.
    months = list(periods(Period.parse("2010-01"), Period.parse("2010-12")))
    fill(
        data_set, cities(), months,
        lambda code, p: {"energy_consumption": Decimal(200 if code == HANGZHOU else 100),
                         "industrial_energy_consumption": Decimal(10),
                         "gdp_constant": Decimal(1000)},
    )  # fmt: skip
    client_for("admin").post(
        INTENSITY_URL, {"holder": f"region:{HANGZHOU}", "value": "2.0", "reason": "杭州基数大"}
    )
    result = decompose(target("M-E-01"))
    others = len(cities()) - 1
    implied = (200 * Decimal("0.98") + others * 100 * Decimal("0.965")) / (200 + others * 100) - 1
    assert result.intensity.implied_change == pytest.approx(implied, abs=Decimal("1e-12"))
    assert result.intensity.shortfall > 0 and result.intensity.ok is False
    hangzhou = next(c for c in result.cities if c.region.code == HANGZHOU)
    assert hangzhou.own and hangzhou.energy_base == 2400 and hangzhou.gdp_base == 12000
    page = client_for("hangzhou").get(INTENSITY_URL).content.decode()
    assert 'data-check="intensity" data-ok="False"' in page
