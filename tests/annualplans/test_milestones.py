"""Accepting the last annual plan completes M-00-01 in progress; late completion is noted."""

import datetime as dt

from plantrack.annualplans import actions
from plantrack.annualplans.milestones import completions
from plantrack.annualplans.models import Kind, Obligation
from plantrack.core.periods import Period
from plantrack.core.progress import Status
from plantrack.progress.services import compute

from .conftest import annual, fill, moment, owner_of, report, user


def status_of(plan, code: str, region: str, month: Period):
    targets = list(plan.targets.filter(code=code).select_related("indicator", "region"))
    (row,) = [r for r in compute(plan, month, targets=targets) if r.region.code == region]
    return row.progress


def test_nothing_opened_means_no_data(plan):
    assert completions(plan) == {}
    progress = status_of(plan, "M-00-01", "330000", Period(2011, month=9))
    assert progress.status == Status.NO_DATA


def test_annual_plan_milestone_done_when_last_accepted(opened):
    obligations = list(Obligation.objects.filter(plan=opened, kind=Kind.ANNUAL_PLAN))
    for obligation in obligations:
        fill(obligation, owner_of(obligation), "2011-08-20")
    for obligation in obligations[:-1]:
        actions.review(user("admin"), obligation, accept=True, at=moment("2011-08-23"))
    assert completions(opened)[("M-00-01", "330000")] is None
    before = status_of(opened, "M-00-01", "330000", Period(2011, month=9))
    assert before.status == Status.OVERDUE
    assert status_of(opened, "M-00-01", "330000", Period(2011, month=7)).status == (
        Status.DUE_LATER
    )
    actions.review(user("admin"), obligations[-1], accept=True, at=moment("2011-08-24"))
    assert completions(opened)[("M-00-01", "330000")] == dt.date(2011, 8, 24)
    after = status_of(opened, "M-00-01", "330000", Period(2011, month=9))
    assert after.status == Status.DONE and not after.note


def test_year_end_report_accepted_late(opened):
    hangzhou = report(opened, "330100")
    fill(hangzhou, "hangzhou", "2011-12-30")
    assert status_of(opened, "M-00-02-330100", "330100", Period(2011, month=12)).status == (
        Status.DUE_LATER
    )
    actions.review(user("admin"), hangzhou, accept=True, at=moment("2012-01-05"))
    # Not done by the end of December (due that day, so not yet overdue); done late in January.
    assert status_of(opened, "M-00-02-330100", "330100", Period(2011, month=12)).status == (
        Status.DUE_LATER
    )
    january = status_of(opened, "M-00-02-330100", "330100", Period(2012, month=1))
    assert january.status == Status.DONE and january.note
    # Ningbo's report is still pending after the due date: overdue.
    assert completions(opened)[("M-00-02-330200", "330200")] is None
    ningbo = status_of(opened, "M-00-02-330200", "330200", Period(2012, month=1))
    assert ningbo.status == Status.OVERDUE
    assert annual(opened, region="330100").status == "pending"


def test_completions_read_the_whole_plan_in_two_queries(opened, django_assert_max_num_queries):
    fill(report(opened, "330300"), owner_of(report(opened, "330300")), "2011-12-20")
    with django_assert_max_num_queries(2):
        found = completions(opened)
    assert len(found) == 1 + 11 and found[("M-00-02-330300", "330300")] is None
