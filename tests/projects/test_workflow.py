"""Owners report progress, the lead department approves or returns it, and all is audited."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from plantrack.projects.models import Project, ProjectChange, Update

from .conftest import login

pytestmark = pytest.mark.django_db

DETAIL = "/projects/zhejiang-2011/p/T-SW-1/"


def post_update(client, **fields):
    data = {"note": "主体工程完工，通过验收", "submit": "1"} | fields
    return client.post(DETAIL + "update/", data)


def test_owner_update_changes_nothing_until_department_approves(
    client, projects, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    login(client, "hangzhou")
    evidence = SimpleUploadedFile("验收报告.pdf", b"%PDF-1.4 demo", content_type="application/pdf")
    response = post_update(
        client,
        status="completed",
        completed_on="2011-10-20",
        actual_investment="950",
        **{"contribution:cod_cut": "320"},
        evidence=evidence,
    )
    assert response.status_code == 302
    update = Update.objects.get(project__code="T-SW-1")
    assert update.state == "submitted"
    assert Project.objects.get(code="T-SW-1").status == "planned"
    assert update.evidence.get().file.path.startswith(str(tmp_path))

    client.logout()
    login(client, "hbt")  # hbt leads V01
    response = client.post(f"{DETAIL}updates/{update.pk}/review/", {"decision": "approve"})
    assert response.status_code == 302
    project = Project.objects.get(code="T-SW-1")
    assert project.status == "completed"
    assert project.completed_on == dt.date(2011, 10, 20)
    assert project.actual_investment == Decimal("950")
    assert project.contributions.get(code="cod_cut").actual == Decimal("320")
    change = ProjectChange.objects.get(project=project, field="status")
    assert (change.old, change.new, change.user.username, change.channel) == (
        "planned",
        "completed",
        "hbt",
        "approval",
    )
    assert "主体工程完工" in change.reason
    # The evidence is downloadable by those who see the project, not by another city.
    file_url = f"{DETAIL}evidence/{update.evidence.get().pk}/"
    assert client.get(file_url).status_code == 200
    client.logout()
    login(client, "ningbo")
    assert client.get(file_url).status_code == 404


def test_department_returns_with_a_reason_and_owner_resubmits(client, projects):
    login(client, "hangzhou")
    post_update(client, actual_investment="100")
    update = Update.objects.get(project__code="T-SW-1")
    client.logout()
    login(client, "hbt")
    client.post(f"{DETAIL}updates/{update.pk}/review/", {"decision": "return"})
    update.refresh_from_db()
    assert update.state == "submitted"  # a return without a reason is refused
    client.post(
        f"{DETAIL}updates/{update.pk}/review/", {"decision": "return", "review_note": "缺少发票"}
    )
    update.refresh_from_db()
    assert (update.state, update.review_note) == ("returned", "缺少发票")
    assert not ProjectChange.objects.filter(project__code="T-SW-1", channel="approval").exists()
    client.logout()
    login(client, "hangzhou")
    client.post(f"{DETAIL}updates/{update.pk}/submit/")
    update.refresh_from_db()
    assert update.state == "submitted"


def test_owner_cannot_approve_own_update_and_support_department_cannot_either(client, projects):
    login(client, "hangzhou")
    post_update(client, actual_investment="100")
    update = Update.objects.get(project__code="T-SW-1")
    client.post(f"{DETAIL}updates/{update.pk}/review/", {"decision": "approve"})
    update.refresh_from_db()
    assert update.state == "submitted"
    client.logout()
    login(client, "fgw")  # supports V01, does not lead it
    response = client.post(f"{DETAIL}updates/{update.pk}/review/", {"decision": "approve"})
    assert response.status_code == 403
    update.refresh_from_db()
    assert update.state == "submitted"


def test_bad_update_is_refused_with_the_field(client, projects):
    login(client, "hangzhou")
    response = post_update(client, actual_investment="十万")
    assert response.status_code == 400
    assert "actual_investment" in response.context["errors"]
    response = post_update(client, status="completed")
    assert "completed_on" in response.context["errors"]
    assert not Update.objects.exists()


def test_api_update_then_admin_approval(client, projects):
    login(client, "xihu")
    response = client.post(
        "/api/projects/zhejiang-2011/projects/T-XH-1/updates",
        {"note": "节能量核定", "changes": {"contribution:energy_saved": "1500"}},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "submitted"
    bad = client.post(
        "/api/projects/zhejiang-2011/projects/T-XH-1/updates",
        {"note": "x", "changes": {"name": "改名"}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert "name" in bad.json()["fields"]
    client.logout()
    login(client, "admin")
    pending = client.get("/projects/zhejiang-2011/approvals/")
    assert len(pending.context["pending"]) == 1
    update = Update.objects.get(project__code="T-XH-1")
    client.post(
        f"/projects/zhejiang-2011/p/T-XH-1/updates/{update.pk}/review/",
        {"decision": "approve", "next": "approvals"},
    )
    project = Project.objects.get(code="T-XH-1")
    assert project.contributions.get(code="energy_saved").actual == Decimal("1500")
    history = client.get("/projects/zhejiang-2011/p/T-XH-1/")
    assert "contribution:energy_saved" in history.content.decode()
