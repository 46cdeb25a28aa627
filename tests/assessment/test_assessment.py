"""Annual assessment of cities: computed quantitative part, assessors' measures, veto, grade."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from plantrack.assessment.models import MeasureScore
from plantrack.core.assessment import load_scheme
from plantrack.core.periods import Period, periods

from ..progress.test_progress import HANGZHOU, fill, hangzhou_counties

pytestmark = pytest.mark.django_db


def year_of_data(data_set, energy_2011):
    fill(
        data_set, hangzhou_counties(), list(periods(Period.parse("2010-01"), Period.parse("2011-12"))),
        lambda code, p: {"energy_consumption": Decimal(energy_2011 if p.year == 2011 else 100),
                         "industrial_energy_consumption": Decimal(10), "gdp_constant": Decimal(1000)},
    )  # fmt: skip


def full_marks(client):
    scheme = load_scheme()
    form = {}
    for item in scheme.measures:
        for sub in item.items or [item]:
            form[f"points-{sub.code}"] = str(sub.points)
            form[f"evidence-{sub.code}"] = "市政府文件及台账"
    return client.post(f"/assessment/zhejiang-2011/2011/{HANGZHOU}/score/", form)


def hangzhou(out: StringIO) -> dict:
    return next(r for r in json.loads(out.getvalue())["results"] if r["region"] == HANGZHOU)


def test_city_meeting_its_target_with_full_measures_exceeds(admin_client, data_set):
    year_of_data(data_set, energy_2011=96)  # down 4% against 3.5% required
    assert full_marks(admin_client).status_code == 302
    assert MeasureScore.objects.filter(region__code=HANGZHOU).count() > 10
    out = StringIO()
    call_command("assess", "--year", "2011", stdout=out)
    row = hangzhou(out)
    [quantitative] = row["quantitative"]
    assert quantitative["awarded"] == 40 and row["bonus"] == 3  # 4/3.5 = 114%: one step over
    assert row["total"] == 103 and row["grade"] == "超额完成" and row["rank"] == 1
    assert row["veto"] == []


def test_missing_the_binding_intensity_target_is_a_veto_whatever_the_score(admin_client, data_set):
    year_of_data(data_set, energy_2011=101)  # intensity rose
    full_marks(admin_client)
    out = StringIO()
    call_command("assess", "--year", "2011", stdout=out)
    row = hangzhou(out)
    assert row["grade"] == "未完成" and row["veto"]
    assert row["quantitative"][0]["awarded"] == 0


def test_scores_need_evidence_and_stay_within_the_points(admin_client, data_set):
    url = f"/assessment/zhejiang-2011/2011/{HANGZHOU}/score/"
    page = admin_client.post(
        url, {"points-organisation.system": "5", "evidence-organisation.system": "x"}
    )
    assert "应在 0 到 1 之间" in page.content.decode()
    page = admin_client.post(url, {"points-organisation.system": "1"})
    assert "必须填写依据材料" in page.content.decode()
    assert not MeasureScore.objects.exists()


def test_results_are_hidden_from_cities_until_published(data_set):
    client, admin_client = Client(), Client()
    assert admin_client.login(username="admin", password="demo2011")
    assert client.login(username="hangzhou", password="demo2011")
    assert client.get("/assessment/zhejiang-2011/2011/").status_code == 403
    assert client.get(f"/assessment/zhejiang-2011/2011/{HANGZHOU}/score/").status_code == 403
    admin_client.post("/assessment/zhejiang-2011/2011/")
    page = client.get("/assessment/zhejiang-2011/2011/")
    assert page.status_code == 200 and 'data-region="330100"' in page.content.decode()
