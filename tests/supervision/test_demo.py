"""The supervision demo: campaigns, findings, meetings and tasks in every state, labelled."""

import pytest
from django.db.models import Count

from plantrack.plans.models import Plan
from plantrack.supervision.demo import generate
from plantrack.supervision.models import Campaign, Finding, Item, Meeting

from .conftest import client_for

pytestmark = pytest.mark.django_db


def test_demo_has_every_state_and_runs_once(media):
    plan = Plan.objects.get(code="zhejiang-2011")
    summary = generate(plan)
    assert summary.campaigns == 2 and summary.findings == 40 and summary.meetings == 2
    assert Campaign.objects.filter(is_demo=True).count() == 2
    assert Finding.objects.filter(is_demo=True).values("region").distinct().count() > 8
    states = dict(Item.objects.values_list("status").annotate(n=Count("pk")))
    assert all(states.get(s, 0) > 0 for s in ("open", "submitted", "closed")), states
    assert Item.objects.filter(events__kind="returned", status="open").exists()
    assert Item.objects.filter(escalation__gte=2).exists()
    assert Item.objects.filter(source="meeting_task").count() == summary.tasks > 0
    assert all(i.is_demo for i in Item.objects.exclude(source="follow_up"))
    closed = Item.objects.filter(status="closed").select_related("closed_by")
    assert all(i.closed_by_id != i.submitted_by_id for i in closed)
    again = generate(plan)
    assert again.findings == 0 and Item.objects.count() == sum(states.values())
    page = client_for("admin").get("/supervision/zhejiang-2011/campaigns/").content.decode()
    assert "演示数据" in page and "2011年违法用地专项督查" in page
    meeting = client_for("fgw").get("/supervision/zhejiang-2011/meetings/1/").content.decode()
    assert "建立月度数据报送和通报制度" in meeting and 'class="task"' in meeting
    assert Meeting.objects.count() == 2
