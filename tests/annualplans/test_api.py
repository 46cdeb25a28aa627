"""The API: lists filtered by access, details 404 for others, submit and review with audit."""

from plantrack.accounts.models import ApiToken
from plantrack.annualplans.models import Change, State

from .conftest import annual, fill, report, user

BASE = "/api/annualplans/zhejiang-2011"


def bearer(name: str) -> dict[str, str]:
    _token, secret = ApiToken.objects.issue(user(name), "test")
    return {"Authorization": f"Bearer {secret}"}


def test_list_and_detail_follow_access(client, opened):
    rows = client.get(f"{BASE}/obligations", headers=bearer("ningbo")).json()
    assert {r["region"] for r in rows} == {"330200"} and len(rows) == 3
    everything = client.get(f"{BASE}/obligations?kind=annual_plan", headers=bearer("leader")).json()
    assert len(everything) == 23
    hangzhou = annual(opened, region="330100")
    assert (
        client.get(f"{BASE}/obligations/{hangzhou.pk}", headers=bearer("ningbo")).status_code == 404
    )
    assert client.get(f"{BASE}/obligations/{hangzhou.pk}").status_code == 401
    counts = client.get(f"{BASE}/counts", headers=bearer("hangzhou")).json()
    assert counts == {"open": 3, "overdue": 3, "closed": 0}  # 2011 is long past


def test_submit_and_review(client, opened):
    obligation = report(opened, "330100")
    hangzhou = bearer("hangzhou")
    response = client.post(f"{BASE}/obligations/{obligation.pk}/submit", headers=hangzhou)
    assert response.status_code == 422 and "上传文件" in response.json()["detail"]
    fill(obligation, "hangzhou")  # uploads and submits
    obligation.refresh_from_db()
    assert obligation.status == State.SUBMITTED
    response = client.post(
        f"{BASE}/obligations/{obligation.pk}/review",
        data={"accept": True},
        content_type="application/json",
        headers=hangzhou,
    )
    assert response.status_code == 403
    admin = bearer("admin")
    response = client.post(
        f"{BASE}/obligations/{obligation.pk}/review",
        data={"accept": False, "reason": "未盖章"},
        content_type="application/json",
        headers=admin,
    )
    assert response.status_code == 200 and response.json()["status"] == "returned"
    assert Change.objects.filter(obligation=obligation, field="status", channel="api").count() == 1
    response = client.post(f"{BASE}/obligations/{obligation.pk}/submit", headers=hangzhou)
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    detail = client.get(f"{BASE}/obligations/{obligation.pk}", headers=admin).json()
    assert detail["documents"][0]["name"] == "plan.docx" and detail["late_days"] > 5000
