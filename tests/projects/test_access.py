"""Who sees and changes which projects, over the pages, Excel and the API."""

import io

import openpyxl
import pytest

from .conftest import login

pytestmark = pytest.mark.django_db

LIST = "/projects/zhejiang-2011/"


def codes_on_list(client) -> set[str]:
    response = client.get(LIST)
    assert response.status_code == 200
    return {p.code for p in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("admin", {"T-XH-1", "T-NB-1", "T-SW-1"}),
        ("leader", {"T-XH-1", "T-NB-1", "T-SW-1"}),
        ("hangzhou", {"T-XH-1", "T-SW-1"}),
        ("ningbo", {"T-NB-1"}),
        ("xihu", {"T-XH-1"}),
        # fgw supports E01 and V01; hbt leads V01 but has no part in E01.
        ("fgw", {"T-XH-1", "T-NB-1", "T-SW-1"}),
        ("hbt", {"T-SW-1"}),
    ],
)
def test_each_role_sees_only_its_projects(client, projects, username, expected):
    login(client, username)
    assert codes_on_list(client) == expected
    api = client.get("/api/projects/zhejiang-2011/projects")
    assert {p["code"] for p in api.json()} == expected


def test_city_user_cannot_open_other_city_project(client, projects):
    login(client, "hangzhou")
    assert client.get(f"{LIST}p/T-NB-1/").status_code == 404
    assert client.get(f"{LIST}p/T-NB-1/update/").status_code == 404
    assert client.get("/api/projects/zhejiang-2011/projects/T-NB-1").status_code == 404
    response = client.post(
        "/api/projects/zhejiang-2011/projects/T-NB-1/updates",
        {"note": "越权"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert client.get(f"{LIST}p/T-XH-1/").status_code == 200


def test_export_holds_only_visible_projects(client, projects):
    login(client, "ningbo")
    response = client.get(f"{LIST}excel/export/")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    codes = {
        row[0] for ws in book.worksheets[:-1] for row in ws.iter_rows(min_row=3, values_only=True)
    }
    assert codes == {"T-NB-1"}


def test_department_user_cannot_update_but_leader_department_approves(client, projects):
    login(client, "fgw")
    # fgw only supports E01; the owner (city/county) reports and jxw (lead) approves.
    assert client.get(f"{LIST}p/T-XH-1/update/").status_code == 403
    response = client.post(
        "/api/projects/zhejiang-2011/projects/T-XH-1/updates",
        {"note": "部门越权"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_anonymous_is_sent_to_login_and_api_refuses(client, projects):
    assert client.get(LIST).status_code == 302
    assert client.get("/api/projects/zhejiang-2011/projects").status_code == 401


def test_rollup_api_counts_only_visible_projects(client, projects):
    login(client, "ningbo")
    rows = client.get("/api/projects/zhejiang-2011/rollup/E01").json()
    started = next(r for r in rows if r["target_code"] == "E01-02")
    assert started["actual"] == "1" or float(started["actual"]) == 1
    login(client, "admin")
    rows = client.get("/api/projects/zhejiang-2011/rollup/E01").json()
    started = next(r for r in rows if r["target_code"] == "E01-02")
    assert float(started["actual"]) == 2
    assert float(started["target"]) == 300
