"""A county official amends its outlet's missing hours in headless Chromium (修约) and sees
the transmission-validity rate recomputed; another city's outlet stays out of reach."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from plantrack.core.hj212 import BEIJING
from plantrack.quality.models import Amendment, MonthlyRate
from plantrack.quality.services import Month

from ..browser import screenshot
from ..conftest import load_foundation
from .conftest import PASSWORD, outlet, store

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    load_foundation()
    now = timezone.now().astimezone(BEIJING)
    month = Month(now.year, now.month)
    xihu = outlet("330106Q00000000000000011", "330106", "91330106TEST00011A", "西湖浏览热电")
    ningbo = outlet("330203Q00000000000000012", "330203", "91330203TEST00012B", "海曙浏览热电")
    # SO2 arrives for the first 48 hours of the month only; the rest is missing.
    store(xihu, "a21026", month.hours[:48], "45", kinds=("Avg", "ZsAvg"))
    store(ningbo, "a21026", month.hours[:48], "45", kinds=("Avg", "ZsAvg"))
    call_command("quality", "compute", "--month", str(month), verbosity=0)
    return live_server.url, month, xihu, ningbo


def login(page, url: str, username: str) -> None:
    page.goto(f"{url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/dashboard/"))


def test_county_amends_missing_hours_and_the_rate_is_recomputed(site, page):
    url, month, xihu, ningbo = site
    login(page, url, "xihu")

    page.goto(f"{url}/monitoring/zhejiang-2011/")
    listed = page.locator("main").inner_text()
    assert "西湖浏览热电" in listed and "海曙浏览热电" not in listed

    page.goto(f"{url}/quality/zhejiang-2011/rates/?month={month}")
    rows = page.locator('table[data-table="rates-factor"] tbody tr')
    # Its own outlet's SO2 and NOx; O2 has no limit and is not assessed; Ningbo's are hidden.
    assert rows.count() == 2
    assert all("西湖浏览热电" in text for text in rows.all_inner_texts())
    before = MonthlyRate.objects.get(source=xihu, pollutant="a21026", month=str(month))
    page.locator(f'a[href*="/rates/{xihu.mn}/a21026/"]').click()
    page.wait_for_url(re.compile(rf"/rates/{xihu.mn}/a21026/"))

    start = month.start + dt.timedelta(hours=48)
    page.get_by_label("开始（北京时间，整点）").fill(f"{start:%Y-%m-%d %H:%M}")
    page.get_by_label("结束（不含，整点）").fill(f"{start + dt.timedelta(hours=24):%Y-%m-%d %H:%M}")
    page.get_by_label("修约为").select_option("excluded")
    page.get_by_label("修约理由").fill("锅炉停炉检修")
    page.get_by_role("button", name="修约并重算").click()
    page.wait_for_selector("text=已修约 24 个小时")
    # Runs of hours, not one row per hour: the 24 amended, then the rest of the month missing.
    runs = page.locator('table[data-table="hours"] tbody tr').all_inner_texts()
    assert len(runs) == 2
    assert "\t24\t" in runs[0] and "停产" in runs[0] and "停产" not in runs[1]
    history = page.locator('table[data-table="amendments"] tbody tr')
    assert history.count() == 24
    assert "锅炉停炉检修" in history.first.inner_text()
    screenshot(page, "quality-amendment")

    after = MonthlyRate.objects.get(source=xihu, pollutant="a21026", month=str(month))
    assert (after.excluded, after.owed) == (24, before.owed - 24)
    assert Amendment.objects.filter(source=xihu, amended_by__username="xihu").count() == 24

    # Another city's outlet: not found, and nothing amended there.
    response = page.goto(f"{url}/quality/zhejiang-2011/rates/{ningbo.mn}/a21026/?month={month}")
    assert response is not None and response.status == 404
    assert not Amendment.objects.filter(source=ningbo).exists()
