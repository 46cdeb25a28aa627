"""Reporting actions: validation before saving, versions, workflow, vintages and audit."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from plantrack.core.periods import Period
from plantrack.reporting import actions
from plantrack.reporting.models import Status, Submission, Value, ValueChange, Vintage

pytestmark = pytest.mark.django_db


def user(name: str):
    return get_user_model().objects.get(username=name)


def test_opening_a_period_creates_one_draft_per_county_with_its_due_date(data_set):
    submissions = actions.open_period(data_set, Period.parse("2011-07"))
    assert submissions.count() == 90
    assert {s.due.isoformat() for s in submissions} == {"2011-08-15"}
    assert actions.open_period(data_set, Period.parse("2011-07")).count() == 90


def test_values_are_saved_with_an_audit_row_each(xihu_july):
    result = actions.save_values(
        xihu_july, user("xihu"), {"energy_consumption": "120.5", "industrial_energy_consumption": "60"},
        version=0,
    )  # fmt: skip
    assert sorted(result.changed) == ["energy_consumption", "industrial_energy_consumption"]
    value = Value.objects.get(submission=xihu_july, element__code="energy_consumption")
    assert value.value == Decimal("120.5") and value.vintage == Vintage.REPORTED
    change = ValueChange.objects.get(value=value)
    assert (change.old, change.new, change.changed_by.username, change.reason) == (
        None, Decimal("120.5"), "xihu", "网页填报",
    )  # fmt: skip


def test_invalid_values_save_nothing_and_say_what_is_wrong(xihu_july):
    with pytest.raises(actions.Invalid) as error:
        actions.save_values(
            xihu_july, user("xihu"),
            {"energy_consumption": "一百", "industrial_energy_consumption": "60"}, version=0,
        )  # fmt: skip
    assert error.value.problems[0].field == "energy_consumption"
    assert "应为数值" in error.value.problems[0].message
    assert not Value.objects.filter(submission=xihu_july).exists()


def test_cross_field_rule_from_the_plan_is_enforced(xihu_july):
    with pytest.raises(actions.Invalid, match="规模以上工业能耗不能大于综合能源消费量"):
        actions.save_values(
            xihu_july, user("xihu"),
            {"energy_consumption": "50", "industrial_energy_consumption": "60"}, version=0,
        )  # fmt: skip


def test_stale_version_is_a_conflict_not_a_lost_update(xihu_july):
    actions.save_values(xihu_july, user("xihu"), {"energy_consumption": "100"}, version=0)
    with pytest.raises(actions.Conflict, match="被他人修改"):
        actions.save_values(xihu_july, user("admin"), {"energy_consumption": "999"}, version=0)
    assert Value.objects.get(submission=xihu_july).value == 100


def test_submission_needs_required_fields(xihu_july):
    actions.save_values(xihu_july, user("xihu"), {"energy_consumption": "100"}, version=0)
    with pytest.raises(actions.Invalid, match="规模以上工业综合能源消费量.*必填"):
        actions.submit(xihu_july, user("xihu"), version=1)


def test_large_change_needs_an_explanation_before_submission(data_set, xihu_july):
    june = actions.open_period(data_set, Period.parse("2011-06")).get(unit_key="region:330106")
    actions.save_values(
        june, user("xihu"), {"energy_consumption": "100", "industrial_energy_consumption": "50"},
        version=0, submit=True,
    )  # fmt: skip
    raw = {"energy_consumption": "150", "industrial_energy_consumption": "50"}
    with pytest.raises(actions.Invalid) as error:
        actions.save_values(xihu_july, user("xihu"), raw, version=0, submit=True)
    [problem] = error.value.problems
    assert problem.kind == "explain" and "+50.0%" in problem.message
    explained = {"energy_consumption": "新投产企业"}
    actions.save_values(
        xihu_july, user("xihu"), raw, version=0, submit=True, explanations=explained
    )
    value = Value.objects.get(submission=xihu_july, element__code="energy_consumption")
    assert value.explanation == "新投产企业"


def _submitted(xihu_july: Submission) -> Submission:
    raw = {"energy_consumption": "100", "industrial_energy_consumption": "50"}
    return actions.save_values(xihu_july, user("xihu"), raw, version=0, submit=True).submission


def test_two_level_approval_then_locked(xihu_july):
    submission = _submitted(xihu_july)
    assert submission.status == Status.SUBMITTED
    submission = actions.approve(submission, user("hangzhou"))
    assert (submission.status, submission.approvals) == (Status.SUBMITTED, 1)
    submission = actions.approve(submission, user("admin"))
    assert submission.status == Status.APPROVED
    with pytest.raises(actions.WorkflowError):
        actions.save_values(
            submission, user("xihu"), {"energy_consumption": "1"}, version=submission.version
        )
    actions_log = list(submission.events.values_list("action", "to_status"))
    assert actions_log == [
        ("submit", "submitted"), ("approve", "submitted"), ("approve", "approved"),
    ]  # fmt: skip


def test_return_needs_a_reason_and_allows_correction(xihu_july):
    submission = _submitted(xihu_july)
    with pytest.raises(actions.WorkflowError):
        actions.return_submission(submission, user("hangzhou"), "  ")
    submission = actions.return_submission(submission, user("hangzhou"), "工业能耗偏低，请核实")
    assert submission.status == Status.RETURNED and submission.returned_reason
    actions.save_values(
        submission,
        user("xihu"),
        {"industrial_energy_consumption": "55"},
        version=submission.version,
    )


def test_reopening_is_explicit_and_logged(xihu_july):
    submission = actions.approve(
        actions.approve(_submitted(xihu_july), user("hangzhou")), user("admin")
    )
    submission = actions.reopen(submission, user("admin"), "经济普查后修正")
    assert submission.status == Status.RETURNED
    assert submission.events.last().note == "经济普查后修正"


def test_verified_and_revised_vintages_are_kept_beside_the_reported_value(xihu_july):
    submission = actions.approve(
        actions.approve(_submitted(xihu_july), user("hangzhou")), user("admin")
    )
    actions.record_vintage(
        submission, user("admin"), Vintage.VERIFIED, {"energy_consumption": "101"}, "统计局核定"
    )
    actions.record_vintage(
        submission, user("admin"), Vintage.REVISED, {"energy_consumption": "102"}, "经济普查修订"
    )
    rows = dict(
        Value.objects.filter(submission=submission, element__code="energy_consumption").values_list(
            "vintage", "value"
        )
    )
    assert rows == {"reported": 100, "verified": 101, "revised": 102}
    assert actions.best_values(submission)["energy_consumption"] == 102
    assert actions.best_values(submission)["industrial_energy_consumption"] == 50


def test_completeness_counts_arrived_late_and_missing(data_set, xihu_july):
    from plantrack.accounts.access import scope_of
    from plantrack.reporting.queries import completeness, submissions_for

    raw = {"energy_consumption": "100", "industrial_energy_consumption": "50"}
    actions.save_values(xihu_july, user("xihu"), raw, version=0, submit=True)
    submissions = submissions_for(scope_of(user("hangzhou")), data_set, "2011-07")
    stats = completeness(submissions)
    # Submitted today, long after the 2011-08-15 deadline: it arrived, and late.
    assert (stats.expected, stats.arrived, stats.late, stats.missing) == (13, 1, 1, 12)
    assert stats.overdue == 12


def test_reminders_go_to_units_that_have_not_reported(data_set, xihu_july, mailoutbox):
    from plantrack.reporting.reminders import send_reminders

    user("xihu").__class__.objects.filter(username="xihu").update(email="xihu@example.invalid")
    sent = send_reminders(Submission.objects.filter(data_set=data_set, period="2011-07"))
    assert sent == 1
    [mail] = mailoutbox
    assert mail.to == ["xihu@example.invalid"] and "测试能源月报" in mail.subject
    raw = {"energy_consumption": "100", "industrial_energy_consumption": "50"}
    actions.save_values(xihu_july, user("xihu"), raw, version=0, submit=True)
    assert send_reminders(Submission.objects.filter(data_set=data_set, period="2011-07")) == 0
