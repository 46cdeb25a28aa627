"""Who sees and acts on which items, over HTTP and the API: refusals are 404 (not visible) or
403 (visible, not allowed)."""

import pytest

from plantrack.supervision import actions

from .conftest import client_for, upload, user

pytestmark = pytest.mark.django_db
BASE = "/supervision/zhejiang-2011"
API = "/api/supervision/zhejiang-2011"


def test_ledger_lists_only_the_items_of_the_users_regions(ledger):
    xihu, ningbo = ledger["xihu"].number, ledger["ningbo"].number
    expectations = {
        "admin": (True, True), "leader": (True, True), "hangzhou": (True, False),
        "xihu": (True, False), "ningbo": (False, True), "hbt": (True, True),
        "fgw": (True, True),  # fgw supports V01
    }  # fmt: skip
    for name, (sees_xihu, sees_ningbo) in expectations.items():
        page = client_for(name).get(f"{BASE}/").content.decode()
        assert (xihu in page, ningbo in page) == (sees_xihu, sees_ningbo), name


def test_other_citys_item_page_evidence_and_dossier_are_not_found(ledger):
    item = ledger["xihu"]
    actions.submit(user("xihu"), item, "已整改", [upload()])
    evidence = item.evidence.get()
    client = client_for("ningbo")
    for url in [
        f"{BASE}/items/{item.pk}/",
        f"{BASE}/items/{item.pk}/evidence/{evidence.pk}/",
        f"{BASE}/items/{item.pk}/dossier/",
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            f"{BASE}/items/{item.pk}/review/", {"decision": "close", "note": "x"}
        ).status_code
        == 404
    )
    owner = client_for("hangzhou").get(f"{BASE}/items/{item.pk}/evidence/{evidence.pk}/")
    assert owner.status_code == 200 and b"".join(owner.streaming_content) == b"%PDF-1.4 rectified"


def test_owner_cannot_verify_its_own_item_over_http(ledger):
    item = ledger["xihu"]
    actions.submit(user("xihu"), item, "已整改", [upload()])
    url = f"{BASE}/items/{item.pk}/review/"
    assert (
        client_for("hangzhou").post(url, {"decision": "close", "note": "同意"}).status_code == 403
    )
    assert client_for("xihu").post(url, {"decision": "close", "note": "同意"}).status_code == 403
    assert client_for("leader").post(url, {"decision": "close", "note": "同意"}).status_code == 403
    item.refresh_from_db()
    assert item.status == "submitted"
    response = client_for("admin").post(url, {"decision": "close", "note": "同意销号"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "closed"


def test_only_the_owner_submits_over_http(ledger):
    item = ledger["xihu"]
    url = f"{BASE}/items/{item.pk}/submit/"
    assert client_for("leader").post(url, {"note": "x", "files": upload()}).status_code == 403
    assert client_for("hbt").post(url, {"note": "x", "files": upload()}).status_code == 403
    assert client_for("ningbo").post(url, {"note": "x", "files": upload()}).status_code == 404
    assert client_for("xihu").post(url, {"note": "已整改", "files": upload()}).status_code == 302
    item.refresh_from_db()
    assert item.status == "submitted" and item.evidence.count() == 1


def test_api_filters_by_access_and_refuses_others(ledger):
    rows = client_for("hangzhou").get(f"{API}/items").json()
    assert [r["number"] for r in rows] == [ledger["xihu"].number]
    assert client_for("ningbo").get(f"{API}/items/{ledger['xihu'].pk}").status_code == 404
    item = ledger["xihu"]
    response = client_for("xihu").post(
        f"{API}/items/{item.pk}/submit", {"note": "已整改", "files": upload()}
    )
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    verify = f"{API}/items/{item.pk}/verify"
    own = client_for("hangzhou").post(verify, {"note": "同意"}, content_type="application/json")
    assert own.status_code == 403
    done = client_for("hbt").post(verify, {"note": "同意"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "closed"
    assert item.changes.filter(channel="api", field="status", new="closed").exists()


def test_api_campaign_findings_follow_the_region(ledger):
    campaign = ledger["campaign"]
    assert [c["name"] for c in client_for("ningbo").get(f"{API}/campaigns").json()] == [
        campaign.name
    ]
    rows = client_for("ningbo").get(f"{API}/campaigns/{campaign.pk}/findings").json()
    assert [r["region"] for r in rows] == ["330204"]
    assert len(client_for("admin").get(f"{API}/campaigns/{campaign.pk}/findings").json()) == 2


def test_anonymous_users_are_sent_to_login(ledger, client):
    response = client.get(f"{BASE}/")
    assert response.status_code == 302 and "/login/" in response.url
    assert client.get(f"{API}/items").status_code == 401


def test_ledger_page_in_english(ledger):
    client = client_for("hangzhou")
    client.cookies["django_language"] = "en"
    page = client.get(f"{BASE}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Supervision and rectification ledger" in page and "Inspection finding" in page
    assert "督查整改台账" not in page


def test_enterprise_sees_only_findings_at_it(ledger):
    from django.contrib.auth.models import User

    from plantrack.accounts.models import Profile
    from plantrack.enterprises.models import Enterprise
    from plantrack.regions.models import Region
    from plantrack.supervision.models import Finding

    from .conftest import make_item

    firm = Enterprise.objects.create(
        code="91330106TEST00001X", name="某印染公司", region=Region.objects.get(code="330106")
    )
    item = make_item(ledger["campaign"], "330106", description="印染公司废水超标")
    Finding.objects.filter(pk=item.finding_id).update(enterprise=firm)
    account = User.objects.create_user("firm", password="demo2011")
    Profile.objects.create(user=account, role="enterprise", enterprise=firm)
    rows = client_for("firm").get(f"{API}/items").json()
    assert [r["number"] for r in rows] == [item.number]
    assert client_for("firm").get(f"{BASE}/items/{ledger['xihu'].pk}/").status_code == 404


def test_api_resubmission_after_return_needs_no_new_file(ledger):
    item = ledger["xihu"]
    url = f"{API}/items/{item.pk}/submit"
    first = client_for("xihu").post(url, {"note": "已整改"})
    assert first.status_code == 422 and "佐证材料" in first.json()["detail"]
    assert client_for("xihu").post(url, {"note": "已整改", "files": upload()}).status_code == 200
    back = client_for("admin").post(
        f"{API}/items/{item.pk}/return", {"note": "补充说明"}, content_type="application/json"
    )
    assert back.status_code == 200 and back.json()["status"] == "open"
    again = client_for("xihu").post(url, {"note": "已补充说明"})
    assert again.status_code == 200 and again.json()["status"] == "submitted"
