"""Year-end forecasts on the progress page, in the command's JSON and through the API; the
progress and assessment API within the user's access."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from plantrack.core.periods import Period, periods

from .test_progress import HANGZHOU, fill, hangzhou_counties

pytestmark = pytest.mark.django_db

PASSWORD = "demo2011"
# Energy 96 in odd months and 97 in even ones against 100 a month in 2010, GDP flat: down
# 675 / 700 - 1 = -3.571% by July, and projected so for the year (last year was flat).
EXPECTED = (Decimal(675) / 700 - 1) * 100


@pytest.fixture
def near_target(data_set):
    def values(code, period):
        energy = 100 if period.year == 2010 else (96 if period.month % 2 else 97)
        return {
            "energy_consumption": Decimal(energy),
            "industrial_energy_consumption": Decimal(10),
            "gdp_constant": Decimal(1000),
        }

    months = list(periods(Period.parse("2010-01"), Period.parse("2011-07")))
    fill(data_set, hangzhou_counties(), months, values)
    return data_set


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def hangzhou_intensity(rows: list[dict]) -> dict:
    return next(r for r in rows if r["target"] == "M-E-01" and r["region"] == HANGZHOU)


def test_command_forecasts_the_year_end_intensity_and_the_odds_of_each_level(near_target):
    out = StringIO()
    call_command("progress", "--period", "2011-07", "--region", HANGZHOU, "--forecast", stdout=out)
    forecast = hangzhou_intensity(json.loads(out.getvalue())["rows"])["forecast"]
    assert forecast["kind"] == "intensity" and forecast["months"] == 7
    assert forecast["projection"] == pytest.approx(float(EXPECTED), abs=1e-9)
    assert forecast["low"] < forecast["projection"] < forecast["high"]
    odds = {level["level"]: level["probability"] for level in forecast["levels"]}
    # -3.57% is just past the binding 3.5% and short of the stretch 3.9%.
    assert 0.5 < odds["binding"] < 1 and 0 < odds["stretch"] < 0.5


def test_forecast_is_only_computed_when_asked(near_target):
    out = StringIO()
    call_command("progress", "--period", "2011-07", "--region", HANGZHOU, stdout=out)
    assert "forecast" not in hangzhou_intensity(json.loads(out.getvalue())["rows"])


def test_a_missing_month_gives_no_projection_rather_than_a_guess(near_target):
    from plantrack.reporting.models import Submission

    Submission.objects.filter(unit_key="region:330102", period="2011-03").delete()
    out = StringIO()
    call_command("progress", "--period", "2011-07", "--region", HANGZHOU, "--forecast", stdout=out)
    forecast = hangzhou_intensity(json.loads(out.getvalue())["rows"])["forecast"]
    assert forecast["projection"] is None and forecast["note"]
    assert all(level["probability"] is None for level in forecast["levels"])


def test_target_page_shows_projection_interval_and_odds(near_target):
    page = client_for("hangzhou").get(
        "/progress/zhejiang-2011/targets/M-E-01/", {"period": "2011-07"}
    )
    html = page.content.decode()
    assert "预计全年" in html and "达标概率" in html
    assert f'data-projection="{EXPECTED:.2f}"' in html
    assert "确保" in html and "力争" in html


def test_progress_api_matches_the_command_and_keeps_to_the_users_regions(near_target):
    url = "/api/progress?plan=zhejiang-2011&period=2011-07&forecast=1"
    rows = client_for("hangzhou").get(url).json()["rows"]
    assert {r["region"] for r in rows} <= {HANGZHOU} | set(hangzhou_counties())
    assert hangzhou_intensity(rows)["forecast"]["projection"] == pytest.approx(float(EXPECTED))
    other = client_for("ningbo").get(url).json()["rows"]
    assert other and HANGZHOU not in {r["region"] for r in other}
    everything = client_for("leader").get("/api/progress?period=2011-07").json()["rows"]
    assert {"330000", HANGZHOU, "330200"} <= {r["region"] for r in everything}
    assert "forecast" not in everything[0]


def test_progress_api_refuses_a_period_that_is_not_a_month(near_target):
    response = client_for("leader").get("/api/progress?period=2011Q2")
    assert response.status_code == 422


def test_assessment_api_waits_for_publication_except_for_admin_and_leader(near_target):
    url = "/api/progress/assessment?plan=zhejiang-2011&year=2011"
    assert client_for("hangzhou").get(url).status_code == 403
    assert client_for("leader").get(url).status_code == 200
    admin = client_for("admin")
    data = admin.get(url).json()
    assert data["published"] is False and HANGZHOU in {r["region"] for r in data["results"]}
    admin.post("/assessment/zhejiang-2011/2011/")  # publish
    published = client_for("hangzhou").get(url)
    assert published.status_code == 200 and published.json()["published"] is True
