"""A city user sees only its city's sources, stations and samples — pages, Excel and API."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from .conftest import PASSWORD, SEPTEMBER, store

pytestmark = pytest.mark.django_db

PAGES = ["", "rates/", "rates/?level=enterprise", "rates/?level=county", "rates/?level=city",
         "exceedances/", "supervisory/", "air/", "water/"]  # fmt: skip


@pytest.fixture
def two_cities(hangzhou_outlet, ningbo_outlet):
    for source in (hangzhou_outlet, ningbo_outlet):
        store(source, "a21026", SEPTEMBER.hours, "150", kinds=("Avg", "ZsAvg"))
    call_command("quality", "compute", "--month", "2011-09", verbosity=0)
    return hangzhou_outlet, ningbo_outlet


@pytest.mark.parametrize("path", PAGES)
def test_city_user_pages_show_only_its_city(client, two_cities, path) -> None:
    assert client.login(username="ningbo", password=PASSWORD)
    separator = "&" if "?" in path else "?"
    page = client.get(f"/quality/zhejiang-2011/{path}{separator}month=2011-09")
    assert page.status_code == 200
    text = page.content.decode()
    assert "西湖测试热电" not in text and "杭州市" not in text
    if path.startswith("rates/") or path == "exceedances/":
        assert "海曙测试热电" in text or "宁波市" in text or "海曙区" in text


def test_excel_export_has_the_same_rows_as_the_page(client, two_cities) -> None:
    assert client.login(username="ningbo", password=PASSWORD)
    response = client.get("/quality/zhejiang-2011/exceedances/?month=2011-09&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 720
    assert {r[1] for r in rows} == {"海曙测试热电"}
    admin = client
    admin.logout()
    assert admin.login(username="admin", password=PASSWORD)
    everything = load_workbook(io.BytesIO(admin.get(
        "/quality/zhejiang-2011/rates/?month=2011-09&level=city&format=xlsx").content)).active  # fmt: skip
    cities = [r[0] for r in everything.iter_rows(min_row=4, values_only=True)]
    assert cities == ["杭州市", "宁波市"]


def test_another_citys_source_is_not_found(client, two_cities) -> None:
    hangzhou, _ = two_cities
    assert client.login(username="ningbo", password=PASSWORD)
    assert client.get(f"/quality/zhejiang-2011/rates/{hangzhou.mn}/a21026/").status_code == 404


def test_api_reads_are_scoped(client, two_cities) -> None:
    assert client.login(username="ningbo", password=PASSWORD)
    cities = client.get("/api/quality/zhejiang-2011/cities?month=2011-09").json()
    assert [c["name"] for c in cities] == ["宁波市"]
    # SO2 complete, NOx (also assessed) never sent: half the owed hours arrived, all valid.
    assert (cities[0]["hours_owed"], cities[0]["hours_received"]) == (1440, 720)
    assert cities[0]["transmission_rate"] == 0.5 and cities[0]["validity_rate"] == 1.0
    rates = client.get("/api/quality/zhejiang-2011/rates?month=2011-09&level=factor").json()
    assert {r["key"].split(":")[0] for r in rates} == {two_cities[1].mn}
    found = client.get("/api/quality/zhejiang-2011/exceedances?month=2011-09").json()
    assert len(found) == 720 and {e["mn"] for e in found} == {two_cities[1].mn}
    assert client.get("/api/quality/zhejiang-2011/cities?month=2011-9x").status_code == 422
    client.logout()
    assert client.get("/api/quality/zhejiang-2011/cities?month=2011-09").status_code == 401


def test_only_managers_compute_and_publish(client, two_cities) -> None:
    assert client.login(username="hangzhou", password=PASSWORD)
    assert client.post("/quality/zhejiang-2011/compute/", {"month": "2011-09"}).status_code == 403
    client.logout()
    assert client.login(username="hbt", password=PASSWORD)
    response = client.post("/quality/zhejiang-2011/compute/", {"month": "2011-09", "publish": "1"})
    assert response.status_code == 302
    page = client.get("/quality/zhejiang-2011/?month=2011-09").content.decode()
    assert "最近一次写入填报" in page


def test_pages_need_a_login(client) -> None:
    response = client.get("/quality/zhejiang-2011/")
    assert response.status_code == 302 and "login" in response["Location"]
