"""The province records campaigns, teams, meetings and decisions with tasks; each is audited,
and only the province administrator may do it."""

import pytest

from plantrack.supervision.models import Campaign, Item, Meeting, RecordChange

from .conftest import client_for

pytestmark = pytest.mark.django_db
BASE = "/supervision/zhejiang-2011"


def test_province_records_a_campaign_and_a_team_audited(db):
    client = client_for("admin")
    response = client.post(f"{BASE}/campaigns/new/", {
        "name": "2011年水污染防治专项督查", "kind": "special", "decided_by": "省政府",
        "basis": "省政府常务会议纪要", "regions": ["330100", "330200"],
        "start": "2011-10-01", "end": "2011-10-31", "status": "planned",
    })  # fmt: skip
    campaign = Campaign.objects.get(name="2011年水污染防治专项督查")
    assert response.status_code == 302 and response.url.endswith(f"/campaigns/{campaign.pk}/")
    assert sorted(campaign.regions.values_list("code", flat=True)) == ["330100", "330200"]
    audit = dict(
        RecordChange.objects.filter(record=f"campaign:{campaign.pk}").values_list("field", "new")
    )
    assert audit["regions"] == "330100、330200" and audit["decided_by"] == "省政府"
    client.post(f"{BASE}/campaigns/{campaign.pk}/teams/", {
        "name": "第一督查组", "leader": "张组长", "members": "李、王", "regions": ["330100"],
    })  # fmt: skip
    assert campaign.teams.get().regions.get().code == "330100"
    page = client_for("hangzhou").get(f"{BASE}/campaigns/{campaign.pk}/").content.decode()
    assert "第一督查组" in page and "组建督查组" not in page


def test_end_before_start_is_refused_and_nothing_saved(db):
    response = client_for("admin").post(f"{BASE}/campaigns/new/", {
        "name": "错误", "kind": "special", "decided_by": "省政府",
        "start": "2011-10-31", "end": "2011-10-01", "status": "planned",
    })  # fmt: skip
    assert response.status_code == 400 and "结束日期早于开始日期" in response.content.decode()
    assert not Campaign.objects.filter(name="错误").exists()


def test_only_the_province_records(db):
    for name in ("hangzhou", "hbt", "leader"):
        client = client_for(name)
        assert client.get(f"{BASE}/campaigns/new/").status_code == 403
        assert client.get(f"{BASE}/meetings/new/").status_code == 403


def test_meeting_decision_creates_a_tracked_task(db):
    client = client_for("admin")
    client.post(f"{BASE}/meetings/new/", {
        "number": 5, "date": "2011-12-01", "place": "省行政中心", "chair": "副省长",
        "departments": ["fgw", "hbt"], "attendees": "各成员单位", "agenda": "一\n二",
    })  # fmt: skip
    meeting = Meeting.objects.get(number=5)
    assert meeting.agenda_items == ["一", "二"]
    again = client.post(f"{BASE}/meetings/new/", {
        "number": 5, "date": "2011-12-02", "place": "x", "chair": "x", "agenda": "x",
    })  # fmt: skip
    assert again.status_code == 400 and Meeting.objects.filter(number=5).count() == 1
    no_owner = client.post(f"{BASE}/meetings/5/decisions/", {
        "text": "加快淘汰落后产能", "term": "short", "deadline": "2012-01-31",
    })  # fmt: skip
    assert no_owner.status_code == 400 and not meeting.decisions.exists()
    client.post(f"{BASE}/meetings/5/decisions/", {
        "text": "加快淘汰落后产能", "title": "宁波市年底前关停10家企业", "region": "330200",
        "term": "short", "deadline": "2012-01-31",
    })  # fmt: skip
    task = Item.objects.get(decision__meeting=meeting)
    assert (task.source, task.region.code, task.title) == (
        "meeting_task", "330200", "宁波市年底前关停10家企业",
    )  # fmt: skip
    assert RecordChange.objects.filter(
        record__startswith="decision:", new="加快淘汰落后产能"
    ).exists()
    ningbo = client_for("ningbo").get(f"{BASE}/meetings/5/").content.decode()
    assert "宁波市年底前关停10家企业" in ningbo
    assert (
        "宁波市年底前关停10家企业"
        not in client_for("hangzhou").get(f"{BASE}/meetings/5/").content.decode()
    )
