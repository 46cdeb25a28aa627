"""A city submits rectification evidence and the province verifies and closes it (销号), in
headless Chromium."""

import re

import pytest

from plantrack.supervision.models import Item

from ..browser import screenshot
from ..conftest import PASSWORD, load_foundation
from .conftest import make_campaign, make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    load_foundation()
    campaign = make_campaign()
    item = make_item(campaign, "330106", description="西湖区某印染企业废水超标排放")
    make_item(campaign, "330204", description="宁波某企业燃煤锅炉未改造")
    return live_server.url, item


def login(page, site: str, username: str) -> None:
    page.goto(f"{site}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/dashboard/"))


def test_city_submits_evidence_and_province_verifies_and_closes(site, page, browser, tmp_path):
    url, item = site
    login(page, url, "hangzhou")
    page.goto(f"{url}/supervision/zhejiang-2011/")
    assert page.locator("p.count").get_attribute("data-count") == "1"  # Ningbo's is hidden
    page.get_by_label("仅逾期").check()
    page.wait_for_url(re.compile(r"overdue=1"))
    screenshot(page, "supervision-ledger")
    page.get_by_role("link", name=item.number).click()
    page.wait_for_url(re.compile(rf"/items/{item.pk}/"))
    assert page.locator("#review").count() == 0
    evidence = tmp_path / "整改报告.pdf"
    evidence.write_bytes(b"%PDF-1.4 rectification report")
    page.get_by_label("整改情况说明").fill("已停产整治并完成提标改造，出水稳定达标")
    page.get_by_label("佐证材料").set_input_files(str(evidence))
    page.get_by_role("button", name="提交核验").click()
    page.wait_for_selector('#facts[data-status="submitted"]')
    assert page.locator("#review").count() == 0  # the owner cannot verify
    screenshot(page, "supervision-submitted")

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    admin = context.new_page()
    login(admin, url, "admin")
    admin.goto(f"{url}/supervision/zhejiang-2011/items/{item.pk}/")
    assert "整改报告.pdf" in admin.locator("#evidence").inner_text()
    admin.get_by_label("核验意见").fill("现场核查属实，同意销号")
    admin.get_by_role("button", name="核验通过并销号").click()
    admin.wait_for_selector('#facts[data-status="closed"]')
    assert "已销号" in admin.locator("#status").inner_text()
    assert "核验销号" in admin.locator("#events").inner_text()
    screenshot(admin, "supervision-closed")
    context.close()
    closed = Item.objects.get(pk=item.pk)
    assert closed.status == "closed" and closed.closed_by.username == "admin"
