"""The plan browser as a user sees it, in headless Chromium."""

import re

import pytest

from plantrack.plans.models import Target

from .browser import screenshot
from .conftest import PASSWORD, load_foundation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    # A transactional test starts from a flushed database; put the foundation back.
    load_foundation()
    return live_server.url


def login(page, site: str, username: str) -> None:
    page.goto(f"{site}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/dashboard/"))
    page.goto(f"{site}/plans/zhejiang-2011/")


def test_city_user_browses_filters_and_opens_a_target(site, page):
    login(page, site, "hangzhou")
    assert page.locator(".demo-banner").inner_text().startswith("演示数据")
    total = Target.objects.filter(plan__code="zhejiang-2011").count()
    assert page.locator("p.count").get_attribute("data-count") == str(total)
    screenshot(page, "plan-browser")

    page.get_by_label("部门").select_option("hbt")
    expected = Target.objects.filter(plan__code="zhejiang-2011", departments__code="hbt").count()
    page.wait_for_selector(f'p.count[data-count="{expected}"]')
    assert "department=hbt" in page.url

    first = page.locator("tr.target a").first
    code = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(rf"/targets/{re.escape(code)}/"))
    target = Target.objects.get(plan__code="zhejiang-2011", code=code)
    assert target.clause in page.locator("dl.facts").inner_text()
    screenshot(page, "target")


def test_vendor_scripts_are_served_locally(site, page):
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(site) else None)
    login(page, site, "admin")
    assert page.evaluate("typeof htmx") == "object"
    assert external == []
