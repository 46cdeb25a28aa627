"""The Excel workbook of targets and values, read back with openpyxl."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import User

from plantrack.accounts.access import scope_of
from plantrack.core.generic import round_half_up
from plantrack.progress.services import compute
from plantrack.regions.models import Region
from plantrack.reporting.models import Status, Value
from plantrack.reports.workbook import workbook

from .conftest import HANGZHOU, MONTH

pytestmark = pytest.mark.django_db


@pytest.fixture
def hangzhou_book(plan):
    scope = scope_of(User.objects.get(username="hangzhou"))
    content = workbook(plan, Region.objects.get(code=HANGZHOU), MONTH, scope)
    return openpyxl.load_workbook(io.BytesIO(content))


def test_one_sheet_per_domain_and_one_of_values_each_labelled_demo(hangzhou_book):
    assert hangzhou_book.sheetnames == [
        "说明",
        "节能降耗",
        "节约集约用地",
        "环境保护",
        "综合目标",
        "填报数值",
    ]
    for sheet in hangzhou_book.worksheets:
        assert sheet["A1"].value == "演示数据，非官方统计"
        assert sheet["A1"].font.color.rgb.endswith("D92D20")
    energy = hangzhou_book["节能降耗"]
    assert energy["A3"].value == "目标编码" and energy["I3"].value == "完成值"
    assert energy.freeze_panes == "C4"  # header row and the code, target columns stay in view


def test_targets_sheet_holds_each_month_with_the_computed_numbers(plan, hangzhou_book):
    energy = hangzhou_book["节能降耗"]
    rows = {(r[0], r[4], r[6]): r for r in energy.iter_rows(min_row=4, values_only=True)}
    months = {key[2] for key in rows}
    assert months == {f"2011-{m:02d}" for m in range(1, 10)}
    computed = next(
        r for r in compute(plan, MONTH, regions=[HANGZHOU])
        if r.target.code == "M-E-01" and r.region.code == HANGZHOU
    )  # fmt: skip
    row = rows[("M-E-01", HANGZHOU, "2011-09")]
    assert isinstance(computed.progress.value, Decimal)
    assert round_half_up(Decimal(str(row[8])), 6) == round_half_up(computed.progress.value, 6)
    assert row[12] == "%" and row[13] == "进度正常"
    line = next(
        c.row
        for c in energy["A"]
        if c.value == "M-E-01" and energy.cell(c.row, 7).value == "2011-09"
    )
    assert energy.cell(line, 9).number_format == "#,##0.00"
    missing = [r for r in rows.values() if r[13] == "无数据"]
    assert missing and all(r[8] == "暂无数据" for r in missing)  # never 0


def test_values_sheet_lists_the_city_and_its_counties_only_with_vintages(hangzhou_book):
    values = hangzhou_book["填报数值"]
    rows = list(values.iter_rows(min_row=4, values_only=True))
    regions = {r[3] for r in rows}
    assert HANGZHOU in regions and "330106" in regions  # 西湖区
    assert all(code.startswith("3301") for code in regions if code)
    assert {r[7] for r in rows} >= {"自报数", "核定数"}
    approved = Value.objects.filter(
        submission__region__code="330106", submission__period="2011-09",
        submission__status=Status.APPROVED, submission__data_set__code="energy_month",
    ).count()  # fmt: skip
    listed = [
        r
        for r in rows
        if r[3] == "330106" and r[6] == "2011-09" and r[10] == "能源消费与经济运行月报"
    ]
    assert approved and len(listed) >= approved
