"""The overview, the target page and the scorecard through Django's test client: access,
Excel exports and a cache that follows the data (real database, no demo data needed)."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from plantrack.core.periods import Period, periods
from plantrack.plans.models import Plan, Target
from plantrack.progress.models import FollowUp
from plantrack.regions.models import Region

from ..progress.test_progress import fill, hangzhou_counties

pytestmark = pytest.mark.django_db
PASSWORD = "demo2011"
OVERVIEW = "/dashboard/zhejiang-2011/"


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    ("username", "region"),
    [("admin", "浙江省"), ("leader", "浙江省"), ("hbt", "浙江省"), ("hangzhou", "杭州市"),
     ("xihu", "西湖区")],
)  # fmt: skip
def test_home_opens_the_overview_of_the_widest_region_the_user_may_see(username, region):
    client = client_for(username)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == OVERVIEW
    html = response.content.decode()
    assert f"<h1>2011年实施方案 · {region} · 总览</h1>" in html
    assert 'data-table="headline"' in html and "演示数据" in html


def test_city_user_sees_its_counties_and_is_refused_another_city():
    client = client_for("hangzhou")
    html = client.get(OVERVIEW).content.decode()
    for county in hangzhou_counties():
        assert f'data-value="{county}"' in html
    assert 'data-value="330200"' not in html
    for url in [
        f"{OVERVIEW}?region=330200",
        f"{OVERVIEW}?region=330203",
        f"{OVERVIEW}tables/headline.xlsx?region=330200",
        "/api/dashboard/zhejiang-2011/regions?region=330200",
    ]:
        assert client.get(url).status_code == 404, url
    assert client_for("xihu").get(f"{OVERVIEW}?region=330100").status_code == 404


def test_province_overview_lists_the_eleven_cities_with_a_map_or_a_clear_fallback():
    html = client_for("leader").get(OVERVIEW).content.decode()
    cities = Region.objects.filter(level="city", parent__code="330000", valid_to__isnull=True)
    assert cities.count() == 11
    for city in cities:
        assert f'data-value="{city.code}"' in html
    assert 'id="map"' in html or "地图边界文件未安装" in html


def test_every_table_exports_to_excel_with_the_rows_shown():
    client = client_for("admin")
    for table in ["headline", "regions", "programs", "overdue", "followups"]:
        response = client.get(f"{OVERVIEW}tables/{table}.xlsx?period=2011-07")
        assert response.status_code == 200, table
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet["A1"].value and "演示数据" in sheet["A2"].value
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(f"{OVERVIEW}tables/regions.xlsx").content)
    ).active
    names = [r[0] for r in sheet.iter_rows(min_row=4, values_only=True) if r[0]]
    assert names[:2] == ["杭州市", "宁波市"] and len(names) == 11
    assert client.get(f"{OVERVIEW}tables/nothing.xlsx").status_code == 404


def test_target_page_and_scorecard_export_their_tables():
    client = client_for("hangzhou")
    response = client.get("/plans/zhejiang-2011/targets/M-E-01/?format=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    regions = {r[1] for r in rows[3:] if r and r[1]}
    assert regions == {"杭州市"}  # not the province, not another city
    response = client.get("/progress/zhejiang-2011/regions/330100/?format=xlsx")
    assert response.status_code == 200
    assert client.get("/progress/zhejiang-2011/regions/330200/?format=xlsx").status_code == 404


def _hangzhou_intensity(client: Client) -> str:
    html = client.get(f"{OVERVIEW}?period=2011-07&region=330100").content.decode()
    return html.split('data-value="M-E-01"')[1].split("</tr>")[0]


def test_computed_figures_follow_new_approved_reports(data_set):
    """Progress is cached by the state of the data: new reports show on the next request."""
    client = client_for("admin")
    assert "无数据" in _hangzhou_intensity(client)
    months = list(periods(Period.parse("2010-01"), Period.parse("2011-07")))
    flat = {"energy_consumption": Decimal(100), "industrial_energy_consumption": Decimal(50),
            "gdp_constant": Decimal(1000)}  # fmt: skip
    fill(data_set, hangzhou_counties(), months, lambda code, period: flat)
    row = _hangzhou_intensity(client)
    assert "无数据" not in row
    assert any(
        status in row for status in ["已完成", "进度正常", "进度滞后", "严重滞后", "不降反升"]
    )


def test_follow_ups_counted_on_the_overview_follow_their_state():
    plan = Plan.objects.get(code="zhejiang-2011")
    client = client_for("admin")
    assert 'data-open="0"' in client.get(OVERVIEW).content.decode()
    FollowUp.objects.create(
        plan=plan, target=Target.objects.get(plan=plan, code="M-E-01"),
        region=Region.objects.get(code="330100"), rule="interview", name="约谈",
        scheme="ndrc-2021-h1", opened_for="2011-07", periods="2011-06、2011-07",
        opened_at=timezone.now(), due=dt.date(2011, 8, 31),
    )  # fmt: skip
    html = client.get(OVERVIEW).content.decode()
    assert 'data-open="1"' in html and 'data-overdue="1"' in html
    assert 'data-open="0"' in client_for("ningbo").get(OVERVIEW).content.decode()


def test_scorecard_of_a_city_shows_its_assessment_to_province_roles_only_until_published():
    html = client_for("leader").get("/progress/zhejiang-2011/regions/330100/").content.decode()
    assert "年度考核" in html and "data-grade" in html
    html = client_for("hangzhou").get("/progress/zhejiang-2011/regions/330100/").content.decode()
    assert "考核结果尚未发布" in html


def test_overview_in_english():
    client = client_for("admin")
    client.cookies["django_language"] = "en"
    html = client.get(OVERVIEW, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Main targets" in html and "Export to Excel" in html and "主要目标" not in html


def test_duties_count_annual_plans_and_key_projects_and_follow_their_changes(settings, tmp_path):
    from django.contrib.auth.models import User
    from django.core.files.base import ContentFile

    from plantrack.annualplans import actions as obligations
    from plantrack.annualplans.models import Kind, Obligation
    from plantrack.annualplans.obligations import open_year

    from ..projects.conftest import make_project

    settings.MEDIA_ROOT = str(tmp_path)
    plan = Plan.objects.get(code="zhejiang-2011")
    open_year(plan, 2011)
    make_project("D-XH-1", region="330106", status="completed", completed_on=dt.date(2011, 9, 1))
    make_project("D-XH-2", region="330106", status="under_construction")
    make_project("D-NB-1", region="330203", status="under_construction")

    def duty(html: str, key: str) -> str:
        start = html.index(f'data-duty="{key}"')
        return html[start : html.index(">", start)]

    hangzhou = client_for("hangzhou")
    html = hangzhou.get(OVERVIEW).content.decode()
    # Hangzhou's annual plan and two year-end reports, all past due in 2026; Ningbo's project
    # is not Hangzhou's.
    assert duty(html, "annual_plans") == (
        'data-duty="annual_plans" data-open="3" data-overdue="3" data-closed="0"'
    )
    assert 'data-open="1"' in duty(html, "projects") and 'data-closed="1"' in duty(html, "projects")

    report = Obligation.objects.get(plan=plan, kind=Kind.REPORT_PROVINCE, region__code="330100")
    owner, admin = User.objects.get(username="hangzhou"), User.objects.get(username="admin")
    obligations.upload_document(owner, report, ContentFile(b"report", name="report.docx"))
    obligations.submit(owner, report)
    obligations.review(admin, report, accept=True)
    html = hangzhou.get(OVERVIEW).content.decode()  # the cached body must not be served
    assert duty(html, "annual_plans") == (
        'data-duty="annual_plans" data-open="2" data-overdue="2" data-closed="1"'
    )
    province = client_for("admin").get(OVERVIEW).content.decode()
    assert 'data-open="2"' in duty(province, "projects")  # Hangzhou's and Ningbo's open ones
