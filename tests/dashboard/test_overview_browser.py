"""The overview, target page and exports as each demo role sees them, in headless Chromium,
against a real server process on the generated demo data (演示数据)."""

import io
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import openpyxl
import pytest

from plantrack.dashboard.overview import COLOURS, LEVELS

from ..browser import screenshot
from ..conftest import PASSWORD

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
PLANTRACK = Path(sys.executable).parent / "plantrack"
MAP = REPO / "src/plantrack/dashboard/static/dashboard/map-330000.json"
ROLES = {
    "admin": "330000", "leader": "330000", "fgw": "330000", "hbt": "330000",
    "hangzhou": "330100", "ningbo": "330200", "xihu": "330106",
}  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site():
    """`plantrack demo` into a fresh SQLite database, then `plantrack runserver` on it."""
    data = tempfile.mkdtemp(prefix="plantrack-dashboard-")
    env = {k: v for k, v in os.environ.items() if k != "PLANTRACK_DATABASE_URL"}
    env.update(PLANTRACK_DATA_DIR=data, PLANTRACK_DEMO="1", DJANGO_SETTINGS_MODULE="")
    env.pop("DJANGO_SETTINGS_MODULE")
    subprocess.run([str(PLANTRACK), "demo"], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [str(PLANTRACK), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/login/", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(10)


def login(page, site: str, username: str) -> None:
    page.goto(f"{site}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/dashboard/zhejiang-2011/"))


def server_levels(page, site: str, region: str = "") -> dict[str, dict]:
    response = page.request.get(f"{site}/api/dashboard/zhejiang-2011/regions?region={region}")
    assert response.status == 200
    return {r["name"]: r for r in response.json()["regions"]}


def drawn(page, chart: str) -> list[dict]:
    """Name, value and colour of each region as the chart was drawn."""
    page.wait_for_function(f"window.plantrackCharts && window.plantrackCharts['{chart}']")
    return page.evaluate(
        """(name) => {
            const option = window.plantrackCharts[name].getOption();
            const pieces = option.visualMap[0].pieces;
            return option.series[0].data.map(d => ({
                name: d.name, value: Math.round(d.value), level: d.level,
                colour: d.itemStyle ? d.itemStyle.color
                                    : pieces.find(p => p.value === d.value).color,
            }));
        }""",
        chart,
    )


@pytest.mark.parametrize("username", list(ROLES))
def test_each_role_sees_its_overview_coloured_as_the_server_computed(site, browser, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, site, username)
    assert page.locator(".demo-banner").inner_text().startswith("演示数据")
    assert page.locator("table[data-table=headline] tbody tr").count() >= 1
    region = ROLES[username]
    expected = server_levels(page, site)
    if region == "330000":
        assert len(expected) == 11
        assert MAP.exists(), "map boundaries missing: make install copies them from npm"
        shown = drawn(page, "map")
    elif region.endswith("00"):
        shown = drawn(page, "bars")
    else:
        shown = []
        assert expected == {} and page.locator("#map, #bars").count() == 0
    assert {s["name"] for s in shown} == set(expected)
    for item in shown:
        level = expected[item["name"]]["level"]
        assert item["value"] == LEVELS.index(level) or (level == "" and item["value"] == 0)
        assert item["colour"].lower() == COLOURS[level].lower(), item
    # The table beside the chart says the same, for keyboard and screen-reader users.
    for row in expected.values():
        line = page.locator(f'table[data-table=regions] tr:has(td[data-value="{row["code"]}"])')
        assert (line.locator("td").nth(1).get_attribute("data-value") or "") == row["level"]
    screenshot(page, f"dashboard-{username}")
    context.close()


def test_province_user_drills_down_from_map_to_city_and_county(site, page):
    login(page, site, "leader")
    drawn(page, "map")
    # A real click on the map canvas, in western Hangzhou (淳安), away from the labels.
    point = page.evaluate(
        "window.plantrackCharts.map.convertToPixel({seriesIndex: 0}, [119.3, 29.75])"
    )
    page.locator("#map").click(position={"x": point[0], "y": point[1]})
    page.wait_for_url(re.compile(r"region=330100"))
    assert "杭州市" in page.locator("h1").inner_text()
    assert len(drawn(page, "bars")) == len(server_levels(page, site, "330100"))
    screenshot(page, "dashboard-hangzhou-drill")
    page.locator("table[data-table=regions] a", has_text="西湖区").click()
    page.wait_for_url(re.compile(r"region=330106"))
    assert "西湖区" in page.locator("h1").inner_text()
    assert page.locator("nav.crumbs a", has_text="浙江省").count() == 1


def test_target_page_shows_definition_chart_regions_and_history(site, page):
    login(page, site, "admin")
    first = page.locator("table[data-table=headline] tbody tr td a").first
    first.click()
    page.wait_for_url(re.compile(r"/targets/M-E-01/"))
    assert "正文" in page.locator("dl.facts").inner_text()
    page.wait_for_function("window.plantrackCharts && window.plantrackCharts.target")
    option = page.evaluate("window.plantrackCharts.target.getOption()")
    assert option["toolbox"][0]["feature"]["saveAsImage"]
    assert any(v is not None for v in option["series"][0]["data"])
    assert page.locator("table.progress tbody tr").count() == 12  # the province and 11 cities
    assert page.locator("#h-vintages").is_visible() and page.locator("#h-history").is_visible()
    screenshot(page, "target-page")


def test_every_chart_can_be_saved_as_an_image(site, page):
    login(page, site, "admin")
    drawn(page, "map")
    names = page.evaluate("Object.keys(window.plantrackCharts)")
    assert "map" in names and any(n.startswith("trend-") for n in names)
    for name in names:
        toolbox = page.evaluate(f"window.plantrackCharts['{name}'].getOption().toolbox[0]")
        assert "saveAsImage" in toolbox["feature"], name


def test_excel_export_holds_the_table_shown(site, page):
    login(page, site, "hangzhou")
    with page.expect_download() as download:
        page.locator("a.xlsx[href*='/tables/regions.xlsx']").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = book.active
    assert "演示数据" in sheet["A2"].value
    exported = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]]
    shown = page.locator("table[data-table=regions] tbody tr td:first-child").all_inner_texts()
    assert exported[: len(shown)] == shown and len(shown) > 5


def test_city_user_is_refused_another_city(site, page):
    login(page, site, "hangzhou")
    for url in [
        "/dashboard/zhejiang-2011/?region=330200",
        "/dashboard/zhejiang-2011/tables/headline.xlsx?region=330200",
        "/api/dashboard/zhejiang-2011/regions?region=330200",
        "/progress/zhejiang-2011/regions/330200/",
    ]:
        assert page.request.get(site + url).status in (403, 404), url
    assert page.request.get(site + "/dashboard/zhejiang-2011/?region=330106").status == 200


def test_skip_link_is_the_first_stop_and_tablet_width_keeps_tables_readable(site, browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 820, "height": 1180})
    page = context.new_page()
    login(page, site, "admin")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 820
    screenshot(page, "dashboard-tablet")
    context.close()
