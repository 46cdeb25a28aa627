"""Where ledger items come from: a campaign's findings, the warning follow-ups (约谈) and the
joint meetings' decisions. Each creator writes the item with its first event and audit row."""

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plantrack.departments.models import Department
from plantrack.plans.models import Plan
from plantrack.progress.models import FollowUp
from plantrack.regions.models import Region

from .actions import audit_created, open_item
from .constants import TERM_DAYS
from .models import Decision, EventKind, Finding, Item, ItemEvent, ItemStatus, Source

FOLLOW_UP_EVIDENCE = "约谈记录、整改方案及整改落实情况"


def default_deadline(term: str, start: dt.date) -> dt.date:
    return start + dt.timedelta(days=TERM_DAYS[term])


def add_finding(
    user: User | None,
    finding: Finding,
    *,
    term: str,
    deadline: dt.date | None,
    required_evidence: str,
    channel: str,
) -> Item:
    """Save a finding and the rectification item it becomes (inside the caller's transaction).

    The owner is the finding's region; the enterprise, program and target are carried over so
    the lead department can verify and the enterprise can see it."""
    finding.save()
    audit_created(
        user, finding,
        {"campaign": finding.campaign.name, "region": finding.region,
         "enterprise": finding.enterprise.code if finding.enterprise else "",
         "program": finding.program.code if finding.program else "",
         "description": finding.description, "severity": finding.severity,
         "found_on": finding.found_on},
        _("登记督查发现问题"), channel,
    )  # fmt: skip
    item = Item(
        plan=finding.campaign.plan, source=Source.FINDING, finding=finding,
        title=finding.description[:300], region=finding.region, program=finding.program,
        term=term, deadline=deadline or default_deadline(term, finding.found_on),
        required_evidence=required_evidence, is_demo=finding.is_demo,
    )  # fmt: skip
    return open_item(item, user, channel, _("督查发现问题：%(c)s") % {"c": finding.campaign.name})


def add_task(
    user: User | None,
    decision: Decision,
    title: str,
    *,
    deadline: dt.date,
    term: str,
    region: Region | None = None,
    department: Department | None = None,
    required_evidence: str = "",
    channel: str = "form",
) -> Item:
    """A task a meeting decided, owned by a department and/or a region."""
    meeting = decision.meeting
    item = Item(
        plan=meeting.plan, source=Source.MEETING_TASK, decision=decision, title=title[:300],
        region=region, department=department, term=term, deadline=deadline,
        required_evidence=required_evidence, is_demo=meeting.is_demo,
    )  # fmt: skip
    return open_item(item, user, channel, _("第%(n)s次联席会议议定") % {"n": meeting.number})


def ensure_follow_up_items(plan: Plan) -> list[Item]:
    """Give every follow-up of the plan its ledger item (owner: the region's government,
    deadline: the follow-up's due date). Follow-ups are opened in bulk without ids returned,
    so the ones still missing an item are read back here; running it again adds nothing."""
    missing = (
        FollowUp.objects.filter(plan=plan, item__isnull=True)
        .select_related("target", "target__program", "region", "closed_by")
        .order_by("pk")
    )
    created = []
    with transaction.atomic():
        for follow_up in missing:
            created.append(_follow_up_item(plan, follow_up))
    return created


def _follow_up_item(plan: Plan, follow_up: FollowUp) -> Item:
    title = _("%(name)s：%(region)s %(target)s（连续红色预警 %(periods)s）") % {
        "name": follow_up.name, "region": follow_up.region.name,
        "target": follow_up.target.statement, "periods": follow_up.periods,
    }  # fmt: skip
    item = Item(
        plan=plan, source=Source.FOLLOW_UP, follow_up=follow_up, title=title[:300],
        region=follow_up.region, program=follow_up.target.program, term="short",
        deadline=follow_up.due, required_evidence=FOLLOW_UP_EVIDENCE,
    )  # fmt: skip
    open_item(item, None, "system", _("预警约谈"))
    if follow_up.status == FollowUp.Status.CLOSED:
        # Closed before the ledger existed: carry the closing over so both agree.
        item.status = ItemStatus.CLOSED
        item.closed_at = follow_up.closed_at or timezone.now()
        item.closed_by = follow_up.closed_by
        item.save(update_fields=["status", "closed_at", "closed_by", "updated"])
        ItemEvent.objects.create(
            item=item, kind=EventKind.CLOSED, user=follow_up.closed_by,
            on=timezone.localdate(item.closed_at), note=follow_up.closing_note,
        )  # fmt: skip
    return item
