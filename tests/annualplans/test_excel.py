"""The structured-target template: rows concern the holder, errors name row and column, atomic."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from plantrack.annualplans.models import Change, PlanTargetRow
from plantrack.annualplans.targets import assigned_targets
from plantrack.plans.models import Target

from .conftest import annual, login


def template(client, plan, obligation):
    response = client.get(reverse("annualplans-template", args=[plan.code, obligation.pk]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def upload(client, plan, obligation, book):
    out = io.BytesIO()
    book.save(out)
    file = SimpleUploadedFile("plan.xlsx", out.getvalue())
    url = reverse("annualplans-import", args=[plan.code, obligation.pk])
    return client.post(url, {"file": file, "reason": "年度计划"})


def rows_of(sheet):
    return {r[0].value: r for r in sheet.iter_rows(min_row=3) if r[0].value}


def test_template_rows_are_the_holders_targets(client, opened):
    hangzhou = annual(opened, region="330100")
    assigned = assigned_targets(hangzhou)
    codes = {a.target.code for a in assigned}
    # The city's own target and the province's inherited change targets, not other cities'.
    assert {"M-E-01"} <= codes
    own = set(
        Target.objects.filter(region__code="330100", kind="quantitative").values_list(
            "code", flat=True
        )
    )
    assert own <= codes
    assert not codes & set(
        Target.objects.filter(region__code="330200").values_list("code", flat=True)
    )
    fgw = {a.target.code for a in assigned_targets(annual(opened, department="fgw"))}
    assert fgw and all(
        Target.objects.get(plan=opened, code=c).departments.filter(code="fgw").exists() for c in fgw
    )
    login(client, "hangzhou")
    sheet = template(client, opened, hangzhou)["分解目标"]
    assert [c.value for c in sheet[1]][:6] == [
        "目标编码",
        "目标表述",
        "计量单位",
        "省下达值",
        "本年度计划值",
        "主要措施",
    ]
    assert set(rows_of(sheet)) == codes
    assert rows_of(sheet)["M-E-01"][3].value == 3.5


def test_import_saves_rows_audits_and_warns_when_short(client, opened):
    hangzhou = annual(opened, region="330100")
    login(client, "hangzhou")
    book = template(client, opened, hangzhou)
    rows = rows_of(book["分解目标"])
    rows["M-E-01"][4].value = 3.0  # short of the assigned 3.5: a warning, saved anyway
    rows["M-E-01"][5].value = "淘汰落后产能"
    rows["M-E-03"][4].value = 3.6
    for code, row in rows.items():
        if code not in ("M-E-01", "M-E-03"):
            row[0].value = None  # only two rows filled
            row[4].value = None
    response = upload(client, opened, hangzhou, book)
    assert response.status_code == 200
    page = response.content.decode()
    assert "未达到省下达值" in page and 'class="warning"' in page
    saved = {r.target.code: r for r in PlanTargetRow.objects.filter(obligation=hangzhou)}
    assert saved["M-E-01"].value == Decimal("3") and saved["M-E-01"].measures == "淘汰落后产能"
    assert saved["M-E-01"].assigned == Decimal("3.5")
    change = Change.objects.get(obligation=hangzhou, field="target:M-E-01")
    assert (change.old, change.new, change.channel, change.reason) == ("", "3", "excel", "年度计划")
    detail = client.get(reverse("annualplans-detail", args=[opened.code, hangzhou.pk])).content
    assert detail.decode().count("未达到下达值") == 1


def test_errors_name_row_and_column_and_nothing_is_saved(client, opened):
    hangzhou = annual(opened, region="330100")
    login(client, "hangzhou")
    book = template(client, opened, hangzhou)
    sheet = book["分解目标"]
    rows = rows_of(sheet)
    rows["M-E-01"][4].value = 4  # a good row: must not be saved while others fail
    rows["M-E-03"][4].value = "三点五"
    extra = sheet.max_row + 1
    sheet.cell(extra, 1, "M-X-99")
    sheet.cell(extra, 5, 1)
    response = upload(client, opened, hangzhou, book)
    assert response.status_code == 400
    page = response.content.decode()
    assert "“三点五”不是数字" in page and "目标编码“M-X-99”不是本单位本年度应分解的目标" in page
    line = rows["M-E-03"][4].row
    assert f"<td>分解目标</td><td>{line}</td><td>E</td><td>本年度计划值</td>" in page
    assert f"<td>{extra}</td><td>A</td><td>目标编码</td>" in page
    assert (
        not PlanTargetRow.objects.exists()
        and not Change.objects.filter(field__startswith="target").exists()
    )


def test_file_of_another_obligation_is_refused(client, opened):
    login(client, "hangzhou")
    other = annual(opened, region="330100")
    book = template(client, opened, other)
    rows_of(book["分解目标"])["M-E-01"][4].value = 4
    report = other.__class__.objects.get(
        plan=opened, region__code="330100", kind="year_end_report_province"
    )
    response = client.post(
        reverse("annualplans-import", args=[opened.code, report.pk]),
        {"file": SimpleUploadedFile("x.xlsx", _bytes(book))},
    )
    assert response.status_code == 400 and "另一项报送任务" in response.content.decode()
    response = client.post(
        reverse("annualplans-import", args=[opened.code, other.pk]),
        {"file": SimpleUploadedFile("x.xlsx", b"not excel")},
    )
    assert response.status_code == 400 and "不是 Excel 工作簿" in response.content.decode()
    assert not PlanTargetRow.objects.exists()


def _bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
