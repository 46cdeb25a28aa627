"""Hangzhou uploads its annual plan and its targets and submits; the province accepts it."""

import re

import openpyxl
import pytest

from plantrack.annualplans.models import Obligation, State
from plantrack.annualplans.obligations import open_year
from plantrack.plans.models import Plan

from ..browser import screenshot
from ..conftest import PASSWORD, load_foundation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    load_foundation()
    open_year(Plan.objects.get(code="zhejiang-2011"), 2011)
    return live_server.url


def login(page, site: str, username: str) -> None:
    page.goto(f"{site}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/dashboard/"))


def logout(page) -> None:
    page.get_by_role("button", name="退出").click()


def test_city_submits_its_plan_and_province_accepts(site, page, tmp_path):
    login(page, site, "hangzhou")
    page.goto(f"{site}/annual-plans/zhejiang-2011/")
    assert page.locator("tr.obligation").count() == 3  # its own three duties only
    page.get_by_label("类型").select_option("annual_plan")
    page.wait_for_function("document.querySelectorAll('tr.obligation').length === 1")
    assert "kind=annual_plan" in page.url
    page.locator("tr.obligation a").first.click()
    page.wait_for_url(re.compile(r"/o/\d+/$"))

    plan_file = tmp_path / "杭州市2011年度实施计划.docx"
    plan_file.write_bytes(b"PK\x03\x04 annual plan")
    page.get_by_label("年度实施计划文件").set_input_files(str(plan_file))
    page.get_by_role("button", name="上传", exact=True).click()
    page.wait_for_selector("tr.document")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载分解目标模板（Excel）").click()
    path = tmp_path / "targets.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)
    sheet = book["分解目标"]
    for row in sheet.iter_rows(min_row=3):
        row[4].value = row[3].value if row[3].value is not None else 1
    book.save(path)
    page.get_by_label("填好的分解目标模板").set_input_files(str(path))
    page.get_by_role("button", name="导入分解目标").click()
    page.wait_for_selector('tr.target-row[data-code="M-E-01"]')
    assert "3.5" in page.locator('tr.target-row[data-code="M-E-01"]').inner_text()
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_selector('dd.status[data-status="submitted"]')
    screenshot(page, "annualplans-submitted")
    url = page.url
    logout(page)

    login(page, site, "admin")
    page.goto(url)
    page.get_by_label("审核意见").fill("同意")
    page.get_by_role("button", name="审核通过").click()
    page.wait_for_selector('dd.status[data-status="accepted"]')
    assert "审核通过" in page.locator("#events").inner_text()
    screenshot(page, "annualplans-accepted")
    obligation = Obligation.objects.get(kind="annual_plan", region__code="330100")
    assert obligation.status == State.ACCEPTED and obligation.target_rows.count() > 1
