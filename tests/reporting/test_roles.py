"""Department and enterprise users: their own reports only, through pages and the API."""

import pytest
from django.contrib.auth import get_user_model

from plantrack.accounts.models import Profile, Role
from plantrack.core.periods import Period
from plantrack.departments.models import Department
from plantrack.enterprises.models import Enterprise
from plantrack.regions.models import Region
from plantrack.reporting import actions
from plantrack.reporting.models import DataSet, Value

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


def department_set(code: str, departments: list[str]) -> DataSet:
    data_set = DataSet.objects.get(plan__code="zhejiang-2011", code=code)
    data_set.reporter_departments.set(Department.objects.filter(code__in=departments))
    return data_set


def test_department_edits_its_own_report_and_not_another_departments(client):
    data_set = department_set("energy_saving_quarter", ["fgw", "jxw"])
    submissions = {s.unit_key: s for s in actions.open_period(data_set, Period.parse("2011Q3"))}
    field = data_set.fields.select_related("element").first().element.code
    assert client.login(username="fgw", password=PASSWORD)
    mine = submissions["department:fgw"]
    other = submissions["department:jxw"]
    ok = client.post(
        f"/reporting/submissions/{mine.pk}/save/",
        {"version": 0, field: "1"},
        HTTP_HX_REQUEST="true",
    )
    assert ok.status_code == 200 and 'data-saved="1"' in ok.content.decode()
    # A department sees every unit's report, but changes only its own.
    assert client.get(f"/reporting/submissions/{other.pk}/").status_code == 200
    denied = client.post(f"/reporting/submissions/{other.pk}/save/", {"version": 0, field: "1"})
    assert denied.status_code == 403
    assert not Value.objects.filter(submission=other).exists()


@pytest.fixture
def enterprise_user(data_set):
    hangzhou_county = Region.objects.get(code="330106")
    ours = Enterprise.objects.create(
        code="913300000000000001", name="示例热电厂", region=hangzhou_county
    )
    Enterprise.objects.create(
        code="913300000000000002", name="另一企业", region=Region.objects.get(code="330203")
    )
    user = get_user_model().objects.create_user("plant", password=PASSWORD)
    Profile.objects.create(user=user, role=Role.ENTERPRISE, enterprise=ours)
    data_set.reporter_kind = "enterprise"
    data_set.approval_levels = ["province"]
    data_set.save()
    return user


def test_enterprise_user_sees_and_changes_only_its_own_report(client, data_set, enterprise_user):
    submissions = {s.unit_key: s for s in actions.open_period(data_set, Period.parse("2011-07"))}
    ours = submissions["enterprise:913300000000000001"]
    theirs = submissions["enterprise:913300000000000002"]
    assert client.login(username="plant", password=PASSWORD)
    assert client.get(f"/reporting/submissions/{ours.pk}/").status_code == 200
    assert client.get(f"/reporting/submissions/{theirs.pk}/").status_code == 404
    assert (
        client.post(
            f"/reporting/submissions/{theirs.pk}/save/", {"version": 0, "energy_consumption": "1"}
        ).status_code
        == 404
    )
    listed = client.get(
        "/api/reporting/submissions", {"data_set": "test_energy", "period": "2011-07"}
    ).json()
    assert [s["unit"] for s in listed] == ["enterprise:913300000000000001"]


def test_city_user_sees_enterprises_in_its_counties_only(client, data_set, enterprise_user):
    actions.open_period(data_set, Period.parse("2011-07"))
    assert client.login(username="hangzhou", password=PASSWORD)
    listed = client.get(
        "/api/reporting/submissions", {"data_set": "test_energy", "period": "2011-07"}
    ).json()
    assert [s["unit"] for s in listed] == ["enterprise:913300000000000001"]
