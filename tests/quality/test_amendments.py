"""修约: audited, within the window, by authorised users only, and the rates recomputed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from plantrack.core.hj212 import BEIJING
from plantrack.plans.models import Plan
from plantrack.quality.actions import AmendmentRefused, amend_hours
from plantrack.quality.models import Amendment, MonthlyRate
from plantrack.quality.services import Month

from .conftest import PASSWORD, SEPTEMBER, beijing, store

pytestmark = pytest.mark.django_db

HOURS = SEPTEMBER.hours
IN_WINDOW = beijing(2011, 10, 8, 12)


@pytest.fixture
def plan() -> Plan:
    return Plan.objects.get(code="zhejiang-2011")


@pytest.fixture
def gappy(hangzhou_outlet):
    # SO2 missing from 24 September on (168 hours); 10 hours under maintenance.
    store(hangzhou_outlet, "a21026", HOURS[:542], "45", kinds=("Avg", "ZsAvg"))
    store(hangzhou_outlet, "a21026", HOURS[542:552], "45", flag="M", kinds=("Avg", "ZsAvg"))
    call_command("quality", "compute", "--month", "2011-09", verbosity=0)
    return hangzhou_outlet


def rate(source) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    r = MonthlyRate.objects.get(source=source, pollutant="a21026", month="2011-09")
    return (r.owed, r.received, r.valid, r.excluded)


def test_shutdown_declared_is_audited_and_recomputes(gappy, plan) -> None:
    assert rate(gappy) == (720, 552, 542, 0)
    user = User.objects.get(username="hangzhou")
    result = amend_hours(
        user, plan, gappy, ["a21026"], beijing(2011, 9, 24), beijing(2011, 10, 1),
        "excluded", "9月24日起停产检修", evidence="杭环停〔2011〕12号", now=IN_WINDOW,
    )  # fmt: skip
    assert len(result.amendments) == 168
    assert rate(gappy) == (552, 552, 542, 168)
    row = Amendment.objects.filter(source=gappy).order_by("hour").first()
    assert row is not None
    assert (row.amended_by.username, row.old_status, row.new_status) == (
        "hangzhou",
        "missing",
        "excluded",
    )
    assert row.reason == "9月24日起停产检修" and row.evidence == "杭环停〔2011〕12号"
    assert row.hour == beijing(2011, 9, 24)
    # The maintenance hours judged valid on review: old status invalid is kept.
    amend_hours(user, plan, gappy, ["a21026"], HOURS[542], HOURS[552], "valid", "校准记录核实",
                now=IN_WINDOW)  # fmt: skip
    assert rate(gappy) == (552, 552, 552, 168)
    assert Amendment.objects.filter(old_status="invalid", new_status="valid").count() == 10


def test_refusals_change_nothing(gappy, plan) -> None:
    admin = User.objects.get(username="admin")
    cases = [
        (admin, HOURS[600], HOURS[601], "valid", "x", IN_WINDOW, "只能申报为停产"),
        (admin, HOURS[0], HOURS[1], "invalid", "x", beijing(2011, 10, 11), "修约期已于"),
        (admin, HOURS[0], HOURS[1], "invalid", "  ", IN_WINDOW, "说明理由"),
        (admin, HOURS[0], HOURS[0], "invalid", "x", IN_WINDOW, "结束时间"),
        (User.objects.get(username="ningbo"), HOURS[0], HOURS[1], "invalid", "x", IN_WINDOW,
         "无权"),
        (User.objects.get(username="leader"), HOURS[0], HOURS[1], "invalid", "x", IN_WINDOW,
         "无权"),
        (User.objects.get(username="fgw"), HOURS[0], HOURS[1], "invalid", "x", IN_WINDOW, "无权"),
    ]  # fmt: skip
    for user, start, end, status, reason, now, message in cases:
        with pytest.raises(AmendmentRefused, match=message):
            amend_hours(user, plan, gappy, ["a21026"], start, end, status, reason, now=now)
    assert not Amendment.objects.exists()
    assert rate(gappy) == (720, 552, 542, 0)


def test_department_owning_the_data_set_may_amend(gappy, plan) -> None:
    hbt = User.objects.get(username="hbt")
    amend_hours(hbt, plan, gappy, ["a21026"], HOURS[0], HOURS[2], "invalid", "比对监测不合格",
                now=IN_WINDOW)  # fmt: skip
    assert rate(gappy) == (720, 552, 540, 0)


def test_amendment_page_within_the_current_window(client, hangzhou_outlet) -> None:
    now = timezone.now().astimezone(BEIJING)
    month = Month(now.year, now.month)
    store(hangzhou_outlet, "a21026", month.hours[:48], "45", kinds=("Avg", "ZsAvg"))
    call_command("quality", "compute", "--month", str(month), verbosity=0)
    url = f"/quality/zhejiang-2011/rates/{hangzhou_outlet.mn}/a21026/?month={month}"
    assert client.login(username="xihu", password=PASSWORD)
    page = client.get(url)
    assert page.status_code == 200
    assert "修约并重算" in page.content.decode()
    start = month.start + dt.timedelta(hours=48)
    response = client.post(url, {
        "start": f"{start:%Y-%m-%d %H:%M}", "end": f"{start + dt.timedelta(hours=24):%Y-%m-%d %H:%M}",
        "status": "excluded", "reason": "停产", "evidence": "",
    })  # fmt: skip
    assert response.status_code == 302
    assert (
        Amendment.objects.filter(source=hangzhou_outlet, amended_by__username="xihu").count() == 24
    )
    r = MonthlyRate.objects.get(source=hangzhou_outlet, pollutant="a21026", month=str(month))
    assert r.excluded == 24
    export = client.get(url + "&format=xlsx&table=amendments")
    rows = list(
        load_workbook(io.BytesIO(export.content)).active.iter_rows(min_row=4, values_only=True)
    )
    assert len(rows) == 24 and {(r[1], r[2], r[5]) for r in rows} == {
        ("缺失", "停产（停运），不计", "xihu")
    }
    # A closed window: the page says so and refuses a post.
    closed = client.get(url.replace(str(month), "2011-09"))
    assert "已截止" in closed.content.decode()
    assert client.post(url.replace(str(month), "2011-09"), {
        "start": "2011-09-01 00:00", "end": "2011-09-01 01:00", "status": "excluded",
        "reason": "停产",
    }).status_code == 200  # fmt: skip
    assert not Amendment.objects.filter(hour__lt=month.start).exists()


def test_api_amendment_is_refused_for_another_city(client, hangzhou_outlet, ningbo_outlet) -> None:
    assert client.login(username="ningbo", password=PASSWORD)
    payload = {"mn": hangzhou_outlet.mn, "pollutants": ["a21026"], "start": "2011-09-01T00:00",
               "end": "2011-09-01T01:00", "status": "excluded", "reason": "x"}  # fmt: skip
    response = client.post("/api/quality/zhejiang-2011/amendments", payload,
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 404
    payload["mn"] = ningbo_outlet.mn
    response = client.post("/api/quality/zhejiang-2011/amendments", payload,
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 422
    assert "修约期" in response.json()["detail"]
