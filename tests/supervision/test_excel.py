"""Findings imported from the campaign's template (row errors, all or nothing), the ledger and
the meetings exported."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from plantrack.supervision.models import Finding, Item

from .conftest import client_for, make_campaign

pytestmark = pytest.mark.django_db
BASE = "/supervision/zhejiang-2011"


def filled_template(client, campaign, rows: list[dict]) -> SimpleUploadedFile:
    response = client.get(f"{BASE}/campaigns/{campaign.pk}/template/")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = book.worksheets[0]
    codes = [c.value for c in ws[2]]
    for number, row in enumerate(rows, start=3):
        for key, value in row.items():
            ws.cell(number, codes.index(key) + 1, value)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("findings.xlsx", out.getvalue())


GOOD = {
    "region": "330106", "program": "V01", "description": "印染企业废水超标",
    "severity": "严重", "found_on": "2011-06-20", "term": "短期",
    "required_evidence": "监测报告",
}  # fmt: skip


def test_import_creates_each_finding_and_its_item(db):
    campaign = make_campaign()
    client = client_for("admin")
    rows = [GOOD, GOOD | {"region": "330204", "term": "中期", "deadline": "2011-12-31"}]
    response = client.post(
        f"{BASE}/campaigns/{campaign.pk}/upload/", {"file": filled_template(client, campaign, rows)}
    )
    assert response.status_code == 200 and 'data-created="2"' in response.content.decode()
    items = Item.objects.filter(finding__campaign=campaign).order_by("region__code")
    assert [(i.region.code, i.term, str(i.deadline)) for i in items] == [
        ("330106", "short", "2011-09-18"),  # 90 days from the day found
        ("330204", "medium", "2011-12-31"),
    ]
    assert all(i.changes.filter(field="created", channel="excel").exists() for i in items)


def test_errors_name_row_column_and_field_and_nothing_is_saved(db):
    campaign = make_campaign()
    client = client_for("admin")
    rows = [
        GOOD,
        GOOD | {"region": "339999", "severity": "很严重"},
        GOOD | {"region": "330302", "found_on": "2011-02-30"},  # Wenzhou: outside the scope
    ]
    response = client.post(
        f"{BASE}/campaigns/{campaign.pk}/upload/", {"file": filled_template(client, campaign, rows)}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-row="4" data-column="A"' in page and "未知的市县行政区划代码“339999”" in page
    assert 'data-row="4" data-column="E"' in page and "严重程度" in page
    assert 'data-row="5" data-column="A"' in page and "不在本次督查范围内" in page
    assert 'data-row="5" data-column="F"' in page
    assert not Finding.objects.filter(campaign=campaign).exists()  # the good row neither


def test_only_the_province_imports_and_a_foreign_file_is_refused(db):
    campaign = make_campaign()
    url = f"{BASE}/campaigns/{campaign.pk}/upload/"
    file = filled_template(client_for("admin"), campaign, [GOOD])
    assert client_for("hangzhou").post(url, {"file": file}).status_code == 403
    other = SimpleUploadedFile("x.xlsx", b"not a workbook")
    assert client_for("admin").post(url, {"file": other}).status_code == 400


def test_ledger_export_follows_filters_and_access(ledger):
    response = client_for("hangzhou").get(f"{BASE}/export/?status=open")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = book["整改台账"]
    numbers = [row[0] for row in ws.iter_rows(min_row=3, values_only=True)]
    assert numbers == [ledger["xihu"].number]
    closed = client_for("admin").get(f"{BASE}/export/?status=closed")
    assert openpyxl.load_workbook(io.BytesIO(closed.content))["整改台账"].max_row == 2


def test_meetings_export_lists_meetings_and_only_visible_tasks(db, media):
    from plantrack.plans.models import Plan
    from plantrack.supervision.demo import generate

    generate(Plan.objects.get(code="zhejiang-2011"))
    response = client_for("ningbo").get(f"{BASE}/meetings/export/")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    meetings = [r[0] for r in book["会议"].iter_rows(min_row=3, values_only=True)]
    assert meetings == ["第2次", "第1次"]
    assert "演示数据" in book["会议"]["A1"].value
    owners = {r[5] for r in book["会议任务"].iter_rows(min_row=3, values_only=True)}
    assert owners == {"宁波市"}  # Ningbo's own tasks, no department's
