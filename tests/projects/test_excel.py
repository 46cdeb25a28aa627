"""Excel: templates per list, imports with row errors, all-or-nothing, re-import by code, export."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from plantrack.projects.models import Project, ProjectChange

from .conftest import login

pytestmark = pytest.mark.django_db

BASE = "/projects/zhejiang-2011/excel/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template(client, list_code: str) -> openpyxl.Workbook:
    response = client.get(f"{BASE}template/?list={list_code}")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.content))


def fill(book: openpyxl.Workbook, rows: list[dict[str, object]]) -> bytes:
    ws = book.worksheets[0]
    codes = [c.value for c in ws[2]]
    for number, row in enumerate(rows, start=3):
        for key, value in row.items():
            ws.cell(number, codes.index(key) + 1, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, content: bytes, reason: str = "下达2011年计划"):
    file = SimpleUploadedFile("清单.xlsx", content, content_type=XLSX)
    return client.post(f"{BASE}upload/", {"file": file, "reason": reason})


def sewage_row(code: str, **extra: object) -> dict[str, object]:
    return {
        "code": code,
        "name": f"{code} 镇污水处理厂",
        "owner_unit": "桐庐县人民政府",
        "region": "330122",
        "status": "在建",
        "planned_investment": 3200,
        "started_on": "2011-03-01",
        "expected:cod_cut": 400,
    } | extra


def test_template_has_a_sheet_per_list_with_contribution_columns(client, db):
    login(client, "admin")
    book = template(client, "town-sewage")
    codes = [c.value for c in book.worksheets[0][2]]
    assert "expected:cod_cut" in codes and "actual:treatment_capacity" in codes
    assert any(str(c).startswith("project_list=zhejiang-2011/town-sewage") for c in codes if c)
    everything = openpyxl.load_workbook(io.BytesIO(client.get(f"{BASE}template/").content))
    assert len(everything.worksheets) == 25 + 1  # every declared list and the instructions


def test_import_creates_then_reimport_updates_by_code_with_audit(client, db):
    login(client, "hangzhou")
    content = fill(template(client, "town-sewage"), [sewage_row("HZ-S-01"), sewage_row("HZ-S-02")])
    response = upload(client, content)
    assert response.status_code == 200, response.context["errors"]
    assert (response.context["created"], response.context["updated"]) == (2, 0)
    project = Project.objects.get(code="HZ-S-01")
    assert (project.program.code, project.status, project.region.code) == (
        "V01",
        "under_construction",
        "330122",
    )
    assert project.contributions.get(code="cod_cut").expected == 400

    again = fill(
        template(client, "town-sewage"),
        [
            sewage_row(
                "HZ-S-01", status="已完成", completed_on="2011-11-02", **{"actual:cod_cut": 380}
            )
        ],
    )
    response = upload(client, again, reason="年底更新")
    assert (response.context["created"], response.context["updated"]) == (0, 1)
    project.refresh_from_db()
    assert project.status == "completed"
    change = ProjectChange.objects.get(project=project, field="status")
    assert (change.old, change.new, change.reason, change.channel, change.user.username) == (
        "under_construction",
        "completed",
        "年底更新",
        "excel",
        "hangzhou",
    )


def test_row_errors_name_sheet_row_column_and_nothing_is_saved(client, db):
    login(client, "hangzhou")
    rows = [
        sewage_row("HZ-S-10"),
        sewage_row("HZ-S-11", planned_investment="三千万"),
        sewage_row("HZ-S-12", region="999999"),
        sewage_row("HZ-S-10"),
        sewage_row("HZ-S-13", status="已完成"),
        sewage_row("HZ-S-14", region="330203"),  # Ningbo: not Hangzhou's to import
    ]
    response = upload(client, fill(template(client, "town-sewage"), rows))
    assert response.status_code == 400
    errors = {(e.row, e.column): e for e in response.context["errors"]}
    sheet = "建制镇污水处理设施项目"
    assert errors[(4, "F")].sheet == sheet and "三千万" in errors[(4, "F")].message
    assert errors[(4, "F")].header == "计划投资（万元）"
    assert "999999" in errors[(5, "D")].message
    assert "第 3 行重复" in errors[(6, "A")].message
    assert "竣工日期" in errors[(7, "I")].message
    assert "无权" in errors[(8, "D")].message
    assert not Project.objects.filter(code__startswith="HZ-S-").exists()
    assert "HZ-S-11" not in response.content.decode() or "三千万" in response.content.decode()


def test_upload_of_a_file_that_is_not_a_template_is_explained(client, db):
    login(client, "admin")
    response = upload(client, b"not a workbook")
    assert response.status_code == 400
    assert "Excel" in response.context["errors"][0].message


def test_export_of_a_filtered_list_reimports_unchanged(client, projects):
    login(client, "admin")
    response = client.get(f"{BASE}export/?program=E01")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(min_row=3, values_only=True))
    assert {r[0] for r in rows} == {"T-XH-1", "T-NB-1"}
    before = ProjectChange.objects.count()
    response = upload(client, response.content)
    assert response.status_code == 200
    assert response.context["updated"] == 2
    assert ProjectChange.objects.count() == before  # nothing differed, nothing audited


def test_department_imports_only_the_programs_it_leads(client, db):
    login(client, "hbt")  # leads V01 (sewage), not E01 (energy)
    content = fill(template(client, "town-sewage"), [sewage_row("HB-S-01", region="330203")])
    assert upload(client, content).status_code == 200
    energy = fill(
        template(client, "energy-key"),
        [{"code": "HB-E-01", "name": "越权节能项目", "owner_unit": "某企业", "region": "330203"}],
    )
    response = upload(client, energy)
    assert response.status_code == 400
    assert "无权" in response.context["errors"][0].message
    assert not Project.objects.filter(code="HB-E-01").exists()


def test_milestone_dates_import_and_are_checked(client, db):
    login(client, "hangzhou")
    rows = [
        sewage_row(
            "HZ-M-01",
            **{
                "planned_on:开工": "2011-03-01",
                "actual_on:开工": "2011-03-05",
                "planned_on:竣工验收": "2011-12-20",
            },
        ),
        sewage_row("HZ-M-02", **{"actual_on:竣工验收": "2011-12-01"}),
    ]
    response = upload(client, fill(template(client, "town-sewage"), rows))
    assert response.status_code == 400
    [error] = response.context["errors"]
    assert error.row == 4 and error.header == "竣工验收计划日期"
    response = upload(client, fill(template(client, "town-sewage"), rows[:1]))
    assert response.status_code == 200
    milestones = {m.name: m for m in Project.objects.get(code="HZ-M-01").milestones.all()}
    assert str(milestones["开工"].actual_on) == "2011-03-05"
    assert milestones["竣工验收"].actual_on is None
    assert set(milestones) == {"开工", "竣工验收"}
