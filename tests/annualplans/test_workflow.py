"""Obligations derived from the plan; upload, submit, return, resubmit, accept; lateness; audit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from plantrack.annualplans import actions
from plantrack.annualplans.models import Change, Event, Kind, Obligation, State
from plantrack.annualplans.obligations import CONGRESS_DUE, open_year

from .conftest import annual, fill, moment, report, user


def test_obligations_come_from_the_plan(plan):
    assert open_year(plan, 2011) == 11 + 12 + 11 * 2
    by_kind = {k: Obligation.objects.filter(plan=plan, kind=k) for k in Kind.values}
    assert by_kind[Kind.ANNUAL_PLAN].filter(region__isnull=False).count() == 11
    assert set(
        by_kind[Kind.ANNUAL_PLAN]
        .filter(department__isnull=False)
        .values_list("department__code", flat=True)
    ) == {"fgw", "jxw", "kjt", "jst", "jtt", "swt", "jgswj", "gtt", "hbt", "nyt", "hyj", "lyt"}
    assert {o.due for o in by_kind[Kind.ANNUAL_PLAN]} == {dt.date(2011, 8, 25)}
    hangzhou = report(plan, "330100")
    assert hangzhou.due == dt.date(2011, 12, 31) and hangzhou.target.code == "M-00-02-330100"
    congress = report(plan, "330100", Kind.REPORT_CONGRESS)
    assert congress.due == dt.date(2012, *CONGRESS_DUE)
    assert Event.objects.filter(action=Event.Action.OPENED).count() == 45
    opened = Change.objects.filter(field="status", old="", new="pending", channel="command")
    assert opened.count() == 45 and opened.filter(reason__contains="M-00-01").count() == 23


def test_opening_is_idempotent_and_checks_the_year(plan):
    call_command("annualplans", "open", "--plan", plan.code, "--year", "2011")
    assert open_year(plan, 2011) == 0
    assert Obligation.objects.filter(plan=plan).count() == 45
    with pytest.raises(ValueError):
        open_year(plan, 2015)
    with pytest.raises(CommandError):
        call_command("annualplans", "open", "--plan", "nope", "--year", "2011")


def test_submit_return_resubmit_accept_is_audited(opened):
    obligation = annual(opened, region="330100")
    with pytest.raises(ValidationError):
        actions.submit(user("hangzhou"), obligation)  # nothing uploaded yet
    fill(obligation, "hangzhou", "2011-08-20")
    obligation.refresh_from_db()
    assert obligation.status == State.SUBMITTED and obligation.late_days() is None
    with pytest.raises(ValidationError):  # submitted: the owner can no longer change it
        actions.upload_document(user("hangzhou"), obligation, ContentFile(b"x", name="x.docx"))
    with pytest.raises(ValidationError):
        actions.review(user("admin"), obligation, accept=False, reason=" ")
    actions.review(
        user("admin"), obligation, accept=False, reason="措施不具体", at=moment("2011-08-22")
    )
    obligation.refresh_from_db()
    assert obligation.status == State.RETURNED and obligation.return_reason == "措施不具体"
    assert obligation.overdue_days(dt.date(2011, 8, 30)) == 5
    actions.submit(user("hangzhou"), obligation, at=moment("2011-08-28"))
    actions.review(user("admin"), obligation, accept=True, at=moment("2011-09-01"))
    obligation.refresh_from_db()
    assert obligation.status == State.ACCEPTED
    assert obligation.accepted_by == user("admin") and obligation.late_days() == 3
    assert obligation.overdue_days(dt.date(2011, 12, 1)) is None
    statuses = list(
        Change.objects.filter(obligation=obligation, field="status")
        .exclude(old="")
        .order_by("at", "pk")
        .values_list("old", "new", "user__username", "channel")
    )
    assert statuses == [
        ("pending", "submitted", "hangzhou", "form"),
        ("submitted", "returned", "admin", "form"),
        ("returned", "submitted", "hangzhou", "form"),
        ("submitted", "accepted", "admin", "form"),
    ]
    assert Change.objects.filter(obligation=obligation, field="target:M-E-01").exists()
    assert Change.objects.filter(obligation=obligation, field="return_reason").get().new == (
        "措施不具体"
    )
    actions_seen = list(obligation.events.order_by("pk").values_list("action", flat=True))
    assert actions_seen == [
        "opened",
        "uploaded",
        "imported",
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]
    document = obligation.documents.get()
    assert document.size == 9 and len(document.sha256) == 64


def test_only_owner_submits_and_only_admin_reviews(opened):
    hangzhou = annual(opened, region="330100")
    for other in ("ningbo", "fgw", "leader", "admin", "xihu"):
        with pytest.raises(PermissionDenied):
            actions.upload_document(user(other), hangzhou, ContentFile(b"x", name="x.docx"))
    fill(hangzhou, "hangzhou")
    for other in ("hangzhou", "ningbo", "fgw", "leader"):
        with pytest.raises(PermissionDenied):
            actions.review(user(other), hangzhou, accept=True)
    fgw = annual(opened, department="fgw")
    fill(fgw, "fgw")
    assert Obligation.objects.get(pk=fgw.pk).status == State.SUBMITTED


def test_overdue_when_pending_after_due(opened):
    obligation = report(opened, "330200")
    assert obligation.overdue_days(dt.date(2011, 12, 31)) is None
    assert obligation.overdue_days(dt.date(2012, 1, 10)) == 10


def test_only_the_plan_wide_duties_are_obligations(plan):
    from plantrack.annualplans.obligations import milestone_targets

    annual, year_end = milestone_targets(plan)
    assert [t.code for t in annual] == ["M-00-01"]  # not V04-01, a program's own plan
    assert [t.code for t in year_end] == [
        f"M-00-02-{c}"
        for c in [
            "330100",
            "330200",
            "330300",
            "330400",
            "330500",
            "330600",
            "330700",
            "330800",
            "330900",
            "331000",
            "331100",
        ]
    ]
