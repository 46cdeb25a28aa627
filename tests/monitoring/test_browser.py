"""A city official sends a command to its logger from the source page in headless Chromium; a
real receiver on a loopback port sends it to a simulated logger, and the history table updates
itself (htmx) from 排队待发 to 执行成功. Another city's logger stays out of reach."""

import re

import pytest

from plantrack.monitoring.field_unit import FieldUnit
from plantrack.monitoring.models import LoggerCommand, MonitoredSource
from plantrack.monitoring.receiver import Settings
from plantrack.regions.models import Region

from ..browser import screenshot
from ..conftest import PASSWORD, load_foundation
from .conftest import start_logger, start_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HZ_MN = "330106000000000000000B01"
NB_MN = "330200000000000000000B02"


@pytest.fixture
def site(live_server):
    load_foundation()
    for mn, region in ((HZ_MN, "330106"), (NB_MN, "330200")):
        MonitoredSource.objects.create(
            mn=mn, password="123456", name=f"浏览器排放口 {region}",
            region=Region.objects.get(code=region), system="32",
        )  # fmt: skip
    server = start_server(Settings(flush_ms=50, command_poll=0.05))
    logger = start_logger(server.port, FieldUnit(HZ_MN, "123456"))
    yield live_server.url
    logger.close()
    server.shutdown()


def test_city_official_sends_a_command_and_watches_it_execute(site, page):
    page.goto(f"{site}/login/")
    page.get_by_label("用户名").fill("hangzhou")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/dashboard/"))

    page.goto(f"{site}/monitoring/zhejiang-2011/sources/{HZ_MN}/")
    page.get_by_label("命令").select_option("1063")
    page.get_by_label("理由").fill("核对分钟数据间隔")
    page.get_by_role("button", name="下发命令").click()
    row = page.locator('table[data-table="commands"] tbody tr[data-command="1063"]')
    row.wait_for()
    # The fragment polls every 2 s while a command is unfinished.
    page.wait_for_selector('tr[data-command="1063"][data-status="executed"]', timeout=15000)
    text = row.inner_text()
    assert "执行成功" in text and "MinInterval=10" in text and "hangzhou" in text
    screenshot(page, "monitoring-commands")
    assert LoggerCommand.objects.get().status == "executed"

    response = page.goto(f"{site}/monitoring/zhejiang-2011/sources/{NB_MN}/")
    assert response is not None and response.status == 404
