"""Overdue items escalate by the declared steps, once per level, through the CLI."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from plantrack.supervision import actions
from plantrack.supervision.constants import level_for
from plantrack.supervision.models import Item

from .conftest import make_item, upload, user

pytestmark = pytest.mark.django_db


def escalate(today: str) -> str:
    out = StringIO()
    call_command("supervision", "escalate", "--today", today, stdout=out)
    return out.getvalue()


def test_levels_follow_the_declared_steps():
    assert [level_for(d) for d in (0, 1, 29, 30, 89, 90, 400)] == [0, 1, 1, 2, 2, 3, 3]


def test_escalate_raises_overdue_open_items_once_per_level(ledger):
    item = ledger["xihu"]  # deadline 2011-09-30
    assert "升级 0 项" in escalate("2011-09-30")  # due today: not late yet
    assert "升级 2 项" in escalate("2011-10-01")
    item.refresh_from_db()
    assert item.escalation == 1
    assert "升级 0 项" in escalate("2011-10-01")  # idempotent the same day
    assert "升级 0 项" in escalate("2011-10-15")  # still level 1
    escalate("2011-10-30")
    item.refresh_from_db()
    assert item.escalation == 2
    events = list(item.events.filter(kind="escalated").values_list("on", flat=True))
    assert events == [dt.date(2011, 10, 1), dt.date(2011, 10, 30)]
    audit = item.changes.filter(field="escalation").order_by("pk")
    assert [(c.old, c.new, c.channel) for c in audit] == [
        ("0", "1", "system"),
        ("1", "2", "system"),
    ]


def test_submitted_and_closed_items_do_not_escalate(ledger):
    item = ledger["xihu"]
    actions.submit(user("xihu"), item, "已整改", [upload()])
    escalate("2012-03-01")
    assert Item.objects.get(pk=item.pk).escalation == 0
    assert Item.objects.get(pk=ledger["ningbo"].pk).escalation == 3


def test_ledger_page_shows_and_filters_escalated_items(ledger):
    from .conftest import client_for

    escalate("2011-11-15")
    make_item(ledger["campaign"], "330106", deadline=dt.date(2012, 6, 30), description="未逾期事项")
    page = client_for("admin").get("/supervision/zhejiang-2011/?escalated=1").content.decode()
    assert 'data-count="2"' in page and 'data-escalation="2"' in page and "未逾期事项" not in page


def test_bad_date_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        escalate("2011-13-01")
