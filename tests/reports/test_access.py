"""Who may generate which report, over HTTP: the pages, the downloads and the API."""

import pytest
from django.test import Client

from ..conftest import PASSWORD
from .conftest import HANGZHOU, NINGBO, PROVINCE, word

pytestmark = pytest.mark.django_db

PAGE = "/reports/zhejiang-2011/"
API = "/api/reports/zhejiang-2011"


def logged_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def hangzhou(plan) -> Client:
    return logged_in("hangzhou")


def test_anonymous_users_are_sent_to_log_in(scenario):
    client = Client()
    assert client.get(PAGE).status_code == 302
    assert client.get(f"{PAGE}city/{HANGZHOU}/2011/").status_code == 302
    assert client.get(f"{API}/city/{HANGZHOU}/2011").status_code == 401


def test_city_page_offers_only_its_own_city_and_no_province_report(hangzhou):
    page = hangzhou.get(PAGE).content.decode()
    assert f'<option value="{HANGZHOU}">杭州市</option>' in page
    assert NINGBO not in page and PROVINCE not in page
    assert 'id="province-report"' not in page


@pytest.mark.parametrize(
    "url",
    [
        f"{PAGE}city/{NINGBO}/2011/",
        f"{PAGE}province/2011/",
        f"{PAGE}bulletin/{NINGBO}/2011-09/",
        f"{PAGE}bulletin/{PROVINCE}/2011-09/?format=pdf",
        f"{PAGE}workbook/{NINGBO}/2011-09/",
        f"{PAGE}workbook/{PROVINCE}/2011-09/",
        f"{API}/city/{NINGBO}/2011",
        f"{API}/province/2011",
        f"{API}/bulletin/{PROVINCE}/2011-09",
        f"{API}/workbook/{NINGBO}/2011-09",
    ],
)
def test_city_user_cannot_generate_another_region_or_the_province(hangzhou, url):
    response = hangzhou.get(url)
    assert response.status_code == 403
    assert not response.get("Content-Disposition")


def test_city_form_for_another_city_is_refused(hangzhou):
    response = hangzhou.get(PAGE, {"kind": "city", "region": NINGBO, "year": 2011})
    assert response.status_code == 400  # not a choice the city has: no redirect to a file
    assert not response.get("Location")
    assert 'role="alert"' in response.content.decode()


def test_county_user_drafts_no_city_report(plan):
    xihu = logged_in("xihu")
    assert xihu.get(f"{PAGE}city/{HANGZHOU}/2011/").status_code == 403
    assert xihu.get(f"{API}/city/{HANGZHOU}/2011").status_code == 403


def test_city_downloads_its_own_report_from_the_page_form(hangzhou):
    response = hangzhou.get(
        PAGE, {"kind": "city", "region": HANGZHOU, "year": 2011, "month": "2011-09"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}city/{HANGZHOU}/2011/?month=2011-09"
    download = hangzhou.get(response["Location"])
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    document = word(download.content)
    assert document.paragraphs[1].text.startswith("杭州市人民政府关于2011年度")


def test_form_errors_say_what_is_missing(hangzhou):
    response = hangzhou.get(PAGE, {"kind": "bulletin", "region": HANGZHOU})
    assert response.status_code == 400
    assert "请选择月份" in response.content.decode()


def test_province_roles_generate_every_report(plan):
    leader = logged_in("leader")
    response = leader.get(f"{API}/province/2011", {"month": "2011-09"})
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert word(response.content).paragraphs[2].text == "浙江省人民代表大会常务委员会："
    assert leader.get(f"{API}/city/{NINGBO}/2011", {"month": "2011-09"}).status_code == 200
    pdf = leader.get(f"{API}/bulletin/{PROVINCE}/2011-09", {"format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_api_lists_what_the_user_may_generate(hangzhou):
    listed = hangzhou.get(API).json()["reports"]
    assert {(r["kind"], r["region"]) for r in listed} == {
        ("city", HANGZHOU), ("bulletin", HANGZHOU), ("workbook", HANGZHOU),
    }  # fmt: skip
    assert hangzhou.get(listed[0]["url"]).status_code == 200


def test_api_rejects_a_month_that_is_not_one(hangzhou):
    response = hangzhou.get(f"{API}/bulletin/{HANGZHOU}/2011-13")
    assert response.status_code == 422
    assert "2011-13" in response.json()["detail"]
