"""Counts of the ledger by source for the dashboard, and the dashboard showing them as the
data changes (its cached body follows the ledger)."""

import datetime as dt

import pytest

from plantrack.departments.models import Department
from plantrack.plans.models import Plan
from plantrack.supervision import actions, summary
from plantrack.supervision.models import Decision, Meeting
from plantrack.supervision.sources import add_task

from .conftest import client_for, upload, user

pytestmark = pytest.mark.django_db
OVERVIEW = "/dashboard/zhejiang-2011/"


def test_counts_by_source_within_the_users_scope(ledger):
    plan = Plan.objects.get(code="zhejiang-2011")
    counts = summary.counts(user("admin"), plan)
    assert counts["finding"] == {"open": 2, "overdue": 2, "closed": 0}
    assert counts["follow_up"] == counts["meeting_task"] == {"open": 0, "overdue": 0, "closed": 0}
    item = ledger["xihu"]
    actions.submit(user("xihu"), item, "已整改", [upload()])
    assert summary.counts(user("hangzhou"), plan)["finding"] == {
        "open": 1, "overdue": 1, "closed": 0,
    }  # fmt: skip
    actions.verify(user("admin"), item, "同意")
    assert summary.counts(user("hangzhou"), plan)["finding"]["closed"] == 1
    assert summary.counts(user("ningbo"), plan)["finding"] == {"open": 1, "overdue": 1, "closed": 0}


def test_dashboard_follow_up_block_shows_the_ledger_and_follows_changes(ledger):
    client = client_for("admin")
    html = client.get(OVERVIEW).content.decode()
    assert 'data-ledger-source="finding" data-open="2" data-overdue="2" data-closed="0"' in html
    item = ledger["xihu"]
    actions.submit(user("xihu"), item, "已整改", [upload()])
    actions.verify(user("admin"), item, "同意")
    html = client.get(OVERVIEW).content.decode()  # the cached body must not be served
    assert 'data-ledger-source="finding" data-open="1" data-overdue="1" data-closed="1"' in html
    ningbo = client_for("ningbo").get(OVERVIEW).content.decode()
    assert 'data-ledger-source="finding" data-open="1" data-overdue="1" data-closed="0"' in ningbo


def test_meeting_tasks_are_tracked_to_completion(db, media):
    plan = Plan.objects.get(code="zhejiang-2011")
    meeting = Meeting.objects.create(
        plan=plan, number=3, date=dt.date(2011, 10, 1), place="省发改委", chair="主任",
        agenda="研究减排\n部署督查",
    )  # fmt: skip
    decision = Decision.objects.create(meeting=meeting, text="加快脱硫设施建设")
    task = add_task(
        user("admin"), decision, "加快脱硫设施建设", deadline=dt.date(2011, 12, 31),
        term="short", department=Department.objects.get(code="hbt"),
    )  # fmt: skip
    url = "/supervision/zhejiang-2011/meetings/"
    assert 'data-tasks="1" data-done="0"' in client_for("hbt").get(url).content.decode()
    assert 'data-tasks="1" data-done="0"' in client_for("leader").get(url).content.decode()
    for other in ("fgw", "hangzhou"):  # another department's task, no region
        assert 'data-tasks="0"' in client_for(other).get(url).content.decode()
    actions.submit(user("hbt"), task, "已完成", [upload()])
    with pytest.raises(Exception):  # noqa: B017  (the owning department cannot close its own task)
        actions.verify(user("hbt"), task, "同意")
    actions.verify(user("admin"), task, "同意")
    assert 'data-tasks="1" data-done="1"' in client_for("hbt").get(url).content.decode()
    page = client_for("hbt").get(f"{url}3/").content.decode()
    assert "加快脱硫设施建设" in page and 'data-status="closed"' in page
    api = client_for("hbt").get("/api/supervision/zhejiang-2011/meetings/3/tasks").json()
    assert [t["item"]["status"] for t in api] == ["closed"]
