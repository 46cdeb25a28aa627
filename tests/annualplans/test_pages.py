"""Pages over HTTP: who sees and acts on what (404/403), the list, the detail, the download."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from plantrack.annualplans import actions, summary
from plantrack.annualplans.models import Kind, Obligation, State

from .conftest import annual, fill, login, moment, report, user


def detail(plan, obligation):
    return reverse("annualplans-detail", args=[plan.code, obligation.pk])


def test_city_sees_only_its_own(client, opened):
    login(client, "hangzhou")
    page = client.get(reverse("annualplans", args=[opened.code]))
    assert page.status_code == 200
    shown = {
        int(pk) for pk in page.content.decode().split('data-pk="')[1:] for pk in [pk.split('"')[0]]
    }
    assert shown == set(
        Obligation.objects.filter(region__code="330100").values_list("pk", flat=True)
    )
    assert len(shown) == 3
    assert client.get(detail(opened, annual(opened, region="330100"))).status_code == 200
    ningbo = annual(opened, region="330200")
    assert client.get(detail(opened, ningbo)).status_code == 404
    url = reverse("annualplans-submit", args=[opened.code, ningbo.pk])
    assert client.post(url).status_code == 404
    assert (
        client.post(reverse("annualplans-review", args=[opened.code, ningbo.pk])).status_code == 404
    )
    assert (
        client.get(reverse("annualplans-template", args=[opened.code, ningbo.pk])).status_code
        == 404
    )


def test_department_sees_own_plan_and_reports_it_shares(client, opened):
    login(client, "hbt")
    visible = {
        o.pk for o in Obligation.objects.all() if client.get(detail(opened, o)).status_code == 200
    }
    expected = set(
        Obligation.objects.filter(department__code="hbt").values_list("pk", flat=True)
    ) | set(Obligation.objects.exclude(kind=Kind.ANNUAL_PLAN).values_list("pk", flat=True))
    assert visible == expected
    # It can read a city's report but not act on it.
    hangzhou = report(opened, "330100")
    assert (
        client.post(reverse("annualplans-submit", args=[opened.code, hangzhou.pk])).status_code
        == 403
    )


def test_leader_reads_everything_and_changes_nothing(client, opened):
    obligation = annual(opened, region="330100")
    fill(obligation, "hangzhou")
    login(client, "leader")
    assert client.get(detail(opened, obligation)).status_code == 200
    response = client.post(
        reverse("annualplans-review", args=[opened.code, obligation.pk]), {"decision": "accept"}
    )
    assert response.status_code == 403
    assert Obligation.objects.get(pk=obligation.pk).status == State.SUBMITTED
    upload = reverse("annualplans-upload", args=[opened.code, obligation.pk])
    assert client.post(upload, {"file": ContentFile(b"x", name="x.docx")}).status_code == 403
    assert (
        client.post(reverse("annualplans-open", args=[opened.code]), {"year": 2011}).status_code
        == 403
    )


def test_owner_uploads_submits_and_admin_accepts_over_http(client, opened):
    obligation = report(opened, "330100")
    login(client, "hangzhou")
    page = client.get(detail(opened, obligation)).content.decode()
    assert reverse("report-city", args=[opened.code, "330100", 2011]) in page
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("杭州市2011年报告.pdf", b"%PDF-1.4 signed", "application/pdf")
    client.post(reverse("annualplans-upload", args=[opened.code, obligation.pk]), {"file": upload})
    document = obligation.documents.get()
    assert document.name == "杭州市2011年报告.pdf" and document.uploaded_by == user("hangzhou")
    download = client.get(
        reverse("annualplans-document", args=[opened.code, obligation.pk, document.pk])
    )
    assert b"".join(download.streaming_content) == b"%PDF-1.4 signed"
    client.post(reverse("annualplans-submit", args=[opened.code, obligation.pk]))
    assert Obligation.objects.get(pk=obligation.pk).status == State.SUBMITTED
    client.logout()
    login(client, "ningbo")
    other = reverse("annualplans-document", args=[opened.code, obligation.pk, document.pk])
    assert client.get(other).status_code == 404
    client.logout()
    login(client, "admin")
    client.post(
        reverse("annualplans-review", args=[opened.code, obligation.pk]), {"decision": "accept"}
    )
    assert Obligation.objects.get(pk=obligation.pk).status == State.ACCEPTED


def test_list_filters_counts_and_export(client, opened):
    fill(annual(opened, region="330100"), "hangzhou", "2011-08-20")
    actions.review(
        user("admin"), annual(opened, region="330100"), accept=True, at=moment("2011-08-21")
    )
    login(client, "admin")
    url = reverse("annualplans", args=[opened.code])
    page = client.get(url, {"kind": Kind.ANNUAL_PLAN, "status": "overdue"}).content.decode()
    # Every other annual plan is past its 2011 due date and still pending today.
    assert page.count('class="obligation overdue"') == 22
    assert 'data-open="22" data-overdue="22" data-closed="0"' in page
    counts = summary.counts(user("admin"), opened, today=dt.date(2011, 8, 24))
    assert counts == {"open": 44, "overdue": 0, "closed": 1}
    assert summary.counts(user("hangzhou"), opened, today=dt.date(2011, 9, 1)) == {
        "open": 2,
        "overdue": 0,
        "closed": 1,
    }
    assert summary.counts(user("ningbo"), opened, today=dt.date(2011, 9, 1))["overdue"] == 1
    import io

    from openpyxl import load_workbook

    export = client.get(reverse("annualplans-export", args=[opened.code]), {"holder": "330100"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows if isinstance(r[0], int)] == [
        "年度实施计划",
        "年终责任报告（报省政府）",
        "年终责任报告（报本级人大）",
    ]
    assert rows[0][4] == "已通过"


@pytest.mark.parametrize("name", ["xihu", "hangzhou", "fgw"])
def test_only_admin_opens_years(client, plan, name):
    login(client, name)
    assert (
        client.post(reverse("annualplans-open", args=[plan.code]), {"year": 2011}).status_code
        == 403
    )
    assert not Obligation.objects.exists()


def test_htmx_gets_the_table_only_and_english_is_available(client, opened):
    login(client, "admin")
    url = reverse("annualplans", args=[opened.code])
    partial = client.get(
        url, {"year": "2011", "kind": "annual_plan"}, headers={"HX-Request": "true"}
    )
    text = partial.content.decode()
    assert "<html" not in text and text.count('<tr class="obligation') == 23
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "Annual implementation plan" in english and "Overdue" in english


def test_report_page_offers_the_generated_draft(client, opened):
    login(client, "hangzhou")
    draft = client.get(reverse("report-city", args=[opened.code, "330100", 2011]))
    assert draft.status_code == 200
    assert draft["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("report-city", args=[opened.code, "330200", 2011])).status_code == 403
