"""Computed figures land in reporting (declared elements, audited) and progress reads them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from plantrack.core.periods import Period
from plantrack.plans.models import Plan
from plantrack.progress.services import compute, load
from plantrack.quality.publish import publish
from plantrack.reporting import actions
from plantrack.reporting.models import DataSet, Submission, Value, ValueChange, Vintage

from .conftest import SEPTEMBER, store

pytestmark = pytest.mark.django_db

HOURS = SEPTEMBER.hours
GOOD = {"a34004": "40", "a34002": "60", "a21026": "20", "a21004": "30", "a21005": "0.8",
        "a05024": "90"}  # fmt: skip


@pytest.fixture
def plan() -> Plan:
    return Plan.objects.get(code="zhejiang-2011")


@pytest.fixture
def admin() -> User:
    return User.objects.get(username="admin")


def env_quality(plan: Plan, period: str) -> Submission:
    data_set = DataSet.objects.get(plan=plan, code="env_quality_month")
    actions.open_period(data_set, Period.parse(period))
    return Submission.objects.get(data_set=data_set, period=period, unit_key="region:330100")


def approve_hand_report(plan: Plan, admin: User, period: str) -> Submission:
    """Hangzhou's own report of the month, submitted and approved by the province."""
    submission = env_quality(plan, period)
    values = {"good_air_days": "20", "air_monitored_days": "30",
              "function_zone_sections_compliant": "5", "function_zone_sections": "8",
              "boundary_sections_compliant": "3", "boundary_sections": "4",
              "drinking_source_sections_compliant": "2", "drinking_source_sections": "2"}  # fmt: skip
    hangzhou = User.objects.get(username="hangzhou")
    actions.save_values(submission, hangzhou, values, version=submission.version, submit=True)
    submission.refresh_from_db()
    return actions.approve(submission, admin)


def test_published_air_days_override_the_hand_report_as_verified(
    plan, admin, hangzhou_station
) -> None:
    for code, value in GOOD.items():
        store(hangzhou_station, code, HOURS[: 27 * 24], value)
    for code, value in {**GOOD, "a34004": "80"}.items():
        store(hangzhou_station, code, HOURS[27 * 24 :], value)
    submission = approve_hand_report(plan, admin, "2011-09")
    call_command("quality", "compute", "--month", "2011-09", "--publish", "--user", "admin",
                 verbosity=0)  # fmt: skip
    verified = {
        v.element.code: v.value
        for v in Value.objects.filter(submission=submission, vintage=Vintage.VERIFIED)
    }
    assert verified == {"good_air_days": 27, "air_monitored_days": 30}
    change = ValueChange.objects.get(value__submission=submission,
                                     value__element__code="good_air_days", value__vintage="verified")  # fmt: skip
    assert change.changed_by == admin and change.new == 27 and "在线监测自动计算" in change.reason
    # The hand-reported water figures are left alone (no classed section in Hangzhou).
    assert not Value.objects.filter(submission=submission, vintage=Vintage.VERIFIED,
                                    element__code="function_zone_sections").exists()  # fmt: skip
    # Progress reads the verified vintage over the hand report...
    september = Period.parse("2011-09")
    loaded = load(plan, september)
    assert loaded.source.value("good_air_days", "330100", september) == 27
    assert loaded.vintage("good_air_days", "330100", september) == "核定数"
    # ... and so does its computation of the target (the province total needs every city).
    targets = list(plan.targets.filter(code="V00-44"))
    rows = compute(plan, september, targets=targets, regions=["330000"], loaded=loaded)
    assert rows and rows[0].target.code == "V00-44"


def test_draft_submissions_get_the_figures_as_reported_values(plan, admin, hangzhou_outlet) -> None:
    store(hangzhou_outlet, "a21026", HOURS[:700], "45", kinds=("Avg", "ZsAvg"))
    store(hangzhou_outlet, "a21002", HOURS, "60", kinds=("Avg", "ZsAvg"))
    call_command("quality", "compute", "--month", "2011-09", verbosity=0)
    publication = publish(plan, SEPTEMBER, admin)
    row = next(o for o in publication.outcome
               if o["data_set"] == "pollution_source_quarter" and o["city"] == "杭州市")  # fmt: skip
    assert row["period"] == "2011Q3" and row["action"] == "reported"
    submission = Submission.objects.get(data_set__code="pollution_source_quarter",
                                        period="2011Q3", unit_key="region:330100")  # fmt: skip
    values = actions.values_of(submission)
    assert values["online_data_uploaded"] == 1440 and values["online_data_conforming"] == 1420
    change = ValueChange.objects.filter(value__submission=submission).first()
    assert change is not None and change.channel == "monitoring"
    # Ningbo has no outlet: nothing written over what it may report itself.
    ningbo = next(o for o in publication.outcome
                  if o["data_set"] == "pollution_source_quarter" and o["city"] == "宁波市")  # fmt: skip
    assert ningbo["action"] == "skipped" and ningbo["elements"] == {}
    # Publishing again changes nothing.
    again = publish(plan, SEPTEMBER, admin)
    assert {o["action"] for o in again.outcome if o["city"] == "杭州市"} <= {"unchanged", "skipped"}


def test_submitted_reports_are_not_changed_under_the_approver(
    plan, admin, hangzhou_station
) -> None:
    for code, value in GOOD.items():
        store(hangzhou_station, code, HOURS, value)
    submission = env_quality(plan, "2011-09")
    hangzhou = User.objects.get(username="hangzhou")
    actions.save_values(submission, hangzhou, {"good_air_days": "1", "air_monitored_days": "30",
                        "function_zone_sections_compliant": "0", "function_zone_sections": "1",
                        "boundary_sections_compliant": "0", "boundary_sections": "1",
                        "drinking_source_sections_compliant": "0",
                        "drinking_source_sections": "1"}, version=submission.version,
                        submit=True)  # fmt: skip
    call_command("quality", "compute", "--month", "2011-09", "--publish", "--user", "admin",
                 verbosity=0)  # fmt: skip
    assert actions.values_of(submission)["good_air_days"] == 1
    assert not Value.objects.filter(submission=submission, vintage=Vintage.VERIFIED).exists()


def test_command_needs_a_user_to_publish() -> None:
    with pytest.raises(CommandError, match="--user"):
        call_command("quality", "compute", "--month", "2011-09", "--publish")
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("quality", "compute", "--month", "2011-13")


def test_the_province_share_of_good_days_follows_the_published_figure(
    plan, admin, hangzhou_station
) -> None:
    for code, value in GOOD.items():
        store(hangzhou_station, code, HOURS, value)
    hangzhou = User.objects.get(username="hangzhou")
    data_set = DataSet.objects.get(plan=plan, code="env_quality_month")
    for month in range(1, 10):
        period = f"2011-{month:02d}"
        for submission in actions.open_period(data_set, Period.parse(period)):
            values = {"good_air_days": "20", "air_monitored_days": "30",
                      "function_zone_sections_compliant": "1", "function_zone_sections": "2",
                      "boundary_sections_compliant": "1", "boundary_sections": "1",
                      "drinking_source_sections_compliant": "1",
                      "drinking_source_sections": "1"}  # fmt: skip
            actions.save_values(submission, hangzhou, values, version=submission.version,
                                submit=True)  # fmt: skip
            submission.refresh_from_db()
            actions.approve(submission, admin)
    september = Period.parse("2011-09")
    targets = list(plan.targets.filter(code="V00-44"))
    before = compute(plan, september, targets=targets, regions=["330000"])[0].progress.value
    call_command("quality", "compute", "--month", "2011-09", "--publish", "--user", "admin",
                 verbosity=0)  # fmt: skip
    after = compute(plan, september, targets=targets, regions=["330000"])[0].progress.value
    # 11 cities × 9 months × 20 of 30 days; Hangzhou's September becomes 30 of 30.
    assert float(before) == pytest.approx(100 * 20 / 30)
    assert float(after) == pytest.approx(100 * (11 * 9 * 20 + 10) / (11 * 9 * 30))
