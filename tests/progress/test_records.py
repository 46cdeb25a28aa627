"""Stored warnings, recomputed on approval, and the follow-ups (约谈) they raise."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from plantrack.core.periods import Period, periods
from plantrack.plans.models import Plan
from plantrack.progress.models import FollowUp, WarningRecord
from plantrack.progress.records import affected_months, refresh
from plantrack.progress.services import load
from plantrack.reporting.actions import approve, record_vintage
from plantrack.reporting.models import Status, Submission, Vintage

from .test_progress import HANGZHOU, fill, hangzhou_counties

pytestmark = pytest.mark.django_db

NINGBO = "330200"
PASSWORD = "demo2011"


def plan() -> Plan:
    return Plan.objects.select_related("region").get(code="zhejiang-2011")


def rising(code, period):
    """Energy up 20% on a flat GDP: intensity rises, red on the NDRC barometer."""
    return {
        "energy_consumption": Decimal(120 if period.year == 2011 else 100),
        "industrial_energy_consumption": Decimal(10),
        "gdp_constant": Decimal(1000),
    }


@pytest.fixture
def red_hangzhou(data_set):
    """Hangzhou's counties with intensity rising from January to July 2011."""
    fill(data_set, hangzhou_counties(), list(periods(Period.parse("2010-01"), Period.parse("2011-07"))), rising)  # fmt: skip
    return data_set


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_refresh_stores_one_record_per_scheme_and_replaces_it(red_hangzhou):
    result = refresh(plan(), Period.parse("2011-07"), regions=[HANGZHOU])
    records = WarningRecord.objects.filter(region__code=HANGZHOU, period="2011-07")
    assert result.records == records.count() > 0
    intensity = records.get(target__code="M-E-01", scheme="ndrc-2021-h1")
    assert intensity.severity == "red" and intensity.measured == "2011-07"
    refresh(plan(), Period.parse("2011-07"), regions=[HANGZHOU])
    assert records.count() == result.records  # replaced, not duplicated


def test_unrated_rows_are_stored_with_a_reason_not_as_green(data_set):
    refresh(plan(), Period.parse("2011-07"), regions=[HANGZHOU])
    record = WarningRecord.objects.get(
        region__code=HANGZHOU, period="2011-07", target__code="M-E-01", scheme="ndrc-2021-h1"
    )
    assert record.severity == "" and "无数据" in record.reason


def test_two_red_months_in_a_row_open_one_follow_up_for_binding_targets(red_hangzhou):
    refresh(plan(), Period.parse("2011-05"), regions=[HANGZHOU])
    assert not FollowUp.objects.exists()
    refresh(plan(), Period.parse("2011-06"), regions=[HANGZHOU])
    follow_up = FollowUp.objects.get(target__code="M-E-01", region__code=HANGZHOU)
    assert follow_up.opened_for == "2011-06" and follow_up.periods == "2011-05、2011-06"
    assert follow_up.status == "open" and follow_up.rule == "interview"
    assert not FollowUp.objects.filter(target__level="stretch").exists()
    refresh(plan(), Period.parse("2011-07"), regions=[HANGZHOU])  # the same run goes on
    assert FollowUp.objects.filter(target__code="M-E-01", region__code=HANGZHOU).count() == 1


def test_a_month_missing_from_the_history_breaks_the_run(red_hangzhou):
    refresh(plan(), Period.parse("2011-04"), regions=[HANGZHOU])
    refresh(plan(), Period.parse("2011-06"), regions=[HANGZHOU])
    assert not FollowUp.objects.filter(target__code="M-E-01").exists()


def test_approval_recomputes_the_submissions_region_and_its_ancestors(
    red_hangzhou, django_capture_on_commit_callbacks
):
    months = list(periods(Period.parse("2011-01"), Period.parse("2011-07")))
    fill(red_hangzhou, ["330203"], months, rising)  # one Ningbo county, not the others
    refresh(plan(), Period.parse("2011-07"))
    before = WarningRecord.objects.get(
        region__code=HANGZHOU, period="2011-07", target__code="M-E-01", scheme="ndrc-2021-h1"
    )
    ningbo_before = WarningRecord.objects.filter(region__code=NINGBO).values_list("pk", flat=True)
    ningbo_ids = set(ningbo_before)
    xihu = Submission.objects.get(unit_key="region:330106", period="2011-07")
    xihu.values.filter(element__code="energy_consumption").update(value=Decimal(60))
    xihu.status, xihu.approvals = Status.SUBMITTED, 1
    xihu.save(update_fields=["status", "approvals"])
    with django_capture_on_commit_callbacks(execute=True):
        approve(xihu, User.objects.get(username="admin"))
    after = WarningRecord.objects.get(
        region__code=HANGZHOU, period="2011-07", target__code="M-E-01", scheme="ndrc-2021-h1"
    )
    assert after.pk != before.pk and after.computed_at > before.computed_at
    province = WarningRecord.objects.get(
        region__code="330000", period="2011-07", target__code="M-E-01", scheme="ndrc-2021-h1"
    )
    assert province.computed_at == after.computed_at
    # Ningbo cannot be changed by a Hangzhou county: its records are untouched.
    assert set(WarningRecord.objects.filter(region__code=NINGBO).values_list("pk", flat=True)) == (
        ningbo_ids
    )
    # Only targets reading the data set's elements were recomputed.
    untouched = WarningRecord.objects.filter(region__code=HANGZHOU, period="2011-07").exclude(
        computed_at=after.computed_at
    )
    assert untouched.exists()
    assert not untouched.filter(target__indicator__code="gdp_energy_intensity_change").exists()


def _ratings(regions):
    return sorted(
        WarningRecord.objects.filter(region__code__in=regions, period="2011-07").values_list(
            "target__code", "region__code", "scheme", "severity", "reason"
        )
    )


def test_recompute_on_approval_reads_only_what_it_needs_and_agrees_with_a_full_refresh(
    red_hangzhou, django_capture_on_commit_callbacks
):
    refresh(plan(), Period.parse("2011-07"))
    xihu = Submission.objects.get(unit_key="region:330106", period="2011-07")
    xihu.values.filter(element__code="energy_consumption").update(value=Decimal(300))
    xihu.status, xihu.approvals = Status.SUBMITTED, 1
    xihu.save(update_fields=["status", "approvals"])
    with django_capture_on_commit_callbacks(execute=True):
        approve(xihu, User.objects.get(username="admin"))
    chain = ["330106", HANGZHOU, "330000"]
    on_approval = _ratings(chain)
    assert on_approval
    refresh(plan(), Period.parse("2011-07"))
    assert _ratings(chain) == on_approval

    # The narrowed read holds exactly the full read's values of the elements asked for.
    month = Period.parse("2011-07")
    narrow = load(plan(), month, {"energy_consumption"})
    full = load(plan(), month)
    assert narrow.ranks and {k[0] for k in narrow.ranks} == {"energy_consumption"}
    assert {k: v for k, v in full.ranks.items() if k[0] == "energy_consumption"} == narrow.ranks
    assert narrow.source.value("energy_consumption", HANGZHOU, month) == full.source.value(
        "energy_consumption", HANGZHOU, month
    )


def test_a_verified_vintage_on_an_approved_report_recomputes_its_warnings(
    red_hangzhou, django_capture_on_commit_callbacks
):
    refresh(plan(), Period.parse("2011-07"))
    key = dict(
        region__code=HANGZHOU, period="2011-07", target__code="M-E-01", scheme="ndrc-2021-h1"
    )
    before = WarningRecord.objects.get(**key)
    xihu = Submission.objects.get(unit_key="region:330106", period="2011-07")
    assert xihu.status == Status.APPROVED
    with django_capture_on_commit_callbacks(execute=True):
        record_vintage(
            xihu, User.objects.get(username="admin"), Vintage.VERIFIED,
            {"energy_consumption": "40"}, "统计局核定",
        )  # fmt: skip
    after = WarningRecord.objects.get(**key)
    assert after.pk != before.pk and after.computed_at > before.computed_at
    month = Period.parse("2011-07")
    loaded = load(plan(), month, {"energy_consumption"})
    assert loaded.source.value("energy_consumption", "330106", month) == Decimal(40)
    change = xihu.values.get(element__code="energy_consumption", vintage="verified").changes.get()
    assert change.channel == "verified"


def test_affected_months_are_the_period_and_later_stored_months(red_hangzhou):
    refresh(plan(), Period.parse("2011-07"), regions=[HANGZHOU])
    assert [str(m) for m in affected_months(plan(), Period.parse("2011-03"))] == [
        "2011-03",
        "2011-07",
    ]
    # A base-year month is read a year later as "last year's".
    assert [str(m) for m in affected_months(plan(), Period.parse("2010-08"))] == ["2011-08"]
    assert [str(m) for m in affected_months(plan(), Period.parse("2011Q2"))] == [
        "2011-06",
        "2011-07",
    ]


def test_follow_up_list_counts_and_hides_other_cities(red_hangzhou):
    refresh(plan(), Period.parse("2011-06"), regions=[HANGZHOU])
    refresh(plan(), Period.parse("2011-07"), regions=[HANGZHOU])
    FollowUp.objects.filter(target__code="M-E-01").update(due=dt.date(2011, 8, 1))
    page = client_for("hangzhou").get("/progress/zhejiang-2011/follow-ups/").content.decode()
    assert f'data-region="{HANGZHOU}"' in page
    open_count = FollowUp.objects.filter(region__code=HANGZHOU, status="open").count()
    assert f'data-open="{open_count}"' in page and 'data-overdue="1"' in page
    page = client_for("ningbo").get("/progress/zhejiang-2011/follow-ups/").content.decode()
    assert f'data-region="{HANGZHOU}"' not in page and 'data-open="0"' in page


def test_only_a_province_admin_closes_a_follow_up_and_needs_a_note(
    red_hangzhou, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    refresh(plan(), Period.parse("2011-06"), regions=[HANGZHOU])
    refresh(plan(), Period.parse("2011-07"), regions=[HANGZHOU])
    follow_up = FollowUp.objects.get(target__code="M-E-01", region__code=HANGZHOU)
    url = f"/progress/zhejiang-2011/follow-ups/{follow_up.pk}/close/"
    assert client_for("hangzhou").post(url, {"note": "已约谈"}).status_code == 403
    assert client_for("ningbo").post(url, {"note": "已约谈"}).status_code == 404
    admin = client_for("admin")
    # Closing is the ledger's verification: nothing to verify before the city has submitted.
    admin.post(url, {"note": "2011年8月5日约谈杭州市政府分管副市长"})
    follow_up.refresh_from_db()
    assert follow_up.status == "open"
    item_url = f"/supervision/zhejiang-2011/items/{follow_up.item.pk}/submit/"
    evidence = SimpleUploadedFile("约谈记录.pdf", b"%PDF-1.4", content_type="application/pdf")
    client_for("hangzhou").post(item_url, {"note": "已整改", "files": evidence})
    assert client_for("hangzhou").post(url, {"note": "已约谈"}).status_code == 403
    admin.post(url, {"note": "  "})
    follow_up.refresh_from_db()
    assert follow_up.status == "open"
    admin.post(url, {"note": "2011年8月5日约谈杭州市政府分管副市长"})
    follow_up.refresh_from_db()
    assert follow_up.status == "closed" and follow_up.closed_by.username == "admin"
    assert follow_up.closed_at is not None and "约谈" in follow_up.closing_note


def test_warnings_api_reads_stored_records_within_the_users_regions(red_hangzhou):
    refresh(plan(), Period.parse("2011-07"))
    url = "/api/progress/warnings?plan=zhejiang-2011&period=2011-07"
    rows = client_for("hangzhou").get(url).json()
    assert rows and {r["region"] for r in rows} == {HANGZHOU}
    assert any(r["severity"] == "red" and r["target"] == "M-E-01" for r in rows)
    assert client_for("ningbo").get(url).json() == []
    everything = client_for("leader").get(url).json()
    assert len(everything) == len(rows)  # only Hangzhou has data: the province is unrated
    assert all(r["severity"] for r in everything)
