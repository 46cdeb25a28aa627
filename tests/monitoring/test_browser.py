"""A city official in headless Chromium: sends a command to its logger from the source page (a
real receiver on a loopback port sends it to a simulated logger, and the history table updates
itself (htmx) from 排队待发 to 执行成功; another city's logger stays out of reach); sees a
refused command's error in the page; corrects an enterprise's emission figure."""

import pytest

from plantrack.enterprises.models import EmissionChange
from plantrack.monitoring.field_unit import FieldUnit
from plantrack.monitoring.models import LoggerCommand, MonitoredSource
from plantrack.monitoring.receiver import Settings
from plantrack.regions.models import Region

from ..browser import log_in, screenshot
from ..conftest import PASSWORD, load_foundation
from .conftest import enterprise, start_logger, start_server

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
    log_in(page, site, "hangzhou", PASSWORD)
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


DYE = "91330106TEST0001AA"


@pytest.fixture
def forms_site(live_server):
    """The pages only: a Hangzhou outlet and enterprise (2010 COD 900 t), no receiver."""
    load_foundation()
    MonitoredSource.objects.create(
        mn=HZ_MN, password="123456", name="浏览器排放口", region=Region.objects.get(code="330106"),
        system="32",
    )  # fmt: skip
    enterprise(DYE, "330106", cod="900")
    return live_server.url


def test_a_refused_command_shows_its_error_in_the_page(forms_site, page):
    log_in(page, forms_site, "hangzhou", PASSWORD)
    page.goto(f"{forms_site}/monitoring/zhejiang-2011/sources/{HZ_MN}/")
    page.get_by_label("命令").select_option("1064")
    page.get_by_label("理由").fill("调整分钟数据间隔")
    page.get_by_label("分钟数据间隔（分钟）MinInterval").fill("7")
    page.get_by_role("button", name="下发命令").click()
    error = page.locator('#commands [data-error="MinInterval"]')
    error.wait_for()  # swapped in from the 422 answer
    assert "收到 7" in error.inner_text()
    assert not LoggerCommand.objects.exists()


def test_city_official_corrects_an_emission_figure(forms_site, page):
    log_in(page, forms_site, "hangzhou", PASSWORD)
    page.goto(f"{forms_site}/monitoring/zhejiang-2011/coverage/enterprises/{DYE}/")
    page.get_by_label("年份").select_option("2010")
    page.get_by_label("污染物").select_option("cod")
    page.get_by_label("排放量（吨）").fill("-5")
    page.get_by_label("理由").fill("环境统计更正")
    page.get_by_role("button", name="保存").click()
    error = page.locator('#emissions [data-error="amount"]')
    error.wait_for()
    assert "0" in error.inner_text()  # 确保该值大于或等于0
    assert not EmissionChange.objects.exists()

    page.get_by_label("排放量（吨）").fill("950.5")
    page.get_by_role("button", name="保存").click()
    page.locator('td[data-pollutant="cod"][data-amount="950.5"]').wait_for()
    change = page.locator('table[data-table="emission-changes"] tr[data-channel="form"]')
    text = change.inner_text()
    assert "900 → 950.5" in text and "hangzhou" in text and "页面填写" in text
    assert page.locator("#emissions [data-error]").count() == 0
    screenshot(page, "monitoring-emissions")
