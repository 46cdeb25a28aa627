"""Excel and CSV in and out, through the pages with real files: templates, uploads, exports."""

import csv
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl.utils import get_column_letter

from plantrack.core.periods import Period
from plantrack.departments.models import Department
from plantrack.plans.models import DataElement, Plan
from plantrack.reporting import actions, excel
from plantrack.reporting.models import (
    DataSet,
    DataSetElement,
    Status,
    Value,
    ValueChange,
)

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db

TEMPLATE = "/reporting/excel/template/"
UPLOAD = "/reporting/excel/upload/"
EXPORT = "/reporting/excel/export/"
CSV_TEMPLATE = "/reporting/csv/template/"
CSV_UPLOAD = "/reporting/csv/upload/"
JULY = {"data_set": "test_energy", "period": "2011-07"}


def user(name):
    return get_user_model().objects.get(username=name)


def login(client, username):
    client.logout()
    assert client.login(username=username, password=PASSWORD)
    return client


def template(client, **params):
    response = client.get(TEMPLATE, params or JULY)
    assert response.status_code == 200, response.content[:300]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def codes(ws):
    """Element code (from the hidden second row) -> column letter."""
    return {
        ws.cell(2, c).value: get_column_letter(c)
        for c in range(1, ws.max_column + 1)
        if ws.cell(2, c).value
    }


def row_of(ws, unit_key):
    return next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == unit_key)


def fill(ws, unit_key, **values):
    columns, row = codes(ws), row_of(ws, unit_key)
    for code, value in values.items():
        ws[f"{columns[code]}{row}"] = value
    return row


def upload(client, workbook, *, url=UPLOAD, submit=False, as_json=True, name="填报.xlsx"):
    if isinstance(workbook, bytes):
        data = workbook
    else:
        out = io.BytesIO()
        workbook.save(out)
        data = out.getvalue()
    post = {"file": SimpleUploadedFile(name, data)}
    if submit:
        post["submit"] = "1"
    headers = {"HTTP_ACCEPT": "application/json"} if as_json else {}
    return client.post(url, post, **headers)


@pytest.fixture
def city_set(db) -> DataSet:
    """A monthly data set reported by the cities themselves, open for July 2011."""
    plan = Plan.objects.get(code="zhejiang-2011")
    data_set = DataSet.objects.create(
        plan=plan, code="test_city", name="测试设区市月报", frequency="month",
        reporter_kind="region", reporter_level="city", owner=Department.objects.get(code="tjj"),
        deadline_day=15, approval_levels=["province"], first_period="2011-01",
        last_period="2011-12",
    )  # fmt: skip
    element = DataElement.objects.get(plan=plan, code="energy_consumption")
    DataSetElement.objects.create(data_set=data_set, element=element, order=0)
    actions.open_period(data_set, Period.parse("2011-07"))
    return data_set


# --- Templates -------------------------------------------------------------------------------


def test_template_is_protected_validated_and_maps_by_a_hidden_code_row(client, xihu_july):
    login(client, "xihu")
    response = client.get(TEMPLATE, JULY)
    assert "填报模板-test_energy-2011-07.xlsx" in response["Content-Disposition"].replace(
        "%E5%A1%AB%E6%8A%A5%E6%A8%A1%E6%9D%BF", "填报模板"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = workbook["测试能源月报"]
    columns = codes(ws)
    assert {"unit_key", "version", "energy_consumption", "energy_consumption@previous"} <= set(
        columns
    )
    assert "data_set=zhejiang-2011/test_energy" in columns
    assert ws.row_dimensions[2].hidden and ws.column_dimensions[columns["version"]].hidden
    assert ws.protection.sheet and ws.freeze_panes == "C3"
    assert [ws.cell(r, 1).value for r in range(3, ws.max_row + 1)] == ["region:330106"]
    value = f"{columns['energy_consumption']}3"
    assert ws[value].protection.locked is False
    assert ws[f"{columns['energy_consumption@previous']}3"].protection.locked is True
    assert ws["A1"].protection.locked is True and ws["A1"].value == "单位代码"
    rules = {str(v.sqref): v for v in ws.data_validations.dataValidation}
    check = rules[f"{value}:{value}"] if f"{value}:{value}" in rules else rules[value]
    assert check.type == "decimal" and check.showErrorMessage and "应为" in check.error
    assert excel.INSTRUCTIONS in workbook.sheetnames


def test_city_template_has_only_the_citys_own_rows(client, xihu_july, city_set):
    workbook = template(login(client, "ningbo"), period="2011-07")
    # test_energy is reported by counties, so Ningbo edits none of it and the sheet is left out.
    assert workbook.sheetnames == ["测试设区市月报", excel.INSTRUCTIONS]
    ws = workbook["测试设区市月报"]
    assert [ws.cell(r, 1).value for r in range(3, ws.max_row + 1)] == ["region:330200"]


def test_leader_may_neither_download_templates_nor_upload(client, xihu_july):
    login(client, "leader")
    assert client.get(TEMPLATE, JULY).status_code == 403
    assert client.get(CSV_TEMPLATE, JULY).status_code == 403
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, b"PK").status_code == 403
    assert client.get(EXPORT, JULY).status_code == 200


# --- Uploads ---------------------------------------------------------------------------------


def test_round_trip_saves_values_with_excel_audit_rows(client, xihu_july):
    login(client, "xihu")
    workbook = template(client)
    fill(workbook.active, "region:330106", energy_consumption=120.5,
         industrial_energy_consumption=60, gdp_constant="1,234")  # fmt: skip
    response = upload(client, workbook, submit=True)
    assert response.status_code == 200, response.json()
    assert response.json()["saved"] == 1 and response.json()["changed"] == 3
    saved = dict(Value.objects.filter(submission=xihu_july).values_list("element__code", "value"))
    assert saved == {
        "energy_consumption": Decimal("120.5"),
        "industrial_energy_consumption": 60,
        "gdp_constant": 1234,
    }
    changes = ValueChange.objects.filter(value__submission=xihu_july)
    assert {(c.channel, c.reason, c.changed_by.username) for c in changes} == {
        ("excel", "Excel 导入", "xihu")
    }
    xihu_july.refresh_from_db()
    assert xihu_july.status == Status.SUBMITTED and xihu_july.version == 2


def test_three_errors_are_all_reported_with_their_cells_and_nothing_is_saved(client, xihu_july):
    login(client, "admin")
    workbook = template(client)
    ws = workbook.active
    columns = codes(ws)
    for r in range(3, ws.max_row + 1):
        ws[f"{columns['energy_consumption']}{r}"] = 100
        ws[f"{columns['industrial_energy_consumption']}{r}"] = 50
    text_row = fill(ws, "region:330102", energy_consumption="一百")
    rule_row = fill(ws, "region:330106", industrial_energy_consumption=150)
    blank_row = fill(ws, "region:330203", industrial_energy_consumption=None)
    before = Value.objects.count()
    response = upload(client, workbook, submit=True)
    assert response.status_code == 422
    errors = response.json()["errors"]
    located = {(e["sheet"], e["row"], e["column"]) for e in errors}
    energy, industrial = columns["energy_consumption"], columns["industrial_energy_consumption"]
    assert located == {
        ("测试能源月报", text_row, energy),
        ("测试能源月报", rule_row, f"{energy}、{industrial}"),
        ("测试能源月报", blank_row, industrial),
    }
    messages = " ".join(e["message"] for e in errors)
    assert "应为数值" in messages and "不能大于" in messages and "必填" in messages
    assert Value.objects.count() == before and not ValueChange.objects.exists()


def test_error_page_lists_every_error_in_chinese(client, xihu_july):
    login(client, "xihu")
    workbook = template(client)
    fill(workbook.active, "region:330106", energy_consumption="abc",
         industrial_energy_consumption="x")  # fmt: skip
    response = upload(client, workbook, as_json=False)
    page = response.content.decode()
    assert response.status_code == 422
    assert "导入后报送" in client.get(UPLOAD).content.decode()
    assert client.get(CSV_UPLOAD).status_code == 200
    assert "发现 2 个错误，所有数据均未保存" in page and "第 3 行" in page
    assert not Value.objects.exists()


def test_a_save_after_the_download_is_a_conflict_and_nothing_is_saved(client, xihu_july):
    login(client, "xihu")
    workbook = template(client)
    actions.save_values(xihu_july, user("xihu"), {"energy_consumption": "100"}, version=0)
    fill(workbook.active, "region:330106", energy_consumption=999)
    response = upload(client, workbook)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert "被修改" in error["message"] and error["row"] == 3
    assert Value.objects.get(submission=xihu_july).value == 100
    assert not ValueChange.objects.filter(channel="excel").exists()


def test_city_user_gets_an_error_for_another_citys_county_and_nothing_is_saved(client, xihu_july):
    workbook = template(login(client, "admin"))
    ws = workbook.active
    for r in range(ws.max_row, 2, -1):
        if ws.cell(r, 1).value not in ("region:330203",):
            ws.delete_rows(r)
    fill(ws, "region:330203", energy_consumption=10, industrial_energy_consumption=5)
    response = upload(login(client, "hangzhou"), workbook)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert "无权" in error["message"] and "330203" in error["message"]
    assert not Value.objects.exists()


def test_a_submitted_row_cannot_be_changed_by_upload(client, xihu_july):
    login(client, "xihu")
    workbook = template(client)
    raw = {"energy_consumption": "100", "industrial_energy_consumption": "50"}
    actions.save_values(xihu_july, user("xihu"), raw, version=0, submit=True)
    fill(workbook.active, "region:330106", energy_consumption=90)
    [error] = upload(client, workbook).json()["errors"]
    assert "已报送" in error["message"]


def test_large_change_takes_its_explanation_from_the_explanation_column(
    client, data_set, xihu_july
):
    june = actions.open_period(data_set, Period.parse("2011-06")).get(unit_key="region:330106")
    raw = {"energy_consumption": "100", "industrial_energy_consumption": "50"}
    actions.save_values(june, user("xihu"), raw, version=0, submit=True)
    login(client, "xihu")
    workbook = template(client)
    ws = workbook.active
    assert ws[f"{codes(ws)['energy_consumption@previous']}3"].value == 100
    fill(ws, "region:330106", energy_consumption=150, industrial_energy_consumption=50)
    [error] = upload(client, workbook, submit=True).json()["errors"]
    assert error["column"] == codes(ws)["energy_consumption@explanation"]
    assert "变动说明" in error["message"]
    fill(ws, "region:330106", **{"energy_consumption@explanation": "新投产企业"})
    assert upload(client, workbook, submit=True).status_code == 200
    value = Value.objects.get(submission=xihu_july, element__code="energy_consumption")
    assert value.explanation == "新投产企业"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\xffgarbage" * 100, "不是 Excel 工作簿"),
        (b"\xd0\xcf\x11\xe0old excel", "旧版 Excel"),
        (b"PK\x03\x04broken zip", "损坏"),
    ],
)
def test_a_file_that_is_not_a_workbook_gets_a_clear_error_page(client, xihu_july, data, message):
    login(client, "xihu")
    response = upload(client, data, as_json=False)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_sheet_without_the_hidden_code_row_or_without_rows_is_refused(client, xihu_july):
    login(client, "xihu")
    workbook = openpyxl.Workbook()
    workbook.active.append(["单位代码", "综合能源消费量"])
    workbook.active.append(["region:330106", 100])
    response = upload(client, workbook)
    assert response.status_code == 400
    assert "缺少隐藏的字段编码行" in response.json()["errors"][0]["message"]
    empty = template(client)
    empty.active.delete_rows(3)
    assert "没有任何数据行" in upload(client, empty).json()["errors"][0]["message"]


def test_zip_bombs_and_oversized_files_are_refused_before_reading(client, xihu_july, monkeypatch):
    login(client, "xihu")
    monkeypatch.setattr(excel, "MAX_UNPACKED_BYTES", 1_000_000)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 2_000_000)
    response = upload(client, bomb.getvalue())
    assert response.status_code == 400 and "过大" in response.json()["errors"][0]["message"]
    monkeypatch.setattr(excel, "MAX_UPLOAD_BYTES", 1_000)
    assert upload(client, b"PK" + b"0" * 2_000).status_code == 413


# --- CSV -------------------------------------------------------------------------------------


def test_csv_round_trip_in_utf8_with_bom_and_in_gb18030(client, xihu_july):
    login(client, "xihu")
    response = client.get(CSV_TEMPLATE, JULY)
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, code_row, data = rows
    assert header[0] == "单位代码" and code_row[0] == "unit_key"
    index = {code: n for n, code in enumerate(code_row)}
    data[index["energy_consumption"]] = "100"
    data[index["industrial_energy_consumption"]] = "50"

    def encoded(encoding):
        out = io.StringIO()
        csv.writer(out).writerows([header, code_row, data])
        return out.getvalue().encode(encoding)

    saved = upload(client, encoded("utf-8-sig"), url=CSV_UPLOAD, name="t.csv")
    assert saved.status_code == 200, saved.json()
    assert set(ValueChange.objects.values_list("channel", "reason")) == {("csv", "CSV 导入")}
    # Chinese Excel saves CSV as GB18030 without a BOM, and turns 2011-07 into a date.
    data[index["energy_consumption"]] = "110"
    data[index["version"]] = "1"
    data[index["period"]] = "2011/7/1"
    saved = upload(client, encoded("gb18030"), url=CSV_UPLOAD, name="t.csv")
    assert saved.status_code == 200, saved.json()
    value = Value.objects.get(submission=xihu_july, element__code="energy_consumption")
    assert value.value == 110


def test_csv_errors_name_the_row_and_the_column(client, xihu_july):
    login(client, "xihu")
    text = client.get(CSV_TEMPLATE, JULY).content.decode("utf-8-sig")
    header, code_row, data = list(csv.reader(io.StringIO(text)))
    data[code_row.index("energy_consumption")] = "很多"
    out = io.StringIO()
    csv.writer(out).writerows([header, code_row, data])
    response = upload(client, out.getvalue().encode("utf-8"), url=CSV_UPLOAD, name="t.csv")
    [error] = response.json()["errors"]
    assert (error["row"], error["header"]) == (3, "综合能源消费量（万吨标准煤）")
    garbage = upload(client, b"\x81\x00\x00\xfe" * 50, url=CSV_UPLOAD, as_json=False)
    assert garbage.status_code == 400 and "CSV" in garbage.content.decode()


# --- Export ----------------------------------------------------------------------------------


def test_export_as_a_city_user_holds_only_its_own_units_and_says_demo(client, xihu_july, settings):
    settings.PLANTRACK_DEMO = True
    raw = {"energy_consumption": "100", "industrial_energy_consumption": "50"}
    actions.save_values(xihu_july, user("xihu"), raw, version=0)
    response = login(client, "hangzhou").get(EXPORT, JULY)
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "演示数据" in ws["A1"].value
    units = [ws.cell(r, 1).value for r in range(3, ws.max_row + 1)]
    assert len(units) == 13 and all(u.startswith("region:3301") for u in units)
    headers = [ws.cell(2, c).value for c in range(1, ws.max_column + 1)]
    assert "综合能源消费量（万吨标准煤） 自报数" in headers
    assert "综合能源消费量（万吨标准煤） 核定数" in headers
    row = units.index("region:330106") + 3
    reported = headers.index("综合能源消费量（万吨标准煤） 自报数") + 1
    assert ws.cell(row, reported).value == 100


def test_period_page_links_to_excel(client, xihu_july):
    page = login(client, "xihu").get("/reporting/sets/test_energy/2011-07/").content.decode()
    assert "/reporting/excel/template/?data_set=test_energy&amp;period=2011-07" in page
    assert "/reporting/excel/export/" in page
