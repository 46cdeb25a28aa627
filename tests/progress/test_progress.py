"""Progress and warnings from approved reports, computed with the plan's own expressions."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from plantrack.core.periods import Period, periods
from plantrack.plans.models import Plan
from plantrack.progress.services import compute
from plantrack.regions.models import Region
from plantrack.reporting.models import Status, Submission, Value

pytestmark = pytest.mark.django_db

HANGZHOU = "330100"


def fill(data_set, region_codes, months, values_for):
    """Approved submissions of ``data_set`` with values from ``values_for(region, period)``."""
    elements = {f.element.code: f.element for f in data_set.fields.select_related("element")}
    regions = {r.code: r for r in Region.objects.filter(code__in=region_codes)}
    for period in months:
        for code in region_codes:
            submission = Submission.objects.create(
                data_set=data_set, unit_key=f"region:{code}", region=regions[code], period=str(period),
                due=dt.date(2012, 1, 15), status=Status.APPROVED,
            )  # fmt: skip
            Value.objects.bulk_create(
                Value(submission=submission, element=elements[e], vintage="reported", value=v)
                for e, v in values_for(code, period).items()
            )


def hangzhou_counties():
    in_2011 = Region.objects.valid_on(dt.date(2011, 12, 31))
    return list(in_2011.filter(parent__code=HANGZHOU).values_list("code", flat=True))


@pytest.fixture
def energy(data_set):
    """Hangzhou's counties: 2010 energy 100 and GDP 1000 a month each; 2011 GDP up 10%."""
    months = list(periods(Period.parse("2010-01"), Period.parse("2011-07")))

    def values(code, period):
        growth = Decimal("1.1") if period.year == 2011 else 1
        energy_2011 = Decimal(104) if code == "330106" else Decimal(103)
        return {
            "energy_consumption": energy_2011 if period.year == 2011 else Decimal(100),
            "industrial_energy_consumption": Decimal(50),
            "gdp_constant": Decimal(1000) * growth,
        }

    fill(data_set, hangzhou_counties(), months, values)
    return data_set


def rows_for(region, code="M-E-01", month="2011-07"):
    plan = Plan.objects.get(code="zhejiang-2011")
    target = plan.targets.select_related("indicator", "region").get(code=code)
    return compute(plan, Period.parse(month), targets=[target], regions=[region])


def test_city_intensity_change_is_computed_from_county_reports(energy):
    [row] = rows_for(HANGZHOU)
    counties = len(hangzhou_counties())
    energy_now = Decimal(103) * (counties - 1) + 104
    expected = (energy_now / (counties * 1100)) / (Decimal(100) / 1000) - 1
    assert row.inherited
    assert float(row.progress.value) == pytest.approx(float(expected * 100), abs=1e-9)
    assert row.progress.period == Period.parse("2011-07")
    # Down 6.3% against a required 3.5%: on track, and green on the NDRC barometer.
    assert row.progress.status.value == "on_track"
    assert row.progress.required == Decimal("-3.5")
    assert {w.scheme: w.severity.value for w in row.warnings}["ndrc-2021-h1"] == "green"


def test_intensity_rising_is_an_ndrc_red_warning(data_set):
    months = list(periods(Period.parse("2010-01"), Period.parse("2011-06")))
    fill(
        data_set, hangzhou_counties(), months,
        lambda code, p: {"energy_consumption": Decimal(120 if p.year == 2011 else 100),
                         "industrial_energy_consumption": Decimal(10),
                         "gdp_constant": Decimal(1000)},
    )  # fmt: skip
    [row] = rows_for(HANGZHOU, month="2011-06")
    assert row.progress.status.value == "deteriorating"
    by_scheme = {w.scheme: w for w in row.warnings}
    assert by_scheme["ndrc-2021-h1"].severity.value == "red"
    assert by_scheme["hangzhou-h1"].severity.value == "red"  # June: Hangzhou's own scheme applies
    assert row.worst.severity.value == "red"


def test_missing_county_means_no_data_not_a_smaller_total(energy):
    Submission.objects.filter(unit_key="region:330102", period="2011-07").delete()
    [row] = rows_for(HANGZHOU)
    assert row.progress.status.value == "no_data"
    assert all(w.severity is None for w in row.warnings)


def test_unapproved_reports_do_not_count(energy):
    Submission.objects.filter(unit_key="region:330102", period="2011-07").update(
        status=Status.SUBMITTED
    )
    [row] = rows_for(HANGZHOU)
    assert row.progress.status.value == "no_data"


def test_progress_command_writes_json(energy):
    out = StringIO()
    call_command("progress", "--period", "2011-07", "--region", HANGZHOU, stdout=out)
    data = json.loads(out.getvalue())
    assert data["period"] == "2011-07"
    row = next(r for r in data["rows"] if r["target"] == "M-E-01")
    assert row["region"] == HANGZHOU and row["value"] < 0 and row["status"] != "no_data"
    assert {r["region"] for r in data["rows"]} == {HANGZHOU}


def test_warning_page_lists_red_first_and_hides_other_cities(client, data_set):
    months = list(periods(Period.parse("2010-01"), Period.parse("2011-06")))
    fill(
        data_set, hangzhou_counties(), months,
        lambda code, p: {"energy_consumption": Decimal(120 if p.year == 2011 else 100),
                         "industrial_energy_consumption": Decimal(10), "gdp_constant": Decimal(1000)},
    )  # fmt: skip
    assert client.login(username="ningbo", password="demo2011")
    page = client.get("/progress/zhejiang-2011/warnings/", {"period": "2011-06"}).content.decode()
    assert 'data-region="330100"' not in page
    client.logout()
    assert client.login(username="hangzhou", password="demo2011")
    page = client.get("/progress/zhejiang-2011/warnings/", {"period": "2011-06"}).content.decode()
    assert 'data-region="330100"' in page and 'data-severity="red"' in page
