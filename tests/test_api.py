"""The read-only JSON API: authentication, contract and filters."""

import pytest
from django.contrib.auth import get_user_model

from plantrack.accounts.models import ApiToken
from plantrack.plans.models import Target

pytestmark = pytest.mark.django_db


def test_api_refuses_anonymous_requests(client):
    for url in [
        "/api/plans",
        "/api/plans/zhejiang-2011/targets",
        "/api/regions",
        "/api/departments",
    ]:
        assert client.get(url).status_code == 401, url


def test_bearer_token_authenticates_and_revoked_token_does_not(client):
    user = get_user_model().objects.get(username="fgw")
    token, secret = ApiToken.objects.issue(user, "测试系统")
    response = client.get("/api/plans", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.json()[0]["code"] == "zhejiang-2011"
    token.revoked_at = token.created_at
    token.save()
    assert (
        client.get("/api/plans", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    )
    assert client.get("/api/plans", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_targets_filter_by_department_and_region(city_client):
    url = "/api/plans/zhejiang-2011/targets"
    by_dept = city_client.get(url, {"department": "hbt"}).json()
    expected = Target.objects.filter(plan__code="zhejiang-2011", departments__code="hbt").count()
    assert len(by_dept) == expected > 0
    assert all("hbt" in t["departments"] for t in by_dept)
    hangzhou = city_client.get(url, {"region": "330100"}).json()
    assert hangzhou and all(t["region"] == "330100" for t in hangzhou)


def test_plan_programs_and_regions_endpoints(city_client):
    programs = city_client.get("/api/plans/zhejiang-2011/programs").json()
    assert len(programs) == 25 and programs[0]["lead"]
    regions = city_client.get("/api/regions", {"date": "2011-12-31"}).json()
    assert len(regions) == 102
    assert city_client.get("/api/plans/nope").status_code == 404


def test_openapi_document_is_served(city_client):
    schema = city_client.get("/api/openapi.json").json()
    assert "/api/plans/{code}/targets" in schema["paths"]
    assert city_client.get("/api/docs").status_code == 200
