"""Each role reads and changes only its own reports, through every route: pages and API."""

import pytest
from django.contrib.auth import get_user_model

from plantrack.accounts.models import ApiToken
from plantrack.core.periods import Period
from plantrack.reporting import actions
from plantrack.reporting.models import Submission, Value

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def july(data_set):
    actions.open_period(data_set, Period.parse("2011-07"))
    units = ["region:330106", "region:330203", "region:330102"]
    return {s.unit_key: s for s in Submission.objects.filter(period="2011-07", unit_key__in=units)}


def login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def save_url(s):
    return f"/reporting/submissions/{s.pk}/save/"


def test_county_user_sees_its_own_report_and_not_a_neighbour(client, july):
    login(client, "xihu")
    assert client.get(f"/reporting/submissions/{july['region:330106'].pk}/").status_code == 200
    assert client.get(f"/reporting/submissions/{july['region:330102'].pk}/").status_code == 404
    assert client.get(f"/reporting/submissions/{july['region:330203'].pk}/").status_code == 404


def test_city_user_sees_its_counties_but_not_another_city(client, july):
    login(client, "hangzhou")
    assert client.get(f"/reporting/submissions/{july['region:330106'].pk}/").status_code == 200
    assert client.get(f"/reporting/submissions/{july['region:330203'].pk}/").status_code == 404
    page = client.get("/reporting/sets/test_energy/2011-07/").content.decode()
    assert "region:330106" in page and "region:330203" not in page
    assert 'data-expected="13"' in page  # 杭州 had 13 county-level units in 2011


def test_city_user_cannot_change_a_county_report_nor_another_city(client, july):
    login(client, "hangzhou")
    for unit in ["region:330106", "region:330203"]:
        response = client.post(save_url(july[unit]), {"version": 0, "energy_consumption": "1"})
        assert response.status_code in (403, 404), unit
    assert not Value.objects.exists()


def test_leader_reads_everything_and_changes_nothing(client, july):
    login(client, "leader")
    assert client.get(f"/reporting/submissions/{july['region:330203'].pk}/").status_code == 200
    response = client.post(
        save_url(july["region:330106"]), {"version": 0, "energy_consumption": "1"}
    )
    assert response.status_code == 403
    assert not Value.objects.exists()


def test_only_the_city_approves_at_city_level(client, july):
    xihu = july["region:330106"]
    raw = {"energy_consumption": "100", "industrial_energy_consumption": "50"}
    actions.save_values(
        xihu, get_user_model().objects.get(username="xihu"), raw, version=0, submit=True
    )
    workflow = f"/reporting/submissions/{xihu.pk}/workflow/"
    for username in ["ningbo", "xihu", "leader", "admin"]:
        client.logout()
        login(client, username)
        assert client.post(workflow, {"action": "approve"}).status_code in (403, 404), username
    client.logout()
    login(client, "hangzhou")
    assert client.post(workflow, {"action": "approve"}).status_code == 302
    xihu.refresh_from_db()
    assert xihu.approvals == 1


def test_autosave_saves_a_draft_and_returns_the_new_version(client, july):
    login(client, "xihu")
    xihu = july["region:330106"]
    response = client.post(
        save_url(xihu), {"version": 0, "energy_consumption": "88.5"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert 'data-saved="1"' in body and 'id="version" value="1"' in body
    assert Value.objects.get(submission=xihu).value == 88.5
    stale = client.post(
        save_url(xihu), {"version": 0, "energy_consumption": "1"}, HTTP_HX_REQUEST="true"
    )
    assert "被他人修改" in stale.content.decode()
    assert Value.objects.get(submission=xihu).value == 88.5


def test_api_push_with_token_respects_the_same_rules(client, july):
    xihu_user = get_user_model().objects.get(username="xihu")
    _, secret = ApiToken.objects.issue(xihu_user, "区统计系统")
    headers = {"Authorization": f"Bearer {secret}"}
    url = f"/api/reporting/submissions/{july['region:330106'].pk}/values"
    bad = client.put(
        url,
        {"version": 0, "values": {"energy_consumption": "abc"}},
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "energy_consumption"
    good = client.put(
        url,
        {"version": 0, "values": {"energy_consumption": 12.5}},
        content_type="application/json",
        headers=headers,
    )
    assert (
        good.status_code == 200 and good.json()["values"]["energy_consumption"]["reported"] == 12.5
    )
    other = f"/api/reporting/submissions/{july['region:330203'].pk}/values"
    forbidden = client.put(
        other,
        {"version": 0, "values": {"energy_consumption": 1}},
        content_type="application/json",
        headers=headers,
    )
    assert forbidden.status_code == 404
    listed = client.get(
        "/api/reporting/submissions",
        {"data_set": "test_energy", "period": "2011-07"},
        headers=headers,
    )
    assert [s["unit"] for s in listed.json()] == ["region:330106"]


def test_unit_history_lists_changes_across_periods_for_allowed_users_only(client, july, data_set):
    xihu_user = get_user_model().objects.get(username="xihu")
    june = actions.open_period(data_set, Period.parse("2011-06")).get(unit_key="region:330106")
    actions.save_values(june, xihu_user, {"energy_consumption": "77"}, version=0)
    actions.save_values(july["region:330106"], xihu_user, {"energy_consumption": "88"}, version=0)
    login(client, "hangzhou")
    page = client.get("/reporting/units/region:330106/history/").content.decode()
    assert "2011-06" in page and "2011-07" in page and "88" in page and "77" in page
    client.logout()
    login(client, "ningbo")
    assert client.get("/reporting/units/region:330106/history/").status_code == 404
