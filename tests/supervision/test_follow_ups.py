"""Warning follow-ups (约谈) live in the same ledger: opened there by progress, closed there."""

import datetime as dt

import pytest
from django.utils import timezone

from plantrack.plans.models import Plan, Target
from plantrack.progress.models import FollowUp
from plantrack.progress.records import open_follow_ups
from plantrack.regions.models import Region
from plantrack.supervision import actions
from plantrack.supervision.models import Item
from plantrack.supervision.sources import ensure_follow_up_items

from .conftest import client_for, upload, user

pytestmark = pytest.mark.django_db


def make_follow_up(region: str = "330100", status: str = "open") -> FollowUp:
    plan = Plan.objects.get(code="zhejiang-2011")
    return FollowUp.objects.create(
        plan=plan, target=Target.objects.get(plan=plan, code="M-E-01"),
        region=Region.objects.get(code=region), rule="interview", name="约谈",
        scheme="ndrc-2021-h1", opened_for="2011-07", periods="2011-06、2011-07",
        opened_at=timezone.now(), due=dt.date(2011, 8, 31), status=status,
    )  # fmt: skip


def test_every_follow_up_gets_one_item_owned_by_its_region_due_with_it(db):
    follow_up = make_follow_up()
    plan = follow_up.plan
    assert len(ensure_follow_up_items(plan)) == 1
    assert ensure_follow_up_items(plan) == []  # once
    item = Item.objects.get(follow_up=follow_up)
    assert item.source == "follow_up" and item.region.code == "330100"
    assert item.deadline == follow_up.due and item.status == "open"
    assert item.program == follow_up.target.program


def test_a_follow_up_opened_by_progress_appears_in_the_ledger(red_history):
    plan, pairs = red_history
    opened = open_follow_ups(plan, pairs)
    assert opened
    follow_up = FollowUp.objects.get(target__code="M-E-01", region__code="330100")
    item = Item.objects.get(follow_up=follow_up)
    page = (
        client_for("hangzhou").get("/supervision/zhejiang-2011/?source=follow_up").content.decode()
    )
    assert item.number in page
    assert (
        item.number not in client_for("ningbo").get("/supervision/zhejiang-2011/").content.decode()
    )


def test_closing_through_the_ledger_closes_the_follow_up(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    follow_up = make_follow_up()
    ensure_follow_up_items(follow_up.plan)
    item = Item.objects.get(follow_up=follow_up)
    actions.submit(user("hangzhou"), item, "已召开约谈会并制定整改方案", [upload("约谈纪要.pdf")])
    follow_up.refresh_from_db()
    assert follow_up.status == "open"  # submitted is not closed
    client_for("admin").post(
        f"/supervision/zhejiang-2011/items/{item.pk}/review/",
        {"decision": "close", "note": "整改到位，同意销号"},
    )
    follow_up.refresh_from_db()
    assert follow_up.status == "closed" and follow_up.closed_by.username == "admin"
    assert follow_up.closing_note == "整改到位，同意销号"
    page = client_for("hangzhou").get("/progress/zhejiang-2011/follow-ups/").content.decode()
    assert 'data-item-status="closed"' in page and 'data-closed="1"' in page


def test_a_follow_up_closed_before_the_ledger_is_carried_over_closed(db):
    follow_up = make_follow_up(status="closed")
    ensure_follow_up_items(follow_up.plan)
    assert Item.objects.get(follow_up=follow_up).status == "closed"


@pytest.fixture
def red_history(db):
    """Two red months in a row stored for Hangzhou's energy intensity target."""
    from plantrack.progress.models import WarningRecord

    plan = Plan.objects.get(code="zhejiang-2011")
    target = Target.objects.get(plan=plan, code="M-E-01")
    region = Region.objects.get(code="330100")
    for month in ("2011-06", "2011-07"):
        WarningRecord.objects.create(
            plan=plan, target=target, region=region, period=month, measured=month,
            scheme="ndrc-2021-h1", severity="red", label="红色", computed_at=timezone.now(),
        )  # fmt: skip
    return plan, {(target.pk, region.pk)}
