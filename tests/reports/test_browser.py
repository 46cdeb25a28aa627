"""The reports page in headless Chromium against a real server on the generated demo data:
the Hangzhou user downloads its year-end report and the file is read with python-docx."""

import io
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from plantrack.core.generic import round_half_up

from ..browser import screenshot
from ..conftest import PASSWORD

pytestmark = pytest.mark.browser

PLANTRACK = Path(sys.executable).parent / "plantrack"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site():
    """`plantrack demo` into a fresh SQLite database, then `plantrack runserver` on it."""
    data = tempfile.mkdtemp(prefix="plantrack-reports-")
    env = {k: v for k, v in os.environ.items()
           if k not in ("PLANTRACK_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}  # fmt: skip
    env.update(PLANTRACK_DATA_DIR=data, PLANTRACK_DEMO="1")
    subprocess.run([str(PLANTRACK), "demo"], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [str(PLANTRACK), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
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
    page.wait_for_load_state()


def test_city_user_downloads_its_report_and_it_holds_the_served_figures(site, page):
    login(page, site, "hangzhou")
    page.goto(f"{site}/reports/zhejiang-2011/")
    assert page.locator("#province-report").count() == 0  # not for a city
    options = page.locator("#city-region option")
    assert options.all_inner_texts() == ["杭州市"]
    page.select_option("#city-month", "2011-09")
    screenshot(page, "reports-hangzhou")
    with page.expect_download() as waiting:
        page.locator("#city-report").get_by_role("button", name="生成 Word 报告").click()
    download = waiting.value
    assert download.suggested_filename == "杭州市2011年度目标责任完成情况报告.docx"
    document = docx.Document(io.BytesIO(Path(download.path()).read_bytes()))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[0].startswith("演示数据")
    assert texts[1] == "杭州市人民政府关于2011年度资源节约与环境保护目标责任完成情况的报告"
    assert texts[2] == "浙江省人民政府："
    assert "一、目标完成总体情况" in texts and any(t.startswith("附件：1.") for t in texts)
    assert re.fullmatch(r"\d{4}年[1-9]\d?月[1-9]\d?日", texts[texts.index("杭州市人民政府") + 1])
    # The energy-intensity figure printed is the one the progress API serves for the month.
    served = page.request.get(
        f"{site}/api/progress?plan=zhejiang-2011&period=2011-09&region=330100"
    )
    row = next(r for r in served.json()["rows"] if r["target"] == "M-E-01")
    value = round_half_up(Decimal(str(abs(row["value"]))), 2).normalize()
    table = document.tables[0]
    line = next(r for r in table.rows if r.cells[1].text == "单位GDP能耗下降3.5%以上")
    assert line.cells[4].text == f"下降{value:f}%"
    # Another city's report is refused to this user.
    refused = page.request.get(f"{site}/reports/zhejiang-2011/city/330200/2011/")
    assert refused.status == 403
