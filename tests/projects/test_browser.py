"""The project list and an Excel import as a city official uses them, in headless Chromium."""

import re

import openpyxl
import pytest

from plantrack.projects.models import Project

from ..browser import screenshot
from ..conftest import PASSWORD, load_foundation
from .conftest import make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    load_foundation()
    make_project("B-XH-1", region="330106", status="completed")
    make_project("B-XH-2", region="330106", status="under_construction")
    make_project("B-NB-1", region="330203")
    return live_server.url


def login(page, site: str, username: str) -> None:
    page.goto(f"{site}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/dashboard/"))


def test_city_user_filters_the_list_and_imports_a_workbook(site, page, tmp_path):
    login(page, site, "hangzhou")
    page.goto(f"{site}/projects/zhejiang-2011/")
    assert page.locator("p.count").get_attribute("data-count") == "2"  # Ningbo's is hidden
    page.get_by_label("状态").select_option("completed")
    page.wait_for_selector('p.count[data-count="1"]')
    assert "status=completed" in page.url
    assert page.locator("tr.project a").first.inner_text() == "B-XH-1"
    screenshot(page, "projects-list")

    page.goto(f"{site}/projects/zhejiang-2011/excel/upload/")
    with page.expect_download() as download:
        page.get_by_role("link", name="建制镇污水处理设施项目").click()
    path = tmp_path / "template.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    codes = [c.value for c in ws[2]]
    row = {
        "code": "B-SW-1",
        "name": "桐庐某镇污水处理厂",
        "owner_unit": "桐庐县人民政府",
        "region": "330122",
        "status": "在建",
        "planned_investment": 2800,
    }
    for key, value in row.items():
        ws.cell(3, codes.index(key) + 1, value)
    book.save(path)
    page.get_by_label("文件（.xlsx）").set_input_files(str(path))
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_selector('[data-created="1"]')
    assert Project.objects.get(code="B-SW-1").region.code == "330122"
    screenshot(page, "projects-import")

    page.goto(f"{site}/projects/zhejiang-2011/?q=B-SW")
    page.wait_for_selector('p.count[data-count="1"]')
    page.locator("tr.project a").first.click()
    page.wait_for_url(re.compile(r"/p/B-SW-1/"))
    assert (
        "Excel 导入" in page.locator("#history").inner_text()
        or "excel" in page.locator("#history").inner_text()
    )
